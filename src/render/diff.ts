/** Renders a diff: a terminal table and a Markdown PR comment. */
import { paint, plainTable, type Terminal } from './style.js';
import { PUSH_ESTIMATE_MARGIN } from '../gate/budget.js';
import type { DiffResult, Delta } from '../analysis/diff.js';
import { human, signedHuman } from './units.js';
import { COMMENT_MARKER } from './markdown.js';
import { escapeDiff, mdText, visible } from './escape.js';

const pct = (d: Delta): string => (d.percent === null ? '' : `${d.percent >= 0 ? '+' : ''}${d.percent.toFixed(1)}%`);
const version = (v: string | null): string => v ?? '?';

function packageLine(p: DiffResult['packages'][number]): string {
  if (p.status === 'added') return `${p.name} ${version(p.versionAfter)} added`;
  if (p.status === 'removed') return `${p.name} ${version(p.versionBefore)} removed`;
  return p.versionBefore === p.versionAfter ? `${p.name} ${version(p.versionAfter)}` : `${p.name} ${version(p.versionBefore)} → ${version(p.versionAfter)}`;
}

export function renderDiffTable(raw: DiffResult, opts: { top?: number } & Terminal = {}): string {
  const d = escapeDiff(raw, visible);
  // on a terminal with colour: growth red, shrinkage green (piped, the same text)
  const change = (delta: number): string => (delta === 0 ? signedHuman(delta) : paint(opts, delta > 0 ? 'red' : 'green', signedHuman(delta)));
  const top = opts.top ?? 10;
  const out: string[] = [];
  const name = (s: { source: string; tags: readonly string[] }): string => s.tags[0] ?? s.source;
  out.push(`Before  ${name(d.before)} (${d.before.platform})`, `After   ${name(d.after)} (${d.after.platform})`, '');
  for (const w of d.warnings) out.push(`warning: ${w.message}`);
  if (d.warnings.length > 0) out.push('');
  const t = plainTable(['', 'before', 'after', 'change', ''], ['left', 'right', 'right', 'right', 'right']);
  for (const [label, k] of [
    ['Content', 'content'],
    ['Compressed', 'compressed'],
    ['Final', 'final'],
    ['Wasted', 'wasted'],
  ] as const) {
    const x = d.totals[k];
    const est = (side: boolean): string => (k === 'compressed' && side ? '~' : '');
    t.push([label, est(d.compressedEstimated.before) + human(x.before), est(d.compressedEstimated.after) + human(x.after), change(x.delta), pct(x)]);
  }
  out.push(t.toString());
  if (d.compressedEstimated.before || d.compressedEstimated.after) out.push(`~ estimated (±${PUSH_ESTIMATE_MARGIN * 100} %): layers stored uncompressed, their gzip -6 size estimated`);
  out.push('');

  out.push(layersLine(d), '');

  if (d.packages.length > 0) {
    const p = plainTable(['package', 'ecosystem', 'before', 'after', 'change'], ['left', 'left', 'right', 'right', 'right']);
    for (const x of d.packages.slice(0, top)) p.push([packageLine(x), x.ecosystem, human(x.bytesBefore), human(x.bytesAfter), change(x.delta)]);
    out.push(`Packages (${d.packages.length} changed)`, p.toString(), '');
  }
  if (d.directories.length > 0) {
    const f = plainTable(['folder', 'before', 'after', 'change'], ['left', 'right', 'right', 'right']);
    for (const x of d.directories.slice(0, top)) f.push([x.path, human(x.bytesBefore), human(x.bytesAfter), change(x.bytesAfter - x.bytesBefore)]);
    out.push('Folders that changed most', f.toString(), '');
  }
  for (const f of d.findings) {
    const mark = f.status === 'resolved' ? paint(opts, 'green', '✔ resolved') : f.status === 'introduced' ? paint(opts, 'red', '✖ introduced') : '~ changed';
    out.push(`${mark}: ${f.code} — ${f.title} (${human(f.bytesBefore)} → ${human(f.bytesAfter)})`);
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** Shared blobs (a pull reuses them), same content under another compression, added, removed. */
function layersLine(d: DiffResult): string {
  const of = (status: string): DiffResult['layers'] => d.layers.filter((l) => l.status === status);
  const bytes = (ls: DiffResult['layers']): string => human(ls.reduce((a, l) => a + l.contentBytes, 0));
  const recompressed = of('recompressed');
  return [
    `Layers: ${of('shared').length} shared (${human(d.sharedCompressedBytes)} compressed, reused by a pull)`,
    ...(recompressed.length > 0 ? [`${recompressed.length} same content as another blob (${bytes(recompressed)} content, downloaded again)`] : []),
    `${of('added').length} added (${bytes(of('added'))} content)`,
    `${of('removed').length} removed (${bytes(of('removed'))} content)`,
  ].join(', ');
}

export function renderDiffMarkdown(raw: DiffResult, opts: { top?: number } = {}): string {
  const d = escapeDiff(raw, mdText);
  const top = opts.top ?? 10;
  const name = (s: { source: string; tags: readonly string[] }): string => s.tags[0] ?? s.source;
  const rows = (['content', 'compressed', 'final', 'wasted'] as const).map((k) => {
    const x = d.totals[k];
    const est = (side: boolean): string => (k === 'compressed' && side ? '~' : '');
    return `| ${k} | ${est(d.compressedEstimated.before)}${human(x.before)} | ${est(d.compressedEstimated.after)}${human(x.after)} | ${signedHuman(x.delta)} | ${pct(x)} |`;
  });
  const lines = [
    COMMENT_MARKER,
    `### imgsize: ${name(d.before)} → ${name(d.after)}`,
    '',
    ...d.warnings.map((w) => `> ⚠ ${w.message}`),
    ...(d.warnings.length > 0 ? [''] : []),
    '| | before | after | change | |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    layersLine(d),
    '',
  ];
  if (d.packages.length > 0) {
    lines.push('<details><summary>Packages</summary>', '', '| package | ecosystem | change |', '|---|---|---:|');
    for (const p of d.packages.slice(0, top)) lines.push(`| ${packageLine(p)} | ${p.ecosystem} | ${signedHuman(p.delta)} |`);
    lines.push('', '</details>', '');
  }
  for (const f of d.findings) lines.push(`- ${f.status === 'resolved' ? '✔ resolved' : f.status === 'introduced' ? '✖ introduced' : 'changed'}: **${f.code}** — ${f.title}`);
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}
