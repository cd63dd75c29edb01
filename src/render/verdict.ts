/** Renders a check verdict: text lines, a Markdown PR comment, GitHub annotations. */
import type { RuleResult, Verdict } from '../analysis/budget.js';
import type { Report } from '../analysis/report.js';
import { human, humanExact } from './units.js';

export const COMMENT_MARKER = '<!-- imgsize -->';

function value(r: RuleResult, v: number): string {
  if (r.unit === 'bytes') return humanExact(v);
  if (r.unit === 'percent') return `${v.toFixed(2)}%`;
  return String(v);
}

/** One sentence per rule, with the measured value and the limit, human and exact. */
export function describeRule(r: RuleResult): string {
  const m = value(r, r.measured);
  const l = value(r, r.limit);
  switch (r.kind) {
    case 'budget':
      return `${r.subject} size ${m} ${r.measured <= r.limit ? 'is within' : 'exceeds'} the budget ${l}${r.measured > r.limit && r.unit === 'bytes' ? ` by ${human(r.measured - r.limit)}` : ''}`;
    case 'layers':
      return `${m} layers, limit ${l}`;
    case 'package':
      return `packages matching "${r.subject}": ${m}, limit ${l}${r.details?.length ? ` (${r.details.join(', ')})` : ''}`;
    case 'forbidden-paths':
      return `forbidden paths (${r.subject}): ${m} found${r.details?.length ? `: ${r.details.map((p) => `/${p}`).join(', ')}` : ''}`;
    case 'wasted-bytes':
      return `wasted bytes ${m}, limit ${l}`;
    case 'wasted-percent':
      return `wasted share ${m} of the content, limit ${l}`;
    case 'growth':
      return `growth of ${r.subject}: ${r.measured >= 0 ? '+' : '−'}${r.unit === 'bytes' ? humanExact(Math.abs(r.measured)) : Math.abs(r.measured)}, limit ${l}`;
    case 'finding':
      return `finding ${r.subject}: ${r.measured === 0 ? 'none' : r.details?.join('; ') ?? r.measured}`;
  }
}

const MARK = { pass: '✔', warn: '⚠', fail: '✖' } as const;

export function renderVerdictText(v: Verdict): string {
  const lines = v.results.map((r) => `${MARK[r.status]} ${r.status.toUpperCase().padEnd(4)}  ${describeRule(r)}`);
  lines.push('', v.failed > 0 ? `imgsize check: ${v.failed} rule(s) failed${v.warned ? `, ${v.warned} warning(s)` : ''}` : `imgsize check: all ${v.results.length} rule(s) passed${v.warned ? ` (${v.warned} warning(s))` : ''}`);
  return `${lines.join('\n')}\n`;
}

export function renderVerdictMarkdown(v: Verdict, report: Report): string {
  const head = v.failed > 0 ? `### ✖ imgsize: ${v.failed} size rule(s) failed` : `### ✔ imgsize: within budget`;
  const tags = report.image.repoTags.join(', ') || report.source.path;
  const t = report.totals;
  const rows = v.results.map((r) => `| ${MARK[r.status]} | ${r.kind} | ${describeRule(r).replace(/\|/g, '\\|')} |`);
  return [
    COMMENT_MARKER,
    head,
    '',
    `\`${tags}\` (${report.image.platform}): content **${human(t.contentBytes)}**, compressed **${human(t.compressedBytes)}**, final ${human(t.finalBytes)}, wasted ${human(t.wastedBytes)}, ${report.layers.length} layers`,
    '',
    '| | rule | result |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
