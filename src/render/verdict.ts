/** Renders a check verdict: text lines, a Markdown PR comment, GitHub annotations. */
import type { RuleResult, Verdict } from '../gate/budget.js';
import type { Report } from '../analysis/report.js';
import type { ManifestReport } from '../report/schema.js';
import { human, humanExact } from './units.js';
import { describeItem } from './items.js';
import { COMMENT_MARKER, compressedFigure, estimateLine } from './markdown.js';
import { escapeReport, escapeVerdict, mdText, visible } from './escape.js';
import { paint, wrap, type Terminal } from './style.js';

/** Items shown after a rule's sentence in text and Markdown (JSON carries all of them). */
const SHOWN_ITEMS = 5;

function itemsOf(r: RuleResult): string {
  const items = r.items ?? [];
  if (items.length === 0) return '';
  const more = items.length > SHOWN_ITEMS ? `, and ${items.length - SHOWN_ITEMS} more` : '';
  return `: ${items.slice(0, SHOWN_ITEMS).map(describeItem).join('; ')}${more}`;
}

/** "(estimated ±7 %: …)" after a figure that is an estimate, and whether the verdict holds within it. */
function estimateNote(r: RuleResult): string {
  const e = r.estimate;
  if (!e) return '';
  const margin = `±${Math.round(e.margin * 100)} %`;
  return ` (estimated ${margin}: ${e.layers} layer(s) stored uncompressed, their gzip -6 size estimated with zlib; ${e.decided ? 'the verdict holds across the margin' : 'within the margin the verdict could flip: run with --exact-push-size'})`;
}

function value(r: RuleResult, v: number): string {
  if (r.unit === 'bytes') return humanExact(v);
  if (r.unit === 'percent') return `${v.toFixed(2)}%`;
  return String(v);
}

/** One sentence per rule, with the measured value and the limit, human and exact. */
export function describeRule(r: RuleResult): string {
  const m = value(r, r.measured);
  const l = value(r, r.limit);
  const from = r.from ? ` [${r.from}]` : '';
  switch (r.kind) {
    case 'budget':
      return `${r.subject} size ${r.estimate ? '~' : ''}${m} ${r.measured <= r.limit ? 'is within' : 'exceeds'} the budget ${l}${r.measured > r.limit && r.unit === 'bytes' ? ` by ${human(r.measured - r.limit)}` : ''}${estimateNote(r)}${from}`;
    case 'layers':
      return `${m} layers, limit ${l}${from}`;
    case 'package':
      return `packages matching "${r.subject}": ${m}, limit ${l}${itemsOf(r)}${from}`;
    case 'forbidden-paths':
      return `forbidden paths (${r.subject}): ${m} found in the layers${itemsOf(r)}${from}`;
    case 'wasted-bytes':
      return `wasted bytes ${m}, limit ${l}${from}`;
    case 'wasted-percent':
      return `wasted share ${m} of the content, limit ${l}${from}`;
    case 'growth':
      return `growth of ${r.subject}: ${r.measured >= 0 ? '+' : '−'}${r.estimate ? '~' : ''}${r.unit === 'bytes' ? humanExact(Math.abs(r.measured)) : Math.abs(r.measured)}, limit ${l}${estimateNote(r)}${from}`;
    case 'finding':
      return `finding ${r.subject}: ${r.measured === 0 ? 'none' : `${r.note ?? r.measured}${itemsOf(r)}`}${from}`;
  }
}

const MARK = { pass: '✔', warn: '⚠', fail: '✖' } as const;

const COLOUR = { pass: 'green', warn: 'yellow', fail: 'red' } as const;

export function renderVerdictText(raw: Verdict, t: Terminal = {}): string {
  const v = escapeVerdict(raw, visible);
  const lines = v.results.map((r) => wrap(`${paint(t, COLOUR[r.status], `${MARK[r.status]} ${r.status.toUpperCase().padEnd(4)}`)}  ${describeRule(r)}`, t.width, '        '));
  lines.push(
    '',
    v.failed > 0
      ? `imgsize check: ${v.failed} rule(s) failed${v.warned ? `, ${v.warned} warning(s)` : ''}`
      : `imgsize check: all ${v.results.length} rule(s) passed${v.warned ? ` (${v.warned} warning(s))` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The verdict's rules as a Markdown list, for a saved diff shown again (it has no report to head it). */
export function renderVerdictListMarkdown(rawVerdict: Verdict): string {
  const v = escapeVerdict(rawVerdict, mdText);
  return `${v.results.map((r) => `- ${MARK[r.status]} **${r.status.toUpperCase()}** ${describeRule(r)}`).join('\n')}\n`;
}

export function renderVerdictMarkdown(rawVerdict: Verdict, rawReport: Report | ManifestReport): string {
  const v = escapeVerdict(rawVerdict, mdText);
  if ('scope' in rawReport) return manifestVerdictMarkdown(v, rawReport);
  const report = escapeReport(rawReport, mdText);
  const head = v.failed > 0 ? `### ✖ imgsize: ${v.failed} size rule(s) failed` : `### ✔ imgsize: within budget`;
  const tags = report.image.repoTags.join(', ') || report.source.path;
  const t = report.totals;
  const rows = v.results.map((r) => `| ${MARK[r.status]} | ${r.kind} | ${describeRule(r)} |`);
  return [
    COMMENT_MARKER,
    head,
    '',
    `${tags} (${report.image.platform}): content **${human(t.contentBytes)}**, compressed **${compressedFigure(report)}**, final ${human(t.finalBytes)}, wasted ${human(t.wastedBytes)}, ${report.layers.length} layers`,
    ...estimateLine(report),
    '',
    '| | rule | result |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** The same for a manifest-only read: what it knows is the compressed total and the layers. */
function manifestVerdictMarkdown(v: Verdict, m: ManifestReport): string {
  const head = v.failed > 0 ? `### ✖ imgsize: ${v.failed} size rule(s) failed` : `### ✔ imgsize: within budget`;
  return [
    COMMENT_MARKER,
    head,
    '',
    `${m.image.repoTags.map(mdText).join(', ')} (${mdText(m.image.platform)}): compressed **${human(m.totals.compressedBytes)}**, ${m.totals.layers} layers (from the manifest; no layer downloaded)`,
    '',
    '| | rule | result |',
    '|---|---|---|',
    ...v.results.map((r) => `| ${MARK[r.status]} | ${r.kind} | ${describeRule(r)} |`),
    '',
  ].join('\n');
}
