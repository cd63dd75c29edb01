/**
 * The report contract (src/report/schema.ts): what imgsize writes validates against it, keys come
 * in one order whichever command wrote them, saved reports are read back strictly (the wrong field
 * named), version 1 reports still read, and schema/report.schema.json is what the code generates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module shared with `npm start`
import { seedArchive } from '../../samples/seed.mjs';
import { FINDING_DEFINITIONS, FINDINGS } from '../../src/analysis/findings/index.js';
import { renderFindingsTable, withFindingsTable } from '../../src/render/findings-table.js';
import { DiffDocumentSchema, FindingCodeSchema, ReportSchema } from '../../src/report/schema.js';
import { parseSavedReport } from '../../src/report/read.js';
import { reportJsonSchemaText } from '../../src/report/json-schema.js';
import { run } from '../helpers/run.js';
import { tempDir } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const V1_BEFORE = path.join(ROOT, 'test/fixtures/reports/v1-before.json');
const V1_CHECK = path.join(ROOT, 'test/fixtures/reports/v1-check.json');

/** Keys of every object, depth first, in the order JSON.stringify writes them. */
function keyOrder(v: unknown, out: string[] = [], at = ''): string[] {
  if (Array.isArray(v)) {
    for (const x of v) keyOrder(x, out, `${at}[]`);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(`${at}.${k}`);
      keyOrder(x, out, `${at}.${k}`);
    }
  }
  return out;
}

describe('the report contract', () => {
  const dir = tempDir();
  let archive: string;
  let inspectJson: string;

  beforeAll(async () => {
    archive = path.join(dir(), 'before.tar');
    const parts: Buffer[] = [];
    for await (const c of seedArchive('before', { scale: 0.01 })) parts.push(c as Buffer);
    writeFileSync(archive, Buffer.concat(parts));
    const r = await run([archive, '--json']);
    expect(r.code, r.stderr).toBe(0);
    inspectJson = r.stdout;
  });

  it('inspect --json validates, with keys in the schema order', () => {
    const rep = JSON.parse(inspectJson);
    const parsed = ReportSchema.parse(rep);
    expect(keyOrder(rep)).toEqual(keyOrder(parsed));
    expect(rep.schemaVersion).toBe(4);
  });

  it('names layers by number from 1 and paths with a leading /, everywhere', () => {
    const rep = ReportSchema.parse(JSON.parse(inspectJson));
    expect(rep.layers.map((l) => l.number)).toEqual(rep.layers.map((_, i) => i + 1));
    const paths = [...rep.directories, ...rep.largestFiles, ...rep.wasted, ...rep.unowned.directories, ...rep.findings.flatMap((f) => f.items)].flatMap((x) =>
      'path' in x && x.path !== undefined ? [x.path] : [],
    );
    expect(paths.length).toBeGreaterThan(20);
    for (const p of paths) expect(p).toMatch(/^\//);
    const secret = rep.findings.find((f) => f.code === 'secrets')!.items[0]!;
    expect(secret).toMatchObject({ path: '/app/.env', layer: 7 });
    expect(rep.layers[6]!.createdBy).toMatch(/COPY/);
  });

  it('check --json and a replay of it carry the same report, keys in the same order', async () => {
    const c = await run(['check', archive, '--budget', '1MB', '--json']);
    expect(c.code).toBe(1);
    const checked = JSON.parse(c.stdout);
    ReportSchema.parse(checked);
    const { verdict, ...report } = checked;
    expect(JSON.stringify(report)).toBe(JSON.stringify(JSON.parse(inspectJson)));
    expect(verdict.results[0]).toMatchObject({ kind: 'budget', status: 'fail', from: '--budget' });
    const saved = path.join(dir(), 'check.json');
    writeFileSync(saved, c.stdout);
    const replay = await run([saved, '--json']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toBe(c.stdout);
  });

  it('diff --json validates', async () => {
    const saved = path.join(dir(), 'a.json');
    writeFileSync(saved, inspectJson);
    const d = await run(['diff', V1_BEFORE, saved, '--json']);
    expect(d.code, d.stderr).toBe(0);
    const doc = DiffDocumentSchema.parse(JSON.parse(d.stdout));
    expect(doc.diff.layers.every((l) => (l.beforeLayer ?? 1) >= 1 && (l.afterLayer ?? 1) >= 1)).toBe(true);
  });

  it('--top cuts the lists JSON carries only when given, and says so in limits', async () => {
    const all = JSON.parse(inspectJson);
    expect(all.limits).toEqual({ top: 100, depth: 3 });
    const three = JSON.parse((await run([archive, '--json', '--top', '3'])).stdout);
    expect(three.limits).toEqual({ top: 3, depth: 3 });
    expect(three.largestFiles).toEqual(all.largestFiles.slice(0, 3));
    expect(all.largestFiles.length).toBeGreaterThan(10);
  });

  it('carries the treemap tree, one node per line, within --tree-nodes; 0 leaves it out', async () => {
    const all = JSON.parse(inspectJson);
    expect(all.tree.nodeBudget).toBe(5000);
    expect(all.tree.nodes[0]).toMatchObject({ name: '', kind: 'folder', bytes: all.totals.finalBytes, files: all.totals.files });
    expect(inspectJson).toMatch(/\n {6}\{"parent":0,"name":"usr","kind":"folder","bytes":\d+,"files":\d+\},?\n/);
    const small = JSON.parse((await run([archive, '--json', '--tree-nodes', '40'])).stdout);
    expect(small.tree.nodes.length).toBeLessThanOrEqual(40);
    expect(small.tree.nodes.some((n: { partial?: boolean }) => n.partial)).toBe(true);
    expect(JSON.parse((await run([archive, '--json', '--tree-nodes', '0'])).stdout).tree).toBeUndefined();
    const over = await run([archive, '--json', '--tree-nodes', '100001']);
    expect([over.code, over.stderr]).toEqual([2, 'imgsize: --tree-nodes: at most 100000, got 100001\n']);
  });
});

describe('saved reports are read strictly', () => {
  const good = (): Record<string, unknown> => JSON.parse(readFileSync(V1_BEFORE, 'utf8'));

  it('a version 1 report reads as the current version: same figures, layer numbers from 1, paths with /', () => {
    const v1 = good() as { totals: Record<string, number>; layers: { index: number; contentBytes: number }[]; largestFiles: { path: string; layer: number }[]; packages: { bytes: number }[] };
    const r = parseSavedReport(readFileSync(V1_BEFORE, 'utf8'), 'v1.json');
    expect(r.schemaVersion).toBe(4);
    expect(r.totals).toMatchObject({ contentBytes: v1.totals.contentBytes, finalBytes: v1.totals.finalBytes, compressedBytes: v1.totals.compressedBytes, wastedBytes: v1.totals.wastedBytes });
    expect(r.layers.map((l) => [l.number, l.contentBytes])).toEqual(v1.layers.map((l) => [l.index + 1, l.contentBytes]));
    expect(r.largestFiles[0]).toEqual({ ...v1.largestFiles[0], path: `/${v1.largestFiles[0]!.path}`, layer: v1.largestFiles[0]!.layer + 1 });
    expect(r.packages.map((p) => p.bytes)).toEqual(v1.packages.map((p) => p.bytes));
  });

  it('a version 2 report reads as the current version, without a tree', () => {
    const v2 = readFileSync(path.join(ROOT, 'test/fixtures/reports/v2-after.json'), 'utf8');
    const r = parseSavedReport(v2, 'v2.json');
    expect(r.schemaVersion).toBe(4);
    expect(r.tree).toBeUndefined();
    expect(r.totals).toEqual(JSON.parse(v2).totals);
  });

  it("a version 1 check report keeps its verdict, items' layers numbered from 1", () => {
    const r = parseSavedReport(readFileSync(V1_CHECK, 'utf8'), 'v1-check.json');
    const secrets = r.verdict!.results.find((x) => x.subject === 'secrets')!;
    expect(secrets.items).toEqual([{ bytes: 83, path: '/app/.env', layer: 7 }]);
    expect([r.verdict!.failed, r.verdict!.warned]).toEqual([4, 2]);
  });

  it('diff against a version 1 baseline works from the command line', async () => {
    const r = await run(['diff', V1_BEFORE, V1_BEFORE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Content\s+5\.52 GB\s+5\.52 GB\s+0 B/);
  });

  it.each([
    ['a negative size', (o: any) => (o.totals.contentBytes = -1), /totals\.contentBytes: /],
    ['a layer number 0', (o: any) => (o.layers[0].number = 0), /layers\.0\.number: /],
    ['a path without /', (o: any) => (o.directories[0].path = 'usr'), /directories\.0\.path: a path starts with \//],
    ['an unknown key', (o: any) => (o.totals.bogus = 1), /totals: .*bogus/],
    ['an unknown finding code', (o: any) => (o.findings[0].code = 'nope'), /findings\.0\.code: /],
    ['a digest that is not one', (o: any) => (o.layers[0].digest = 'abc'), /layers\.0\.digest: not a digest/],
  ])('refuses %s, naming the field', (_what, spoil, message) => {
    const v2 = parseSavedReport(readFileSync(V1_BEFORE, 'utf8'), 'v1.json');
    const o = JSON.parse(JSON.stringify(v2));
    spoil(o);
    expect(() => parseSavedReport(JSON.stringify(o), 'r.json')).toThrow(message);
  });

  it('refuses a saved diff where a report is needed', () => {
    expect(() => parseSavedReport(JSON.stringify({ schemaVersion: 2, diff: {} }), 'd.json')).toThrow(/a saved diff, not an image report/);
  });
});

describe('the published JSON Schema', () => {
  it('describes every field', () => {
    const undocumented: string[] = [];
    const walk = (o: unknown, at: string): void => {
      if (!o || typeof o !== 'object') return;
      const node = o as Record<string, unknown>;
      for (const [k, v] of Object.entries((node.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
        if (typeof v.description !== 'string' || v.description.length < 3) undocumented.push(`${at}.${k}`);
        walk(v, `${at}.${k}`);
      }
      if (node.items) walk(node.items, `${at}[]`);
      for (const alt of [...((node.anyOf as unknown[]) ?? []), ...((node.oneOf as unknown[]) ?? [])]) walk(alt, at);
    };
    walk(JSON.parse(reportJsonSchemaText()), '');
    expect(undocumented).toEqual([]);
  });

  it('schema/report.schema.json is what the code generates (npm run generate)', () => {
    expect(readFileSync(path.join(ROOT, 'schema/report.schema.json'), 'utf8')).toBe(reportJsonSchemaText());
  });
});

describe('the findings registry', () => {
  it('defines every finding code of the contract once, under its own code', () => {
    expect(Object.keys(FINDINGS).sort()).toEqual([...FindingCodeSchema.options].sort());
    for (const [code, d] of Object.entries(FINDINGS)) expect(d.code).toBe(code);
  });

  it("README.md's findings table is what the registry makes (npm run generate)", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(withFindingsTable(readme, renderFindingsTable(FINDING_DEFINITIONS))).toBe(readme);
    for (const d of FINDING_DEFINITIONS) expect(readme).toContain(`| \`${d.code}\` |`);
  });
});
