#!/usr/bin/env node
// How big the HTML report is and how fast it opens: headless Chromium (Debian's, driven by
// playwright-core) loads each page from file:// until the treemap is drawn, five times, median.
// Pages: the seed's before image (samples/generated, made by npm start) and a synthetic image of
// 500,000 files (bench/gen-stream.mjs --files) at the default node budget and at 20,000 nodes.
// Usage: npm run bench:html   (prints a Markdown table; bench/RESULTS.md keeps the last one by hand)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, LAUNCH } from '../scripts/chromium.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const out = path.join(here, 'out', 'html');
mkdirSync(out, { recursive: true });
if (!existsSync(CHROMIUM)) {
  console.error(`bench/html: no ${CHROMIUM} (apt-get install chromium)`);
  process.exit(2);
}

/** Runs a shell pipeline, resolves with its wall time and peak RSS of imgsize (GNU time). */
function sh(cmd) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn('bash', ['-o', 'pipefail', '-c', cmd], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, stderr: err }) : reject(new Error(`${cmd}: exit ${code}\n${err}`))));
  });
}

const imgsize = `node ${path.join(root, 'bin/imgsize.js')}`;
const seedJson = path.join(root, 'samples/generated/before.json');
if (!existsSync(seedJson)) await sh('node samples/story.mjs > /dev/null');

const cases = [
  { name: 'seed before (9,149 files)', file: path.join(out, 'seed-before.html'), make: (f) => `${imgsize} ${seedJson} --html ${f} --quiet > /dev/null` },
  {
    name: '500,000 files, 5,000 nodes',
    file: path.join(out, 'files-500k.html'),
    make: (f) => `node bench/gen-stream.mjs --files 500000 | /usr/bin/time -f '%M' ${imgsize} - --html ${f} --quiet > /dev/null`,
  },
  {
    name: '500,000 files, 20,000 nodes',
    file: path.join(out, 'files-500k-20k.html'),
    make: (f) => `node bench/gen-stream.mjs --files 500000 | /usr/bin/time -f '%M' ${imgsize} - --html ${f} --tree-nodes 20000 --quiet > /dev/null`,
  },
];

const browser = await chromium.launch(LAUNCH);
const rows = [];
for (const c of cases) {
  const made = await sh(c.make(c.file));
  const rss = /(\d+)\s*$/.exec(made.stderr)?.[1];
  const times = [];
  for (let i = 0; i < 5; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const t0 = performance.now();
    await page.goto(`file://${c.file}`);
    await page.waitForFunction(() => Number(document.body.dataset.drawn ?? 0) > 0);
    times.push(performance.now() - t0);
    await page.close();
  }
  times.sort((a, b) => a - b);
  rows.push({
    name: c.name,
    bytes: statSync(c.file).size,
    load: times[2],
    made: made.seconds,
    rss: rss ? Number(rss) * 1024 : undefined,
  });
}
await browser.close();

const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
console.log('| page | HTML | load + first draw (median of 5) | imgsize run (RSS) |');
console.log('|---|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${(r.bytes / 1000).toFixed(0)} kB | ${Math.round(r.load)} ms | ${r.made.toFixed(1)} s${r.rss ? ` (${mb(r.rss)})` : ''} |`);
