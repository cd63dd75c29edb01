/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core (no browser
 * download). Reports of the seed's before/after images, of a real corpus image and of an image with
 * hostile names are opened from file://; nothing may leave the page, nothing may log an error, and
 * the treemap must show what the report says. Screenshots land in artifacts/screenshots/ (not
 * committed) for a person to look at. Skipped with a printed reason where chromium is missing;
 * under CI=true a missing browser fails the run (.ci/run installs it).
 */
/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
// @ts-expect-error plain JS module shared with `npm start`
import { seedArchive } from '../../samples/seed.mjs';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempDir } from '../helpers/temp.js';
import { human } from '../../src/render/units.js';
import { visible } from '../../src/render/escape.js';
import { CORPUS } from '../helpers/corpus.js';
import { fleetGates, repositoryJudge } from '../../src/fleet/gates.js';
import { fleetReport } from '../../src/fleet/merge.js';
import { renderFleetHtml } from '../../src/render/html.js';
import type { FleetPlan, Report } from '../../src/report/schema.js';
import { SCHEMA_VERSION } from '../../src/report/version.js';
// @ts-expect-error plain JS module shared with the benchmark and the screenshot script
import { CHROMIUM, LAUNCH } from '../../scripts/chromium.mjs';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.join(ROOT, 'artifacts/screenshots');
const tmp = tempDir('imgsize-html-');

interface Opened {
  readonly page: Page;
  /** Every request that was not for the file itself. */
  readonly requests: string[];
  readonly errors: string[];
  readonly dialogs: string[];
}

type Box = { path: string; node: number; x: number; y: number; w: number; h: number; depth: number; folder: boolean };

async function seedTar(which: 'before' | 'after'): Promise<string> {
  const file = path.join(tmp(), `${which}.tar`);
  const parts: Buffer[] = [];
  for await (const c of seedArchive(which, { scale: 0.003 })) parts.push(c as Buffer);
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

async function imgsize(argv: string[]): Promise<void> {
  const r = await run(argv);
  expect(r.code, r.stderr).toBeLessThan(2);
}

if (!existsSync(CHROMIUM)) {
  if (process.env.CI) {
    describe('the HTML report in a browser', () => {
      it('has a browser', () => {
        throw new Error(`no ${CHROMIUM}: .ci/run installs Debian's chromium`);
      });
    });
  } else {
    console.warn(`HTML browser tests skipped: no ${CHROMIUM} here (apt-get install chromium)`);
    describe.skip('the HTML report in a browser', () => it('needs chromium', () => undefined));
  }
} else {
  describe('the HTML report in a browser', () => {
    let browser: Browser;
    const html: Record<string, string> = {};
    const reports: Record<string, { tree: { nodes: { name: string; bytes: number; parent?: number }[] }; layers: unknown[]; largestFiles: { path: string; layer: number }[] }> = {};

    beforeAll(async () => {
      const { chromium } = await import('playwright-core');
      const launched = chromium.launch(LAUNCH);
      mkdirSync(SHOTS, { recursive: true });
      const dir = tmp();
      const [before, after] = await Promise.all([seedTar('before'), seedTar('after')]);
      // each archive is read once: the pages of the diff and the check are made from the saved reports
      const saved: Record<string, string> = {};
      for (const [name, file] of [
        ['before', before],
        ['after', after],
      ] as const) {
        html[name] = path.join(dir, `${name}.html`);
        saved[name] = path.join(dir, `${name}.json`);
        const r = await run([file, '--json', '--html', html[name]!, '--quiet']);
        expect(r.code, r.stderr).toBe(0);
        writeFileSync(saved[name]!, r.stdout);
        reports[name] = JSON.parse(r.stdout);
      }
      html.diff = path.join(dir, 'diff.html');
      await imgsize(['diff', saved.before!, saved.after!, '--html', html.diff, '--quiet']);
      html.check = path.join(dir, 'check.html');
      await imgsize(['check', saved.before!, '--budget', '10MB', '--metric', 'content', '--max-layers', '1', '--html', html.check, '--quiet']);
      // real archives written by real tools: docker save, an OCI zstd image, whiteouts, a Python app
      for (const [name, file] of [
        ['corpus', 'dive__test-docker-image.tar'],
        ['corpus-zstd', 'dive__test-oci-zstd-image.tar'],
        ['corpus-whiteout', 'ggcr__whiteout_image.tar'],
        ['corpus-pyapp', 'imgsize__pyapp.oci-archive.tar'],
      ] as const) {
        html[name] = path.join(dir, `${name}.html`);
        await imgsize([path.join(CORPUS, 'images', file), '--html', html[name]!, '--quiet']);
      }
      const evil = await buildImage({
        tags: ['evil:<b>x</b>'],
        layers: [
          {
            entries: [
              { path: 'app/<img src=x onerror=alert(1)>.bin', size: 300_000 },
              { path: 'app/</script><script>alert(2)</script>', size: 200_000 },
              { path: 'app/"><svg onload=alert(3)>/x', size: 100_000 },
              { path: 'app/\u202egnp.exe', size: 50_000 },
            ],
            createdBy: 'RUN <script>alert(4)</script> && echo </script>',
          },
        ],
      });
      const evilTar = path.join(dir, 'evil.tar');
      writeFileSync(evilTar, await outerTar(dockerLegacyMembers([evil])));
      html.evil = path.join(dir, 'evil.html');
      await imgsize([evilTar, '--html', html.evil, '--quiet']);
      // docker save app:1 app:2 worker:1: an archive of several images gets its page too
      const base = [{ path: 'bin/busybox', size: 900_000 }];
      const multi = await Promise.all([
        buildImage({ tags: ['app:1'], layers: [{ entries: base }, { entries: [{ path: 'app/v1', size: 50_000 }] }] }),
        buildImage({ tags: ['app:2'], layers: [{ entries: base }, { entries: [{ path: 'app/v2', size: 70_000 }] }] }),
        buildImage({ tags: ['worker:1'], layers: [{ entries: [{ path: 'w/job', size: 30_000 }] }] }),
      ]);
      const multiTar = path.join(dir, 'multi.tar');
      writeFileSync(multiTar, await outerTar(dockerLegacyMembers(multi)));
      html.multi = path.join(dir, 'multi.html');
      await imgsize([multiTar, '--html', html.multi, '--quiet']);
      // a fleet of the seed's two images and the hostile one, the ml repository under a budget the before image breaks
      const evilRun = await run([evilTar, '--json', '--quiet']);
      const fleetReports = [reports.before, reports.after, JSON.parse(evilRun.stdout)] as unknown as Report[];
      const refs = ['registry.example/ml/app:before', 'registry.example/ml/app:after', 'registry.example/evil/app:1'];
      const plan: FleetPlan = {
        schemaVersion: SCHEMA_VERSION,
        scope: 'fleet-plan',
        shards: 1,
        platform: 'linux/amd64',
        images: fleetReports.map((r, i) => ({
          reference: refs[i]!,
          manifestDigest: `sha256:${String(i).repeat(64)}`,
          compressedBytes: r.totals.compressedBytes,
          layers: r.layers.map((l) => l.digest),
        })),
        layers: [...new Set(fleetReports.flatMap((r) => r.layers.map((l) => l.digest)))].map((digest) => ({ digest, bytes: 1000, shard: 0, image: 0 })),
      };
      const limit = Math.round((fleetReports[0]!.totals.pushBytes + fleetReports[1]!.totals.pushBytes) / 2);
      const judge = repositoryJudge({ 'ml/*': { budget: { compressed: { limit, level: 'fail' } } } }, 'imgsize.config.json');
      html.fleet = path.join(dir, 'fleet.html');
      writeFileSync(html.fleet, renderFleetHtml(fleetReport(plan, fleetReports, fleetGates(plan, fleetReports, judge)), fleetReports));
      browser = await launched;
    });

    afterAll(async () => {
      await browser?.close();
    });

    // one page for the file, navigated from report to report (a new page costs ~0.5 s more each)
    let page: Page | undefined;
    let current: Opened | undefined;
    let allowed = '';

    /** Opens a page and waits until it is ready (and, with `drawn`, until its treemap is drawn). */
    async function open(file: string, viewport = { width: 1280, height: 800 }, drawn = true): Promise<Opened> {
      if (!page) {
        const p = await browser.newPage({ viewport });
        p.on('pageerror', (e) => current?.errors.push(String(e)));
        p.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') current?.errors.push(m.text());
        });
        p.on('dialog', (d) => {
          current?.dialogs.push(d.message());
          void d.dismiss();
        });
        await p.route('**/*', (route) => {
          const url = route.request().url();
          if (url === allowed) return route.continue();
          current?.requests.push(url);
          return route.abort();
        });
        page = p;
      }
      await page.setViewportSize(viewport);
      current = { page, requests: [], errors: [], dialogs: [] };
      allowed = `file://${file}`;
      await page.goto(allowed);
      await page.waitForSelector('body[data-ready="1"]');
      if (drawn) await page.waitForFunction(() => Number(document.body.dataset.drawn ?? 0) > 0);
      return current;
    }

    const boxes = (p: Page): Promise<Box[]> => p.evaluate(() => (window as unknown as { imgsize: { boxes(): Box[] } }).imgsize.boxes());
    const root = (p: Page): Promise<string | null> => p.evaluate(() => (window as unknown as { imgsize: { root(): string | null } }).imgsize.root());
    /** The mean colour of a box as drawn (device pixels). */
    const colour = (p: Page, b: Box): Promise<[number, number, number]> =>
      p.evaluate((b) => {
        const c = document.querySelector('canvas')!;
        const d = window.devicePixelRatio || 1;
        const inset = 3;
        const img = c
          .getContext('2d')!
          .getImageData(Math.round((b.x + inset) * d), Math.round((b.y + inset) * d), Math.max(1, Math.round((b.w - 2 * inset) * d)), Math.max(1, Math.round((b.h - 2 * inset) * d)));
        const sum = [0, 0, 0];
        for (let i = 0; i < img.data.length; i += 4) for (let k = 0; k < 3; k++) sum[k]! += img.data[i + k]!;
        const n = img.data.length / 4;
        return [sum[0]! / n, sum[1]! / n, sum[2]! / n] as [number, number, number];
      }, b);

    /** Clicks a point of the canvas (boxes are in canvas pixels). */
    const clickAt = async (p: Page, x: number, y: number): Promise<void> => {
      await (await p.$('canvas'))!.scrollIntoViewIfNeeded(); // the map is below the findings: scrolled to, as a reader would
      const c = (await (await p.$('canvas'))!.boundingBox())!;
      await p.mouse.click(c.x + x, c.y + y);
    };

    const shot = (p: Page, name: string): Promise<Buffer> => p.screenshot({ path: path.join(SHOTS, `${name}.png`) });

    it('opens offline: no request leaves the page, no error, the strict CSP in place', async () => {
      for (const name of ['before', 'diff', 'check', 'corpus', 'corpus-zstd', 'corpus-whiteout', 'corpus-pyapp', 'evil']) {
        const o = await open(html[name]!);
        expect([name, o.requests, o.errors]).toEqual([name, [], []]);
        const csp = await o.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
        expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'/);
        await shot(o.page, name);
      }
    });

    it('formats sizes and shows control characters exactly as the CLI does', async () => {
      const o = await open(html.before!);
      const values = [0, 1, 999, 1000, 1001, 1499, 1500, 9_999, 99_949, 99_950, 999_499, 999_500, 999_999, 1_000_000, 4_200_000_123, 5_523_456_789, 424_000_000, 1e15 - 1, 123_456_789_012_345];
      const shown = await o.page.evaluate((v) => v.map((n) => (window as unknown as { imgsize: { human(n: number): string } }).imgsize.human(n)), values);
      expect(shown).toEqual(values.map(human));
      // and image strings are made visible as on the terminal (the viewer has its own copy of it)
      const names = ['a\u202eb', '\x1b[31mred', 'tab\tnew\nline', 'zero\u200bwidth', 'plain ünïcode'];
      const page = await o.page.evaluate((v) => v.map((s) => (window as unknown as { imgsize: { visible(s: string): string } }).imgsize.visible(s)), names);
      expect(page).toEqual(names.map(visible));
    });

    it("draws the largest folders where the report says, each box's area its share of the bytes", async () => {
      const o = await open(html.before!);
      const all = await boxes(o.page);
      const top = all.filter((b) => b.depth === 1).sort((a, b) => b.w * b.h - a.w * a.h);
      const r = reports.before!;
      const total = r.tree.nodes[0]!.bytes;
      const area = top.reduce((a, b) => a + b.w * b.h, 0);
      // the first-level folders of the tree, largest first, as the boxes show them
      const firstLevel = r.tree.nodes.filter((n) => n.parent === 0).sort((a, b) => b.bytes - a.bytes);
      expect(top.map((b) => b.path.split('/')[1])[0]).toBe(firstLevel[0]!.name);
      for (const n of firstLevel.filter((n) => n.bytes / total > 0.005)) {
        const b = top.find((x) => x.path.split('/')[1] === n.name);
        expect(b, n.name).toBeDefined();
        expect(Math.abs((b!.w * b!.h) / area - n.bytes / total), n.name).toBeLessThan(0.005);
      }
      // the largest file of the image is a box of its own
      expect(all.some((b) => b.path === r.largestFiles[0]!.path)).toBe(true);
    });

    it('drills into a folder on click and back out by the path above it and by Escape', async () => {
      const o = await open(html.before!);
      const usr = (await boxes(o.page)).find((b) => b.depth === 1 && b.path.startsWith('/usr'))!;
      await clickAt(o.page, usr.x + 30, usr.y + 8); // on its header: the folder itself
      const inUsr = await root(o.page);
      expect(inUsr).toBe(usr.path);
      await expect.poll(() => o.page.textContent('nav.crumbs')).toContain(usr.path.split('/').pop());
      await expect.poll(async () => (await boxes(o.page)).filter((b) => b.depth === 1).every((b) => b.path.startsWith(`${usr.path}/`))).toBe(true);
      await shot(o.page, 'before-drilled');
      // deeper by a second click inside, then Escape goes up one folder, the breadcrumb's / to the top
      const inner = (await boxes(o.page)).filter((b) => b.depth === 1 && b.folder && b.h > 40 && b.w > 60).sort((a, b) => b.w * b.h - a.w * a.h)[0]!;
      await clickAt(o.page, inner.x + 30, inner.y + 8);
      await expect.poll(() => root(o.page)).toBe(inner.path);
      await o.page.focus('canvas');
      await o.page.keyboard.press('Escape');
      await expect.poll(() => root(o.page)).toBe(inner.path.slice(0, inner.path.lastIndexOf('/')));
      await o.page.click('nav.crumbs button.crumb >> nth=0');
      await expect.poll(() => root(o.page)).toBe('/');
    });

    it("highlights a layer's files when the layer is clicked, dimming the others, and takes the map to where its bytes are", async () => {
      const o = await open(html.before!);
      const layerOf = await o.page.evaluate(() => JSON.parse(document.getElementById('data')!.textContent!).tree.layer as number[]);
      // layer 6 (pip install) is almost all site-packages: the map goes there
      await o.page.click('button.layer[data-layer="6"]');
      await expect.poll(() => root(o.page)).toMatch(/\/site-packages$/);
      await o.page.waitForTimeout(50);
      const torch = (await boxes(o.page)).find((b) => b.path.endsWith('/libtorch_cuda.so'))!;
      const [r, g] = await colour(o.page, torch);
      expect(r).toBeGreaterThan(180); // vermillion, not dimmed
      expect(g).toBeLessThan(130);
      expect(await o.page.textContent('.layer-detail')).toContain('libtorch_cuda.so');
      await shot(o.page, 'before-layer');
      // lit and unlit in the same view: another layer's boxes dim, and come back
      await o.page.click('nav.crumbs button.crumb >> nth=0');
      await o.page.click('button.layer[data-layer="6"]'); // off
      await o.page.click('button.layer[data-layer="1"]');
      await expect.poll(() => o.page.getAttribute('button.layer[data-layer="1"]', 'aria-pressed')).toBe('true');
      await o.page.waitForTimeout(50);
      const other = (await boxes(o.page)).find((b) => !b.folder && b.w > 20 && b.h > 20 && layerOf[b.node] !== 1)!;
      expect(other, 'a box of another layer in layer 1’s view').toBeDefined();
      const dim = await colour(o.page, other);
      await o.page.click('button.layer[data-layer="1"]'); // off: nothing dimmed
      await o.page.waitForTimeout(50);
      const lit = await colour(o.page, other);
      const spread = (c: number[]) => Math.max(...c) - Math.min(...c);
      expect(spread(dim)).toBeLessThan(spread(lit) / 3);
    });

    it('zooms one folder at a time, and a revealed sliver is zoomed into until it shows; no tooltip outlives a zoom', async () => {
      const o = await open(html.before!);
      const deep = (await boxes(o.page)).filter((b) => b.depth >= 4 && b.w > 20 && b.h > 20)[0]!;
      await clickAt(o.page, deep.x + deep.w / 2, deep.y + deep.h / 2);
      await expect.poll(() => root(o.page)).toBe('/usr'); // the folder the shown one holds directly, not the one under the pointer
      expect(await o.page.$eval('.tip', (t) => (t as HTMLElement).hidden)).toBe(true);
      // a file thousands of times smaller than its folder (a sliver there): revealed, it is zoomed into until it shows
      const tiny = await o.page.evaluate(() => {
        const t = JSON.parse(document.getElementById('data')!.textContent!).tree as { parent: number[]; name: string[]; kind: number[]; bytes: number[] };
        const pathOf = (i: number): string => (i <= 0 ? '' : `${pathOf(t.parent[i]!)}/${t.name[i]}`);
        const i = t.kind.findIndex((k, n) => k === 1 && t.bytes[n]! > 0 && t.bytes[t.parent[n]!]! > 5000 * t.bytes[n]!);
        return pathOf(i);
      });
      expect(tiny).toMatch(/^\/usr\//);
      await o.page.evaluate((p) => (window as unknown as { imgsize: { reveal(p: string): void } }).imgsize.reveal(p), tiny);
      await o.page.waitForTimeout(50);
      expect(await o.page.evaluate(() => (window as unknown as { imgsize: { focus(): string | null } }).imgsize.focus())).toBe(tiny);
      const box = (await boxes(o.page)).find((b) => b.path === tiny)!;
      expect(box.w).toBeGreaterThanOrEqual(8);
      expect(box.h).toBeGreaterThanOrEqual(8);
    });

    it('shows path, size, exact bytes, layer and package on hover; colours by package on request', async () => {
      const o = await open(html.before!);
      const torch = (await boxes(o.page)).find((b) => b.path.endsWith('/torch/lib/libtorch_cuda.so'))!;
      await (await o.page.$('canvas'))!.scrollIntoViewIfNeeded(); // below the findings: scrolled to, as a reader would
      const c = (await (await o.page.$('canvas'))!.boundingBox())!;
      await o.page.mouse.move(c.x + torch.x + torch.w / 2, c.y + torch.y + torch.h / 2);
      const tip = await o.page.textContent('.tip');
      const bytes = reports.before!.tree.nodes[torch.node]!.bytes;
      expect(tip).toContain(torch.path);
      expect(tip).toContain(`${human(bytes)} (${bytes.toLocaleString('en-US')} bytes)`);
      expect(tip).toMatch(/layer 6: RUN pip install/);
      expect(tip).toMatch(/package: torch 2\.6\.0\+cu124 \(pip\)/);
      const byLayer = await colour(o.page, torch);
      await o.page.click('input[name="Colour by"][value="package"]');
      await o.page.waitForTimeout(50);
      const byPackage = await colour(o.page, torch);
      // layer 6 is vermillion (#D55E00), torch (the largest package) orange (#E69F00)
      expect(byLayer[1]).toBeLessThan(110);
      expect(byPackage[1]).toBeGreaterThan(140);
    });

    it('shows a path from the side panels in the treemap when clicked: its folder opened, its box outlined', async () => {
      const o = await open(html.before!);
      await o.page.click('button.layer[data-layer="6"]');
      await o.page.click('.layer-detail button.reveal >> nth=0');
      const focus = await o.page.evaluate(() => (window as unknown as { imgsize: { focus(): string | null } }).imgsize.focus());
      expect(focus).toMatch(/\/torch\/lib\/libtorch_cuda\.so$/);
      await expect.poll(() => root(o.page)).toBe(focus!.slice(0, focus!.lastIndexOf('/')));
      expect((await boxes(o.page)).some((b) => b.path === focus)).toBe(true);
      await shot(o.page, 'before-finding');
    });

    it('colours the diff by change: the CUDA torch removed (blue), the CPU torch added (vermillion), removed files still drawn', async () => {
      const o = await open(html.diff!);
      const all = await boxes(o.page);
      const cuda = all.find((b) => b.path.endsWith('/torch/lib/libtorch_cuda.so'));
      const cpu = all.find((b) => b.path.startsWith('/opt/') && b.path.endsWith('/torch/lib/libtorch_cpu.so'));
      expect(cuda, 'the removed libtorch_cuda.so is drawn').toBeDefined();
      expect(cpu, 'the added libtorch_cpu.so is drawn').toBeDefined();
      const [r1, , b1] = await colour(o.page, cuda!);
      const [r2, , b2] = await colour(o.page, cpu!);
      expect(b1).toBeGreaterThan(r1 + 60);
      expect(r2).toBeGreaterThan(b2 + 60);
      expect(await o.page.textContent('main')).toContain('torch');
    });

    it('puts what to fix first: the findings above the treemap; wasted bytes and the largest files beside it', async () => {
      const o = await open(html.before!);
      const top = async (sel: string): Promise<number> => (await (await o.page.$(sel))!.boundingBox())!.y;
      expect(await top('section.top-findings')).toBeLessThan(await top('canvas'));
      expect(await o.page.textContent('section.top-findings')).toMatch(/cuda-libraries/);
      const side = (await o.page.textContent('.side'))!;
      expect(side).toMatch(/Wasted bytes/);
      expect(side).toMatch(/Largest files.*libtorch_cuda\.so/s);
      await shot(o.page, 'before-top');
    });

    it('shows the fixes under the findings: the Dockerfile line for the CUDA wheels, and what the image would be', async () => {
      const o = await open(html.before!);
      const fixes = (await o.page.textContent('section[aria-label="Fixes"]'))!;
      expect(fixes).toMatch(/Dockerfile \(cuda-libraries, [\d.]+ [kMG]B\)/);
      expect(fixes).toContain('--index-url https://download.pytorch.org/whl/cpu torch==2.6.0');
      expect(fixes).toMatch(/With all of them the image is about [\d.]+ [kMG]B content/);
      const top = async (sel: string): Promise<number> => (await (await o.page.$(sel))!.boundingBox())!.y;
      expect(await top('section[aria-label="Fixes"]')).toBeLessThan(await top('canvas'));
    });

    it('searches paths and packages: a path found opens its folder in the treemap', async () => {
      const o = await open(html.before!);
      await o.page.fill('input.search', 'cublas');
      await expect.poll(() => o.page.$$eval('.search-results li', (l) => l.length)).toBeGreaterThan(1);
      const text = (await o.page.textContent('.search-results'))!;
      expect(text).toMatch(/package nvidia-cublas-cu12 12\.4\.5\.8 \(pip\)/);
      await o.page.click('.search-results button.reveal >> nth=0');
      const focus = await o.page.evaluate(() => (window as unknown as { imgsize: { focus(): string | null } }).imgsize.focus());
      expect(focus).toMatch(/cublas/);
      expect((await boxes(o.page)).some((b) => b.path === focus)).toBe(true);
      await o.page.fill('input.search', 'zzzz-nothing');
      await expect.poll(() => o.page.textContent('.search-results')).toBe('nothing matches');
    });

    it("the diff's header shows before → after beside each change", async () => {
      const o = await open(html.diff!);
      const header = (await o.page.textContent('header .totals'))!;
      expect(header).toMatch(/content[\d.]+ MB → [\d.]+ MB \(-[\d.]+ MB\)compressed[\d.]+ MB → [\d.]+ MB \(-[\d.]+ MB\)/);
    });

    it('an archive of several images: the overview, each image opening its own report, and back', async () => {
      const o = await open(html.multi!, undefined, false);
      expect(await o.page.textContent('h1')).toMatch(/multi\.tar \(3 images\)/);
      const rows = await o.page.$$eval('main.overview tbody tr', (trs) => trs.map((tr) => tr.textContent));
      expect(rows.length).toBe(3);
      expect(rows[0]).toMatch(/^app:1linux\/amd642950 kB.*50 kB900 kB$/);
      await o.page.click('a.image >> text=app:2');
      await expect.poll(() => o.page.textContent('h1')).toMatch(/imgsize: app:2/);
      await o.page.waitForFunction(() => Number(document.body.dataset.drawn ?? 0) > 0);
      expect(await o.page.textContent('.side')).toContain('/app/v2');
      expect(o.errors).toEqual([]);
      expect(o.requests).toEqual([]);
      await shot(o.page, 'multi-image');
      await o.page.click('a.back');
      await expect.poll(() => o.page.textContent('h1')).toMatch(/\(3 images\)/);
    });

    it('a fleet: its totals, its images each opening its own report, the rules by repository, hostile names as text', async () => {
      const o = await open(html.fleet!, undefined, false);
      expect(await o.page.textContent('h1')).toMatch(/^imgsize fleet: 3 images \(\d+ unique layers\)$/);
      expect(await o.page.textContent('.totals')).toMatch(/stored apart.*the registry stores.*sharing saves/);
      const rows = await o.page.$$eval('section[aria-label="Images"] tbody tr', (trs) => trs.map((tr) => tr.textContent));
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatch(/^registry\.example\/ml\/app:beforelinux\/amd64.*✖ fail$/);
      expect(rows[1]).toMatch(/✔ pass$/);
      expect(rows[2]).toMatch(/^registry\.example\/evil\/app:1linux\/amd64/);
      expect(await o.page.textContent('section[aria-label^="Rules by repository"] h2')).toBe('Rules by repository: 1 of 2 images fail');
      expect(await o.page.textContent('section[aria-label^="Rules by repository"] tbody')).toMatch(/compressed size .* exceeds the budget/);
      expect(await o.page.$$eval('img, svg, main script, b', (e) => e.length)).toBe(0);
      await o.page.click('a.image >> text=registry.example/ml/app:after');
      await expect.poll(() => o.page.textContent('h1')).toMatch(/imgsize: /);
      await o.page.waitForFunction(() => Number(document.body.dataset.drawn ?? 0) > 0);
      await shot(o.page, 'fleet-image');
      await o.page.click('a.back');
      await expect.poll(() => o.page.textContent('h1')).toMatch(/^imgsize fleet: 3 images/);
      await shot(o.page, 'fleet');
      expect(o.dialogs).toEqual([]);
      expect(o.errors).toEqual([]);
      expect(o.requests).toEqual([]);
    });

    it('shows the verdict of a check', async () => {
      const o = await open(html.check!);
      expect(await o.page.textContent('.verdict h2')).toBe('Check failed');
      const verdict = (await o.page.textContent('.verdict pre'))!;
      expect(verdict).toMatch(/content size .* exceeds the budget 10 MB/);
      // a verdict of several rules: one line each, never a literal \x0a between them (issue 24)
      expect(verdict).toMatch(/\[--budget\]\n.*FAIL .*layers/);
      expect(verdict).not.toContain('\\x0a');
    });

    it("shows the image's hostile names as text, never as markup", async () => {
      const o = await open(html.evil!);
      expect(o.dialogs).toEqual([]);
      expect(await o.page.$$eval('img, svg, main script, b', (e) => e.length)).toBe(0);
      expect(await o.page.textContent('h1')).toContain('evil:<b>x</b>');
      expect(await o.page.textContent('.side')).toContain('RUN <script>alert(4)</script>');
      await o.page.click('details.list summary');
      const list = await o.page.textContent('.contents');
      expect(list).toContain('app/');
      const app = (await boxes(o.page)).find((b) => b.depth === 1)!;
      await clickAt(o.page, app.x + 30, app.y + 8);
      await expect.poll(() => o.page.textContent('.contents')).toContain('<img src=x onerror=alert(1)>.bin');
      expect(await o.page.textContent('.contents')).toContain('"><svg onload=alert(3)>/');
      // a bidirectional override is shown, not obeyed (as on the terminal)
      expect(await o.page.textContent('.contents')).toContain('\\u{202e}gnp.exe');
      await o.page.mouse.move(5, 5);
      expect(o.dialogs).toEqual([]);
      expect(o.errors).toEqual([]);
    });

    it('is reachable by keyboard: the folder list opens folders with Enter', async () => {
      const o = await open(html.before!);
      await o.page.focus('details.list summary');
      await o.page.keyboard.press('Enter');
      await o.page.keyboard.press('Tab');
      const focused = await o.page.evaluate(() => document.activeElement?.textContent ?? '');
      expect(focused).toMatch(/^usr/);
      await o.page.keyboard.press('Enter');
      await expect.poll(() => root(o.page)).toBe('/usr');
    });

    it('fits a narrow window: no sideways scrolling, the map first', async () => {
      const o = await open(html.before!, { width: 420, height: 800 });
      const [scroll, width] = await o.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      expect(scroll).toBeLessThanOrEqual(width);
      const canvas = (await o.page.$('canvas'))!;
      expect((await canvas.boundingBox())!.width).toBeGreaterThan(300);
      await shot(o.page, 'before-narrow');
    });

    it('the file is small: the seed image well under 1 MB', () => {
      expect(readFileSync(html.before!).length).toBeLessThan(1_000_000);
      expect(readFileSync(html.diff!).length).toBeLessThan(1_000_000);
    });
  });
}
