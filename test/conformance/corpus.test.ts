/**
 * Conformance over ../shared/corpus: every `ok` case must match its truth file exactly (from a
 * file and from stdin), every `error` case must exit 2 with one clean line. In CI
 * (CI=true) a missing corpus fails loudly; elsewhere the suite is skipped with a printed reason.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type RunResult } from '../helpers/run.js';
import { ReportSchema } from '../../src/report/schema.js';

import { CORPUS, corpusCases, present } from '../helpers/corpus.js';

interface Truth {
  platform: string;
  layers: { digest: string; compressedBytes: number; uncompressedBytes: number; contentBytes: number; entries: number }[];
  totals: { compressedBytes: number; uncompressedBytes: number; contentBytes: number; finalBytes: number; wastedBytes: number; finalFiles: number };
  packages: { ecosystem: string; name: string; version: string | null; bytes: number; files: number; location?: string }[];
}

if (!present) {
  if (process.env.CI) {
    describe('corpus', () => {
      it('is present beside the project (../shared/corpus)', () => {
        throw new Error(`the conformance corpus is missing at ${CORPUS}; CI must have ../shared beside the project`);
      });
    });
  } else {
    console.warn(`conformance suite skipped: no corpus at ${CORPUS} (it lives in ../shared beside the project)`);
    describe.skip('corpus', () => it('needs ../shared/corpus', () => undefined));
  }
} else {
  const cases = corpusCases();

  const expectClean = (r: RunResult): void => {
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^imgsize: .+: .+/);
    expect(lines.filter((l) => !l.startsWith('hint: ') && !l.startsWith('imgsize: '))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('imgsize: ')).length).toBeGreaterThanOrEqual(1);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  const compare = (r: RunResult, truth: Truth): void => {
    const rep = JSON.parse(r.stdout);
    // the published contract holds for every report the corpus produces
    const checked = ReportSchema.safeParse(rep);
    expect(checked.success, checked.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toBe(true);
    expect(rep.schemaVersion).toBe(4);
    expect(rep.image.platform).toBe(truth.platform);
    expect(
      rep.layers.map((l: Record<string, unknown>) => ({
        digest: l.digest,
        compressedBytes: l.compressedBytes,
        uncompressedBytes: l.uncompressedBytes,
        contentBytes: l.contentBytes,
        entries: l.entries,
      })),
    ).toEqual(
      truth.layers.map((l) => ({
        digest: l.digest,
        compressedBytes: l.compressedBytes,
        uncompressedBytes: l.uncompressedBytes,
        contentBytes: l.contentBytes,
        entries: l.entries,
      })),
    );
    const t = truth.totals;
    const { pushBytes: _push, pushEstimatedLayers: _estimated, ...totals } = rep.totals;
    expect(totals).toEqual({
      compressedBytes: t.compressedBytes,
      uncompressedBytes: t.uncompressedBytes,
      contentBytes: t.contentBytes,
      finalBytes: t.finalBytes,
      wastedBytes: t.wastedBytes,
      files: t.finalFiles,
    });
    // packages: every truth package, matched by ecosystem, folded name and location
    const fold = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');
    const key = (p: { ecosystem: string; name: string; location?: string; version?: string | null }): string =>
      `${p.ecosystem}|${fold(p.name)}|${p.location === undefined ? '' : `/${p.location.replace(/^\//, '')}`}|${p.version ?? ''}`; // truth paths have no leading /
    const ours = new Map<string, { bytes: number; files: number }>();
    for (const p of rep.packages) ours.set(key(p), { bytes: p.bytes, files: p.files });
    for (const p of truth.packages) {
      expect(ours.get(key(p)), `package ${key(p)}`).toEqual({ bytes: p.bytes, files: p.files });
    }
    // invariants
    const claimed = rep.packages.reduce((a: number, p: { bytes: number }) => a + p.bytes, 0);
    for (const p of rep.packages) expect(p.bytes).toBeLessThanOrEqual(rep.totals.finalBytes);
    expect(rep.unowned.bytes).toBeLessThanOrEqual(rep.totals.finalBytes);
    if (rep.packageOverlapFiles === 0) expect(claimed + rep.unowned.bytes).toBe(rep.totals.finalBytes);
    else expect(claimed + rep.unowned.bytes).toBeGreaterThan(rep.totals.finalBytes);
    expect(rep.layers.reduce((a: number, l: { contentBytes: number }) => a + l.contentBytes, 0)).toBe(rep.totals.contentBytes);
    expect(rep.totals.finalBytes).toBeLessThanOrEqual(rep.totals.contentBytes);
    // the treemap's tree stands for the whole final filesystem of the truth
    expect(rep.tree.nodes[0]).toMatchObject({ bytes: t.finalBytes, files: t.finalFiles });
  };

  describe('corpus', () => {
    for (const c of cases) {
      const file = path.join(CORPUS, c.file);
      const isDir = statSync(file).isDirectory();
      const truth = c.truth ? (JSON.parse(readFileSync(path.join(CORPUS, c.truth), 'utf8')) as Truth) : undefined;

      it(`${c.file} (${c.expect}) from a path`, async () => {
        const r = await run([file, '--json', ...c.args]);
        if (c.expect === 'ok') {
          expect(r.stderr).not.toMatch(/^imgsize: .*error/m);
          expect(r.code, r.stderr).toBe(0);
          compare(r, truth!);
        } else if (c.expect === 'error') {
          expectClean(r);
        } else if (c.expect === 'error-or-warn') {
          if (r.code === 0) {
            const rep = JSON.parse(r.stdout);
            expect(rep.warnings.length).toBeGreaterThan(0);
            if (truth) compare(r, truth);
          } else expectClean(r);
        } else {
          if (r.code !== 0) expectClean(r);
        }
      });

      if (!isDir && (c.expect === 'ok' || c.expect === 'error')) {
        it(`${c.file} (${c.expect}) from stdin`, async () => {
          const r = await run(['-', '--json', ...c.args], { stdin: { file } });
          if (c.expect === 'ok') {
            expect(r.code, r.stderr).toBe(0);
            compare(r, truth!);
          } else expectClean(r);
        });
      }
    }
  });
}
