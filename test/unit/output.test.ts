/**
 * What each command writes, per --format, on real reports (the seed's images: a v1 report saved
 * before the v2 contract, read back as v2, and a v2 one): snapshots a person can read in
 * test/unit/__snapshots__/, and the choice of renderer per format.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/analysis/diff.js';
import { renderCheck, renderDiff, renderInspect } from '../../src/render/output.js';
import { COMMENT_MARKER } from '../../src/render/markdown.js';
import { parseSavedReport } from '../../src/report/read.js';
import { DiffDocumentSchema, ReportSchema } from '../../src/report/schema.js';

const FIXTURES = path.resolve(__dirname, '../fixtures/reports');
const load = (name: string) => parseSavedReport(readFileSync(path.join(FIXTURES, name), 'utf8'), name);
const before = load('v1-before.json');
const after = load('v2-after.json');
const checked = load('v1-check.json');
const verdict = checked.verdict!;
const { verdict: _v, ...checkedReport } = checked;
const snap = (name: string) => path.join(__dirname, '__snapshots__', name);
const o = { top: 10, width: 120 };

describe('renderer per command and format, on real reports', () => {
  it('inspect, table', async () => {
    await expect(renderInspect('table', before, undefined, o)).toMatchFileSnapshot(snap('inspect-before.txt'));
  });

  it('inspect, Markdown', async () => {
    const md = renderInspect('markdown', after, undefined, o);
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    await expect(md).toMatchFileSnapshot(snap('inspect-after.md'));
  });

  it('inspect, JSON: the report as the contract has it', () => {
    const json = renderInspect('json', after, undefined, o);
    expect(JSON.parse(json)).toEqual(ReportSchema.parse(JSON.parse(json)));
    expect(json).toBe(`${JSON.stringify(after, null, 2)}\n`);
  });

  it('a replayed check report shows its verdict after the report', () => {
    const text = renderInspect('table', checkedReport, verdict, o);
    expect(text.startsWith(renderInspect('table', checkedReport, undefined, o))).toBe(true);
    expect(text).toMatch(/imgsize check: 4 rule\(s\) failed, 2 warning\(s\)\n$/);
    expect(renderInspect('markdown', checkedReport, verdict, o)).toBe(renderCheck('markdown', checkedReport, verdict));
    expect(JSON.parse(renderInspect('json', checkedReport, verdict, o))).toEqual(JSON.parse(renderCheck('json', checkedReport, verdict)));
  });

  it('check, text and Markdown', async () => {
    await expect(renderCheck('table', checkedReport, verdict)).toMatchFileSnapshot(snap('check-before.txt'));
    await expect(renderCheck('markdown', checkedReport, verdict)).toMatchFileSnapshot(snap('check-before.md'));
  });

  it('diff, table and Markdown; JSON is a diff document of the contract', async () => {
    const d = diffReports(before, after);
    await expect(renderDiff('table', d, after, undefined, o)).toMatchFileSnapshot(snap('diff.txt'));
    const md = renderDiff('markdown', d, after, verdict, o);
    expect(md.split(COMMENT_MARKER).length).toBe(2); // one marker, the verdict below does not repeat it
    await expect(md).toMatchFileSnapshot(snap('diff.md'));
    DiffDocumentSchema.parse(JSON.parse(renderDiff('json', d, after, verdict, o)));
  });
});
