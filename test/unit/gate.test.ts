/** Sizes, the config schema, the budget verdict and the diff, on plain data. */
import { writeFileSync } from 'node:fs';

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGrowth, parseSize } from '../../src/base/size.js';
import { loadConfig } from '../../src/gate/config-file.js';
import { evaluate, verdictExitCode } from '../../src/gate/budget.js';
import { diffReports } from '../../src/analysis/diff.js';
import type { Report } from '../../src/analysis/report.js';
import { compileNameGlob, compilePathGlobs } from '../../src/gate/glob.js';
import { forbiddenHits } from '../../src/gate/forbidden.js';
import { squash } from '../../src/analysis/squash.js';
import { mergeRules } from '../../src/gate/rules.js';
import type { LayerEntry } from '../../src/layer/types.js';
import { tempFolders } from '../helpers/temp.js';

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
  const tmp = tempFolders('imgsize-cfg-');
  const write = (body: string): string => {
    const dir = tmp();
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
    schemaVersion: 4,
    source: { path: 'x', format: 'docker', outerCompression: 'none' },
    image: { platform: 'linux/amd64', repoTags: [], configDigest: 'sha256:0', manifestDigest: null, created: null },
    totals: {
      compressedBytes: o.compressed ?? 0,
      pushBytes: o.compressed ?? 0,
      pushEstimatedLayers: [],
      uncompressedBytes: 0,
      contentBytes: o.content ?? 0,
      finalBytes: o.content ?? 0,
      wastedBytes: 0,
      files: 0,
    },
    layers: (o.layers ?? []).map(([diffId, bytes], index) => ({
      number: index + 1,
      digest: diffId,
      diffId,
      mediaType: null,
      compression: 'none',
      compressedBytes: bytes,
      pushBytes: bytes,
      uncompressedBytes: bytes,
      contentBytes: bytes,
      entries: 1,
      whiteouts: 0,
      wastedBytes: 0,
      createdBy: null,
    })),
    packages: (o.packages ?? []).map(([name, bytes, version]) => ({ ecosystem: 'pip', name, version: version ?? '1', bytes, files: 1, layers: [1] })),
    packageGroups: [],
    unowned: { bytes: 0, files: 0, directories: [] },
    packageOverlapFiles: 0,
    directories: [],
    largestFiles: [],
    wasted: [],
    findings: (o.findings ?? []).map((code) => ({ code, severity: 'warning', bytes: 1, title: code, fix: '', items: [{ path: `/${code}.txt`, bytes: 1, layer: 1 }] })),
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
    const v = evaluate(
      report({
        packages: [
          ['nvidia-cudnn-cu12', 5],
          ['torch', 9],
        ],
      }),
      { packages: [{ glob: 'nvidia-*', limit: 0, level: 'fail' }] },
    );
    expect(v.results[0]).toMatchObject({ status: 'fail', measured: 5, items: [{ package: 'nvidia-cudnn-cu12', version: '1', bytes: 5 }] });
  });

  it('measures growth against a baseline, in percent at the boundary', () => {
    const base = report({ compressed: 1000 });
    const rule = (n: number) => evaluate(report({ compressed: n }), { growth: { baseline: base, baselineLabel: 'main', max: { kind: 'percent', value: 5 }, metric: 'compressed', level: 'fail' } });
    expect(rule(1050).failed).toBe(0);
    expect(rule(1051).failed).toBe(1);
  });

  it('fails on a finding the config names', () => {
    const v = evaluate(report({ findings: ['secrets'] }), {
      findings: [
        { code: 'secrets', level: 'fail' },
        { code: 'model-files', level: 'fail' },
      ],
    });
    expect(v.results.map((r) => r.status)).toEqual(['fail', 'pass']);
    // the paths behind the failed finding come with the result
    expect(v.results[0]!.items).toEqual([{ path: '/secrets.txt', bytes: 1, layer: 1 }]);
  });

  it('says when a compressed budget is decided on an estimate, and whether the margin could flip it', () => {
    const r = { ...report({ compressed: 1000 }), totals: { ...report({}).totals, compressedBytes: 5000, pushBytes: 1000, pushEstimatedLayers: [1] } } as Report;
    const far = evaluate(r, { budgets: [{ metric: 'compressed', limit: 2000, level: 'fail' }] }).results[0]!;
    expect(far).toMatchObject({ measured: 1000, status: 'pass', estimate: { margin: 0.07, layers: 1, decided: true } });
    const near = evaluate(r, { budgets: [{ metric: 'compressed', limit: 1010, level: 'fail' }] }).results[0]!;
    expect(near.estimate).toMatchObject({ decided: false });
    // 6 % over the estimate is what skopeo's pgzip may upload: still within the margin, not decided
    expect(evaluate(r, { budgets: [{ metric: 'compressed', limit: 1060, level: 'fail' }] }).results[0]!.estimate).toMatchObject({ decided: false });
    expect(evaluate(r, { budgets: [{ metric: 'compressed', limit: 1080, level: 'fail' }] }).results[0]!.estimate).toMatchObject({ decided: true });
    expect(evaluate(r, { budgets: [{ metric: 'content', limit: 1010, level: 'fail' }] }).results[0]!.estimate).toBeUndefined();
  });
});

describe('globs', () => {
  it.each([
    ['*.pt', 'a/b/c.pt', 3],
    ['/app/*.pt', 'app/x.pt', 2],
    ['/app/*.pt', 'app/sub/x.pt', 0],
    ['app/**/*.pt', 'app/sub/deep/x.pt', 4],
    ['app/**/*.pt', 'app/x.pt', 2],
    ['*.pt', 'x.ptx', 0],
    // a glob that names a folder matches everything below it
    ['.git', 'app/.git/objects/ab/cdef', 2],
    ['/app/.git', 'app/.git/config', 2],
    ['/app/.git', 'srv/app/.git/config', 0],
    ['**/.env', 'app/.env', 2],
    ['**/node_modules/**/*.md', 'a/node_modules/b/c/README.md', 5],
    ['*.{pt,pth}', 'models/m.pth', 2],
    ['/data/{a,b{1,2}}/*', 'data/b2/x', 3],
    ['/data/{a,b{1,2}}/*', 'data/b3/x', 0],
    ['?.py', 'a/b.py', 2],
    ['?.py', 'a/bb.py', 0],
  ])('%s on %s: the first %d segments', (g, p, n) => expect(compilePathGlobs([g]).matchPrefix(p)).toBe(n));

  it('matches a brace set as alternatives, never as literal text', () => {
    const m = compilePathGlobs(['*.{pt,pth}']);
    expect([m.matchPrefix('a.pt'), m.matchPrefix('a.pth'), m.matchPrefix('a.{pt,pth}')]).toEqual([1, 1, 0]);
  });

  it('refuses unbalanced braces and too many alternatives with a clear error', () => {
    expect(() => compilePathGlobs(['*.{pt'])).toThrow(/a "\{" without its "\}"/);
    expect(() => compilePathGlobs(['a}'])).toThrow(/a "\}" without its "\{"/);
    expect(() => compilePathGlobs(['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}'])).toThrow(/more than 256 alternatives/);
  });

  it('is linear in the path: many ** against a deep path that almost matches', () => {
    const deep = `${'a/'.repeat(3000)}b.txt`;
    const m = compilePathGlobs(['**/a/**/a/**/a/**/a/**/*.md']);
    for (let i = 0; i < 20; i++) expect(m.matchPrefix(deep)).toBe(0);
  }, 10_000); // not a speed measurement: a backtracking matcher would not finish in hours

  it('matches package names case-insensitively over the whole name', () => {
    const m = compileNameGlob('nvidia-*');
    expect([m('nvidia-cudnn-cu12'), m('NVIDIA-cublas'), m('not-nvidia-x')]).toEqual([true, true, false]);
    expect(compileNameGlob('{torch,triton}')('Triton')).toBe(true);
  });
});

describe('forbidden paths in any layer', () => {
  const layer = (files: [string, number, LayerEntry['kind']?][], deletions: string[] = []) => ({
    files: files.map(([p, size, kind]) => ({ path: p, size, kind: kind ?? 'file' })) as LayerEntry[],
    deletions,
    opaqueDirs: [] as string[],
  });

  it('finds a secret that a later layer deleted, and says which layer deleted it', () => {
    const layers = [
      layer([
        ['app', 0, 'dir'],
        ['app/.env', 12],
        ['app/main.py', 100],
      ]),
      layer([], ['app/.env']),
    ];
    const hits = forbiddenHits(['/app/.env'], layers, squash(layers).root);
    expect(hits).toEqual([{ path: '/app/.env', layer: 1, entries: 1, bytes: 12, removedBy: 2 }]);
  });

  it('groups a folder and everything below it in one hit per layer', () => {
    const layers = [
      layer([
        ['app/.git', 0, 'dir'],
        ['app/.git/config', 30],
        ['app/.git/objects/ab', 500],
      ]),
    ];
    expect(forbiddenHits(['.git'], layers, squash(layers).root)).toEqual([{ path: '/app/.git', layer: 1, entries: 3, bytes: 530, removedBy: null }]);
  });

  it('counts each layer that ships the path, present or not', () => {
    const layers = [layer([['x.pt', 5]]), layer([['x.pt', 7]])];
    const hits = forbiddenHits(['*.pt'], layers, squash(layers).root);
    expect(hits.map((h) => [h.layer, h.bytes, h.removedBy])).toEqual([
      [1, 5, 2],
      [2, 7, null],
    ]);
  });
});

describe('rules from the config and the flags', () => {
  const cfg = {
    budget: { compressed: { limit: 424_000_000, level: 'fail' as const }, content: { limit: 2e9, level: 'warn' as const } },
    maxLayers: { limit: 30, level: 'fail' as const },
    findings: { secrets: 'fail' as const },
  };
  const none = (): never => {
    throw new Error('no baseline here');
  };

  it('merges them: a flag replaces the file rule of the same kind, the rest of the file stands, each rule says where it came from', () => {
    const rules = mergeRules({ rules: cfg, label: 'imgsize.config.json' }, { maxLayers: 100, budget: 400_000_000, metric: 'compressed' }, none);
    expect(rules.budgets).toEqual([
      { metric: 'content', limit: 2e9, level: 'warn', from: 'imgsize.config.json' },
      { metric: 'compressed', limit: 400_000_000, level: 'fail', from: '--budget' },
    ]);
    expect(rules.maxLayers).toEqual({ limit: 100, level: 'fail', from: '--max-layers' });
    expect(rules.findings).toEqual([{ code: 'secrets', level: 'fail', from: 'imgsize.config.json' }]);
  });

  it('takes the file alone without flags, and the flags alone without a file', () => {
    expect(mergeRules({ rules: cfg, label: 'c.json' }, {}, none).maxLayers).toEqual({ limit: 30, level: 'fail', from: 'c.json' });
    // a budget that names no metric measures what a pull downloads (DEFAULT_METRIC)
    expect(mergeRules(undefined, { budget: 5 }, none)).toEqual({ budgets: [{ metric: 'compressed', limit: 5, level: 'fail', from: '--budget' }] });
  });

  it('refuses a bad glob in the file before any image is read', () => {
    expect(() => mergeRules({ rules: { forbiddenPaths: { limit: ['*.{pt'], level: 'fail' } }, label: 'c.json' }, {}, none)).toThrow(/without its/);
  });
});

describe('diff', () => {
  it('matches layers by diffId and counts what a pull reuses', () => {
    const d = diffReports(
      report({
        layers: [
          ['a', 10],
          ['b', 20],
        ],
      }),
      report({
        layers: [
          ['a', 10],
          ['c', 5],
        ],
      }),
    );
    expect(d.layers.map((l) => [l.status, l.diffId])).toEqual([
      ['shared', 'a'],
      ['added', 'c'],
      ['removed', 'b'],
    ]);
    expect(d.sharedCompressedBytes).toBe(10);
    expect(d.warnings).toEqual([]);
  });

  it('reuse means the same blob: the same content under another compression is reported apart', () => {
    const before = report({ layers: [['a', 10]] });
    const after = report({ layers: [['a', 10]] });
    const recompressed = { ...after, layers: [{ ...after.layers[0]!, digest: 'sha256:zstd-blob', compression: 'zstd' }] } as Report;
    const d = diffReports(before, recompressed);
    expect(d.layers.map((l) => l.status)).toEqual(['recompressed']);
    expect(d.sharedCompressedBytes).toBe(0);
    expect(d.warnings).toEqual([{ code: 'recompressed-layers', message: expect.stringMatching(/1 layer\(s\) hold the same content .* a pull downloads them again/) }]);
  });

  it('names both platforms and warns when they differ', () => {
    const arm = { ...report({}), image: { ...report({}).image, platform: 'linux/arm64' } } as Report;
    const d = diffReports(report({}), arm);
    expect([d.before.platform, d.after.platform]).toEqual(['linux/amd64', 'linux/arm64']);
    expect(d.warnings[0]?.code).toBe('platform-mismatch');
    expect(d.warnings[0]?.message).toMatch(/different platforms \(linux\/amd64 → linux\/arm64\)/);
  });

  it('pairs packages by name whatever their version, largest change first', () => {
    const d = diffReports(
      report({
        packages: [
          ['torch', 1500, '2.6.0+cu124'],
          ['nvidia-cudnn-cu12', 760],
          ['flask', 7],
        ],
      }),
      report({
        packages: [
          ['torch', 699, '2.6.0+cpu'],
          ['flask', 7],
          ['eventlet', 1],
        ],
      }),
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
