#!/usr/bin/env node
// `npm run screenshot`: docs/html-report.png, the README's picture of the HTML report — the seed's
// before image (samples/generated/before.html, written by npm start; made first when missing),
// opened in headless Chromium (Debian's, through playwright-core) at 1280×800.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, LAUNCH } from './chromium.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const page = path.join(root, 'samples/generated/before.html');
const png = path.join(root, 'docs/html-report.png');
if (!existsSync(CHROMIUM)) {
  console.error(`screenshot: no ${CHROMIUM} (apt-get install chromium)`);
  process.exit(2);
}
if (!existsSync(page)) execFileSync(process.execPath, [path.join(root, 'samples/story.mjs')], { stdio: 'ignore' });
mkdirSync(path.dirname(png), { recursive: true });
const browser = await chromium.launch(LAUNCH);
const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await p.route('**/*', (r) => (r.request().url().startsWith('file:') ? r.continue() : r.abort()));
await p.goto(`file://${page}`);
await p.waitForFunction(() => Number(document.body.dataset.drawn ?? 0) > 0);
// a layer highlighted, as a reader would after one click: the pip install layer (CUDA wheels)
await p.click('button.layer[data-layer="6"]');
await p.evaluate(() => window.scrollTo(0, 0));
await p.waitForTimeout(100);
await p.screenshot({ path: png });
await browser.close();
console.log(`wrote ${path.relative(process.cwd(), png)} (${Math.round(statSync(png).size / 1000)} kB)`);
