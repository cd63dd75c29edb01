/** `imgsize check` and `imgsize diff` end to end, in-process. */
import { mkdirSync, writeFileSync } from 'node:fs';

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const SAMPLE = path.resolve(__dirname, '../../samples/hello.oci.tar');
const CONTENT = 4_800_029; // the sample's content bytes (see cli.test.ts)
const tmp = tempFolders('imgsize-gate-');

describe('imgsize check', () => {
  it('exits 0 at a budget equal to the size and 1 one byte under, showing exact bytes', async () => {
    const ok = await run(['check', SAMPLE, '--budget', String(CONTENT), '--metric', 'content']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/PASS .*content size 4\.8 MB \(4,800,029 bytes\) is within the budget 4\.8 MB \(4,800,029 bytes\)/);
    const over = await run(['check', SAMPLE, '--budget', String(CONTENT - 1), '--metric', 'content']);
    expect(over.code).toBe(1);
    expect(over.stdout).toMatch(/FAIL .*exceeds the budget 4\.8 MB \(4,800,028 bytes\) by 1 B/);
  });

  it('applies the budget to the metric asked for', async () => {
    const r = await run(['check', SAMPLE, '--budget', '100kB', '--metric', 'compressed']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/compressed size/);
  });

  it('exits 2 on a size it cannot read, naming an example', async () => {
    const r = await run(['check', SAMPLE, '--budget', '424 megs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: --budget: "424 megs" is not a size; e\.g\. "424MB"/);
  });

  it('exits 2 with a usage line when no image is named and stdin is a terminal', async () => {
    const r = await run(['check', '--budget', '1MB'], { stdinIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: input: no image given and stdin is a terminal/);
  });

  it('exits 2 when there are no rules', async () => {
    const r = await run(['check', SAMPLE], { cwd: tmp() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no rules/);
  });

  it('finds imgsize.config.json from the working directory up to the repository root', async () => {
    const root = tmp();
    mkdirSync(path.join(root, '.git'));
    mkdirSync(path.join(root, 'sub/dir'), { recursive: true });
    writeFileSync(path.join(root, 'imgsize.config.json'), JSON.stringify({ budget: { content: '1MB' }, maxLayers: { limit: 2, level: 'warn' } }));
    const r = await run(['check', SAMPLE], { cwd: path.join(root, 'sub/dir') });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL .*content size/);
    expect(r.stdout).toMatch(/WARN .*3 layers, limit 2/);
  });

  it('checks forbidden paths in the image', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ forbiddenPaths: ['/app/*'] }));
    const r = await run(['check', SAMPLE, '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/forbidden paths \(\/app\/\*\): 1 found in the layers: \/app\/server \(layer 2\): 2\.4 MB \[.*c\.json\]/);
  });

  it('fails a forbidden path that a later layer deleted, and says where each rule came from', async () => {
    const img = await buildImage({
      tags: ['app:1'],
      layers: [
        {
          entries: [
            { path: 'app/main.py', content: 'print(1)\n' },
            { path: 'app/.env', content: 'TOKEN=1\n' },
          ],
          createdBy: 'COPY . /app',
        },
        { entries: [{ path: 'app/.wh..env', content: '' }], createdBy: 'RUN rm /app/.env' },
      ],
    });
    const dir = tmp();
    const archive = path.join(dir, 'app.tar');
    writeFileSync(archive, await outerTar(dockerLegacyMembers([img])));
    writeFileSync(path.join(dir, 'imgsize.config.json'), JSON.stringify({ forbiddenPaths: ['/app/.env', '.git', '**/.env'] }));
    mkdirSync(path.join(dir, '.git'));
    // a flag does not discard the config that is found: both apply
    const r = await run(['check', archive, '--max-layers', '100', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout).verdict;
    expect(v.results.map((x: { kind: string; status: string; from: string }) => [x.kind, x.status, x.from])).toEqual([
      ['layers', 'pass', '--max-layers'],
      ['forbidden-paths', 'fail', 'imgsize.config.json'],
    ]);
    expect(v.results[1].items).toEqual([{ path: '/app/.env', layer: 1, entries: 1, bytes: 8, removedBy: 2 }]);
    const text = await run(['check', archive, '--max-layers', '100'], { cwd: dir });
    expect(text.stdout).toMatch(/\/app\/\.env \(layer 1, deleted in layer 2 but still shipped\): 8 B \[imgsize\.config\.json\]/);
  });

  it('refuses a brace set it cannot read, before reading the image', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify({ forbiddenPaths: ['*.{pt,pth'] }));
    const r = await run(['check', '-', '--config', path.join(dir, 'c.json')], { stdinIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: glob "\*\.\{pt,pth": a "\{" without its "\}"/);
  });

  it('exits 2 with the key and value of a bad config', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ budget: { content: 'lots' } }));
    const r = await run(['check', SAMPLE, '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^imgsize: .*c\.json: budget\.content: "lots" is not a size/);
  });

  it('renders a PR comment with the imgsize marker', async () => {
    const r = await run(['check', SAMPLE, '--budget', '1MB', '--metric', 'content', '--format', 'markdown']);
    expect(r.stdout.startsWith('<!-- imgsize -->\n### ✖ imgsize: 1 size rule(s) failed')).toBe(true);
  });

  it('carries the verdict with the report in --json', async () => {
    const r = await run(['check', SAMPLE, '--budget', '1MB', '--metric', 'content', '--json']);
    const j = JSON.parse(r.stdout);
    expect(j.schemaVersion).toBe(4);
    expect(j.verdict.failed).toBe(1);
    expect(j.verdict.results[0]).toMatchObject({ kind: 'budget', measured: CONTENT, limit: 1_000_000, status: 'fail' });
  });

  it('under GitHub Actions prints ::error:: lines on stderr (stdout keeps only the report) and appends the summary and outputs', async () => {
    let stdout = '';
    let stderr = '';
    const appended: [string, string][] = [];
    const code = await main({
      argv: ['check', SAMPLE, '--budget', '1MB', '--metric', 'content'],
      stdin: Object.assign((async function* () {})(), { isTTY: false }),
      stdout: { write: (s: string) => ((stdout += s), true) },
      stderr: { write: (s: string) => ((stderr += s), true) },
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/summary.md', GITHUB_OUTPUT: '/output' },
      cwd: process.cwd(),
      appendFile: (p, t) => void appended.push([p, t]),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^::error title=imgsize budget::content size 4\.8 MB/m);
    expect(stdout).not.toMatch(/::error/);
    expect(appended.map(([p]) => p)).toEqual(['/summary.md', '/output']);
    expect(appended[0]![1]).toMatch(/^<!-- imgsize -->/);
    expect(appended[1]![1]).toBe(`verdict=fail\nfailed=1\nwarned=0\nmetric=content\nbytes=${CONTENT}\nlimit=1000000\n`);
  });

  it.each([
    ['inspect', [SAMPLE, '--json'], /^<!-- imgsize -->\n### imgsize: hello\\:latest/],
    ['diff', ['diff', SAMPLE, SAMPLE, '--json'], /^<!-- imgsize -->\n### imgsize: hello\\:latest → hello\\:latest/],
  ])('under GitHub Actions %s writes its Markdown to the step summary too, once', async (_name, argv, head) => {
    const appended: [string, string][] = [];
    const code = await main({
      argv: argv as string[],
      stdin: Object.assign((async function* () {})(), { isTTY: false }),
      stdout: { write: () => true },
      stderr: { write: () => true },
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/summary.md' },
      cwd: process.cwd(),
      appendFile: (p, t) => void appended.push([p, t]),
    });
    expect(code).toBe(0);
    expect(appended.map(([p]) => p)).toEqual(['/summary.md']);
    expect(appended[0]![1]).toMatch(head);
  });

  it('measures growth against a saved baseline report', async () => {
    const dir = tmp();
    const base = path.join(dir, 'main.json');
    writeFileSync(base, (await run([SAMPLE, '--json'])).stdout);
    expect((await run(['check', SAMPLE, '--baseline', base, '--max-growth', '0%'])).code).toBe(0);
    expect((await run(['check', SAMPLE, '--max-growth', '5%'])).code).toBe(2);
  });
});

describe('imgsize diff', () => {
  const images = async () => {
    const dir = tmp();
    const a = await buildImage({ tags: ['app:1'], layers: [{ entries: [{ path: 'base', size: 1000 }] }, { entries: [{ path: 'app/x', size: 300 }], createdBy: 'COPY x' }] });
    const b = await buildImage({
      tags: ['app:2'],
      layers: [
        { entries: [{ path: 'base', size: 1000 }] },
        {
          entries: [
            { path: 'app/x', size: 100 },
            { path: 'app/y', size: 50 },
          ],
          createdBy: 'COPY x y',
        },
      ],
    });
    const before = path.join(dir, 'before.tar');
    const after = path.join(dir, 'after.tar');
    writeFileSync(before, await outerTar(dockerLegacyMembers([a])));
    writeFileSync(after, await outerTar(dockerLegacyMembers([b])));
    return { dir, before, after };
  };

  it('gives the same diff from archives and from saved reports', async () => {
    const { dir, before, after } = await images();
    const bj = path.join(dir, 'b.json');
    const aj = path.join(dir, 'a.json');
    writeFileSync(bj, (await run([before, '--json'])).stdout);
    writeFileSync(aj, (await run([after, '--json'])).stdout);
    const fromArchives = JSON.parse((await run(['diff', before, after, '--json'])).stdout).diff;
    const fromReports = JSON.parse((await run(['diff', bj, aj, '--json'])).stdout).diff;
    expect({ ...fromReports, before: null, after: null }).toEqual({ ...fromArchives, before: null, after: null });
    expect(fromArchives.totals.content).toMatchObject({ before: 1300, after: 1150, delta: -150 });
    expect(fromArchives.layers.map((l: { status: string }) => l.status)).toEqual(['shared', 'added', 'removed']);
  });

  it('reads one side from stdin', async () => {
    const { before, after } = await images();
    const { readFileSync } = await import('node:fs');
    const r = await run(['diff', before, '-'], { stdin: readFileSync(after) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Content\s+1\.3 kB\s+1\.15 kB\s+-150 B/);
  });

  it('refuses stdin on both sides', async () => {
    const r = await run(['diff', '-', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only one side can be read from stdin/);
  });

  it('gates AFTER with --budget and its growth against BEFORE', async () => {
    const { before, after } = await images();
    expect((await run(['diff', before, after, '--budget', '1150', '--metric', 'content'])).code).toBe(0);
    expect((await run(['diff', before, after, '--budget', '1149', '--metric', 'content'])).code).toBe(1);
    expect((await run(['diff', after, before, '--max-growth', '100B'])).code).toBe(1);
  });
});
