/**
 * Which renderer writes what, per command and --format: one pure function per command, so the
 * CLI only wires and the choice is tested here (test/unit/output.test.ts).
 */
import type { ArchiveOverview, DiffDocument, DiffResult, ManifestReport, Report, Verdict } from '../report/schema.js';
import { SCHEMA_VERSION } from '../report/version.js';
import { renderDiffMarkdown, renderDiffTable } from './diff.js';
import { renderJson, toJson } from './json.js';
import { COMMENT_MARKER, renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';
import type { Terminal } from './style.js';
import type { Fixes } from '../fix/fixes.js';
import { renderVerdictListMarkdown, renderVerdictMarkdown, renderVerdictText } from './verdict.js';
import { renderManifestMarkdown, renderManifestTable } from './manifest.js';
import { renderDiffHtml, renderOverviewHtml, renderReportHtml } from './html.js';
import { renderOverviewMarkdown, renderOverviewTable } from './overview.js';

export type OutputFormat = 'table' | 'json' | 'markdown' | 'html';

export interface OutputOptions extends Terminal {
  /** Rows per table in text and Markdown. */
  readonly top: number;
  /** The change that removes what the findings found (src/fix/): a Fixes section in text and Markdown. */
  readonly fix?: Fixes | undefined;
}

/** `imgsize IMAGE`: the report; a saved `check --json` report shows its verdict again. */
export function renderInspect(format: OutputFormat, report: Report, verdict: Verdict | undefined, o: OutputOptions): string {
  if (format === 'json') return renderJson(verdict ? { ...report, verdict } : report);
  if (format === 'html') return renderReportHtml(report, verdict);
  if (format === 'markdown') return verdict ? renderVerdictMarkdown(verdict, report) : renderMarkdown(report, { top: o.top, fix: o.fix });
  return renderTable(report, o) + (verdict ? `\n${renderVerdictText(verdict, o)}` : '');
}

/** `imgsize check`: the verdict (JSON: the report with it). */
export function renderCheck(format: OutputFormat, report: Report, verdict: Verdict, t: Terminal = {}): string {
  if (format === 'json') return renderJson({ ...report, verdict });
  if (format === 'html') return renderReportHtml(report, verdict);
  if (format === 'markdown') return renderVerdictMarkdown(verdict, report);
  return renderVerdictText(verdict, t);
}

/** `imgsize diff`: the change, with the verdict on AFTER when gate flags were given. */
export function renderDiff(format: OutputFormat, diff: DiffResult, after: Report, verdict: Verdict | undefined, o: OutputOptions): string {
  if (format === 'json') return toJson({ schemaVersion: SCHEMA_VERSION, diff, ...(verdict ? { verdict } : {}) });
  if (format === 'html') return renderDiffHtml(diff, verdict);
  if (format === 'markdown') return renderDiffMarkdown(diff, { top: o.top }) + (verdict ? `\n${withoutMarker(renderVerdictMarkdown(verdict, after))}` : '');
  return renderDiffTable(diff, o) + (verdict ? `\n${renderVerdictText(verdict, o)}` : '');
}

/** A diff saved with `diff --json`, shown again (its verdict too, not evaluated again). */
export function renderSavedDiff(format: OutputFormat, doc: DiffDocument, o: OutputOptions): string {
  if (format === 'json') return toJson(doc);
  if (format === 'html') return renderDiffHtml(doc.diff, doc.verdict);
  if (format === 'markdown') return renderDiffMarkdown(doc.diff, { top: o.top }) + (doc.verdict ? `\n${renderVerdictListMarkdown(doc.verdict)}` : '');
  return renderDiffTable(doc.diff, o) + (doc.verdict ? `\n${renderVerdictText(doc.verdict, o)}` : '');
}

/** A manifest-only read (`--manifest-only`, or check of compressed budgets on a registry image). */
export function renderManifest(format: Exclude<OutputFormat, 'html'>, m: ManifestReport, verdict: Verdict | undefined, o: Terminal): string {
  if (format === 'json') return toJson(verdict ? { ...m, verdict } : m);
  if (verdict) return format === 'markdown' ? renderVerdictMarkdown(verdict, m) : renderVerdictText(verdict, o);
  return format === 'markdown' ? renderManifestMarkdown(m) : renderManifestTable(m, { width: o.width });
}

/** An archive of several images without --image: the overview (its HTML page drills into each image's report). */
export function renderOverview(format: OutputFormat, o: ArchiveOverview, reports: readonly Report[] = []): string {
  if (format === 'json') return toJson(o);
  if (format === 'html') return renderOverviewHtml(o, reports);
  return format === 'markdown' ? renderOverviewMarkdown(o) : renderOverviewTable(o);
}

/** The diff's Markdown has the comment marker already: the verdict below it does not repeat it. */
function withoutMarker(md: string): string {
  return md.startsWith(`${COMMENT_MARKER}\n`) ? md.slice(COMMENT_MARKER.length + 1) : md;
}
