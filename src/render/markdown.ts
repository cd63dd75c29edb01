/** The inspect report as Markdown (for a PR comment or a job summary). */
import type { Fixes } from '../fix/fixes.js';
import { renderFixesMarkdown } from './fixes.js';
import { PUSH_ESTIMATE_MARGIN } from '../gate/budget.js';
import type { Report } from '../analysis/report.js';
import { human } from './units.js';
import { clip } from './style.js';
import { describeItem } from './items.js';
import { escapeReport, mdText } from './escape.js';

/** First line of every PR comment imgsize writes, so a bot can find and update its own. */
export const COMMENT_MARKER = '<!-- imgsize -->';

/** The compressed (push) total, `~` when it is an estimate. */
export function compressedFigure(r: Report): string {
  const t = r.totals;
  return `${t.pushEstimatedLayers.length ? '~' : ''}${human(t.pushBytes)}`;
}

/** A line saying which layers' compressed size is estimated, and how, when any is. */
export function estimateLine(r: Report): string[] {
  const est = r.totals.pushEstimatedLayers;
  if (est.length === 0) return [];
  return [
    '',
    `_~ estimated (±${PUSH_ESTIMATE_MARGIN * 100} %): layer${est.length > 1 ? 's' : ''} ${est.join(', ')} stored uncompressed; what a push uploads is their gzip -6 size, estimated from samples (\`--exact-push-size\` computes it exactly)._`,
  ];
}

export function renderMarkdown(raw: Report, opts: { top?: number; fix?: Fixes | undefined } = {}): string {
  const top = opts.top ?? 10;
  // steps are cut before they are escaped (a cut escape could run into the table's next cell)
  const r = escapeReport({ ...raw, layers: raw.layers.map((l) => ({ ...l, createdBy: l.createdBy === null ? null : clip(l.createdBy, 80) })) }, mdText);
  const t = r.totals;
  const out = [
    COMMENT_MARKER,
    `### imgsize: ${r.image.repoTags[0] ?? r.source.path} (${r.image.platform})`,
    '',
    `content **${human(t.contentBytes)}** · compressed **${compressedFigure(r)}** · final ${human(t.finalBytes)} · wasted ${human(t.wastedBytes)} · ${r.layers.length} layers · ${t.files.toLocaleString('en-US')} files`,
    ...estimateLine(r),
    '',
    '| # | content | compressed | created by |',
    '|---:|---:|---:|---|',
    ...r.layers.map((l) => `| ${l.number} | ${human(l.contentBytes)} | ${l.pushSize?.estimated ? '~' : ''}${human(l.pushBytes)} | ${l.createdBy ?? ''} |`),
    '',
  ];
  if (r.packages.length > 0) {
    out.push('<details><summary>Largest packages</summary>', '', '| package | version | ecosystem | size |', '|---|---|---|---:|');
    for (const p of r.packages.slice(0, top)) out.push(`| ${p.name} | ${p.version ?? ''} | ${p.ecosystem} | ${human(p.bytes)} |`);
    out.push('', '</details>', '');
  }
  for (const f of r.findings) {
    out.push(`- **${f.code}** (${human(f.bytes)}): ${f.title} — _${f.fix}_`);
    for (const i of f.items.slice(0, 3)) out.push(`  - ${describeItem(i)}`);
    if (f.items.length > 3) out.push(`  - … and ${f.items.length - 3} more`);
  }
  if (opts.fix) out.push('', ...renderFixesMarkdown(opts.fix, raw));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
