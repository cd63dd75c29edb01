/** Sizes, the config schema, the budget verdict and the diff, on plain data. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGrowth, parseSize } from '../../src/config/size.js';
import { loadConfig } from '../../src/cli/config.js';
import { evaluate, verdictExitCode } from '../../src/analysis/budget.js';
import { diffReports } from '../../src/analysis/diff.js';
import type { Report } from '../../src/analysis/report.js';
import { globToRegExp } from '../../src/analysis/glob.js';

describe('sizes', () => {
  it.each([
    ['424MB', 424_000_000],
    ['424MiB', 444_596_224],
    ['1.5GB', 1_500_000_000],
    ['424 mb', 424_000_000],
    ['10kB', 10_000],
    ['123', 123],
    [123, 123],
    ['0', 0],
  ])('%s = %d bytes', (s, n) => expect(parseSize(s)).toBe(n));

  it.each(['424 megs', '1.5', '-3MB', 'MB', '', '5%', 1.5, -1])('%s is not a size', (s) => expect(parseSize(s)).toBeUndefined());

  it('reads growth limits as percent or bytes', () => {
    expect(parseGrowth('5%')).toEqual({ kind: 'percent', value: 5 });
    expect(parseGrowth('10MB')).toEqual({ kind: 'bytes', value: 10_000_000 });
    expect(parseGrowth('ten')).toBeUndefined();
  });
});

describe('config file', () => {
  const write = (body: string): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imgsize-cfg-'));
    const f = path.join(dir, 'imgsize.config.json');
    writeFileSync(f, body);
    return f;
  };

  it('parses budgets, package limits, warn levels and findings', async () => {
    const c = await loadConfig(write('{"budget":{"compressed":"424MB"},"packages":{"nvidia-*":0,"torch":{"limit":"800MB","level":"warn"}},"findings":{"secrets":"fail"}}'));
    expect(c.budget?.compressed).toEqual({ limit: 424_000_000, level: 'fail' });
    expect(c.packages).toEqual({ 'nvidia-*': { limit: 0, level: 'fail' }, torch: { limit: 800_000_000, level: 'warn' } });
    expect(c.findings).toEqual({ secrets: 'fail' });
  });

  it('names the key, the value and an example on a bad size', async () => {
    const f = write('{"budget":{"content":"424 megs"}}');
    await expect(loadConfig(f)).rejects.toThrow(/budget\.content: "424 megs" is not a size; e\.g\. "424MB"/);
  });

  it('rejects unknown keys', async () => {
    await expect(loadConfig(write('{"bugdet":{}}'))).rejects.toThrow(/unknown key\(s\) "bugdet"/);
  });

  it('rejects a file that is not JSON', async () => {
    await expect(loadConfig(write('{budget:'))).rejects.toThrow(/not valid JSON/);
  });
});

const report = (o: { content?: number; compressed?: number; packages?: [string, number, string?][]; layers?: [string, number][]; findings?: string[] }): Report =>
  ({
    schemaVersion: 1,
    source: { path: 'x', format: 'docker', outerCompression: 'none' },
    image: { platform: 'linux/amd64', repoTags: [], configDigest: 'sha256:0', manifestDigest: null, created: null },
    totals: { compressedBytes: o.compressed ?? 0, uncompressedBytes: 0, contentBytes: o.content ?? 0, finalBytes: o.content ?? 0, wastedBytes: 0, files: 0 },
    layers: (o.layers ?? []).map(([diffId, bytes], index) => ({ index, digest: diffId, diffId, mediaType: null, compression: 'none', compressedBytes: bytes, uncompressedBytes: bytes, contentBytes: bytes, entries: 1, whiteouts: 0, wastedBytes: 0, createdBy: null })),
    packages: (o.packages ?? []).map(([name, bytes, version]) => ({ ecosystem: 'pip', name, version: version ?? '1', bytes, files: 1, layers: [0] })),
    packageGroups: [],
    unowned: { bytes: 0, files: 0, directories: [] },
    packageOverlapFiles: 0,
    directories: [],
    largestFiles: [],
    wasted: [],
    findings: (o.findings ?? []).map((code) => ({ code, severity: 'warning', bytes: 1, title: code, fix: '', paths: [] })),
    warnings: [],
  }) as unknown as Report;

describe('budget verdict', () => {
  it('passes a budget equal to the size and fails one byte less', () => {
    const r = report({ content: 424_000_000 });
    expect(verdictExitCode(evaluate(r, { budgets: [{ metric: 'content', limit: 424_000_000, level: 'fail' }] }))).toBe(0);
    expect(verdictExitCode(evaluate(r, { budgets: [{ metric: 'content', limit: 423_999_999, level: 'fail' }] }))).toBe(1);
  });

  it('warns without failing when the rule says warn', () => {
    const v = evaluate(report({ content: 10 }), { budgets: [{ metric: 'content', limit: 1, level: 'warn' }] });
    expect([v.failed, v.warned, verdictExitCode(v)]).toEqual([0, 1, 0]);
  });

  it('forbids packages by glob', () => {
    const v = evaluate(report({ packages: [['nvidia-cudnn-cu12', 5], ['torch', 9]] }), { packages: [{ glob: 'nvidia-*', limit: 0, level: 'fail' }] });
    expect(v.results[0]).toMatchObject({ status: 'fail', measured: 5, details: ['nvidia-cudnn-cu12 1'] });
  });

  it('measures growth against a baseline, in percent at the boundary', () => {
    const base = report({ compressed: 1000 });
    const rule = (n: number) => evaluate(report({ compressed: n }), { growth: { baseline: base, baselineLabel: 'main', max: { kind: 'percent', value: 5 }, metric: 'compressed', level: 'fail' } });
    expect(rule(1050).failed).toBe(0);
    expect(rule(1051).failed).toBe(1);
  });

  it('fails on a finding the config names', () => {
    const v = evaluate(report({ findings: ['secrets'] }), { findings: [{ code: 'secrets', level: 'fail' }, { code: 'model-files', level: 'fail' }] });
    expect(v.results.map((r) => r.status)).toEqual(['fail', 'pass']);
  });

  it('matches forbidden paths by glob against the final file list', () => {
    const v = evaluate(report({}), { forbiddenPaths: { globs: ['*.pt', '/app/.env'], level: 'fail' } }, ['app/m.pt', 'app/.env', 'srv/app/.env', 'x.ptx']);
    expect(v.results[0]).toMatchObject({ measured: 2, details: ['app/m.pt', 'app/.env'] });
  });
});

describe('globs', () => {
  it.each([
    ['*.pt', 'a/b/c.pt', true],
    ['/app/*.pt', 'app/x.pt', true],
    ['/app/*.pt', 'app/sub/x.pt', false],
    ['app/**/*.pt', 'app/sub/deep/x.pt', true],
    ['app/**/*.pt', 'app/x.pt', true],
  ])('%s matches %s: %s', (g, p, want) => expect(globToRegExp(g, { path: true }).test(p)).toBe(want));
});

describe('diff', () => {
  it('matches layers by diffId and counts what a pull reuses', () => {
    const d = diffReports(report({ layers: [['a', 10], ['b', 20]] }), report({ layers: [['a', 10], ['c', 5]] }));
    expect(d.layers.map((l) => [l.status, l.diffId])).toEqual([
      ['shared', 'a'],
      ['added', 'c'],
      ['removed', 'b'],
    ]);
    expect(d.sharedCompressedBytes).toBe(10);
  });

  it('pairs packages by name whatever their version, largest change first', () => {
    const d = diffReports(
      report({ packages: [['torch', 1500, '2.6.0+cu124'], ['nvidia-cudnn-cu12', 760], ['flask', 7]] }),
      report({ packages: [['torch', 699, '2.6.0+cpu'], ['flask', 7], ['eventlet', 1]] }),
    );
    expect(d.packages.map((p) => [p.status, p.name, p.versionBefore, p.versionAfter, p.delta])).toEqual([
      ['changed', 'torch', '2.6.0+cu124', '2.6.0+cpu', -801],
      ['removed', 'nvidia-cudnn-cu12', '1', null, -760],
      ['added', 'eventlet', null, '1', 1],
    ]);
  });

  it('says which findings a change resolved or introduced', () => {
    const d = diffReports(report({ findings: ['cuda-libraries'] }), report({ findings: ['secrets'] }));
    expect(d.findings.map((f) => [f.status, f.code])).toEqual([
      ['resolved', 'cuda-libraries'],
      ['introduced', 'secrets'],
    ]);
  });
});
