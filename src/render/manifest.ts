/** What a manifest-only read shows: compressed sizes per layer and in all, and the steps. */
import type { ManifestReport } from '../report/schema.js';
import { COMMENT_MARKER } from './markdown.js';
import { mdText, visible } from './escape.js';
import { clip, plainTable as table } from './style.js';
import { human } from './units.js';

const NOTE = 'manifest only: no layer was downloaded, so content, files, packages, folders and waste are not known (run without --manifest-only for them)';

export function renderManifestTable(m: ManifestReport, opts: { width?: number | undefined } = {}): string {
  const width = opts.width ?? 100;
  const out = [
    `Image     ${m.image.repoTags.map(visible).join(', ')}`,
    `Platform  ${visible(m.image.platform)}   Layers ${m.totals.layers}   Compressed ${human(m.totals.compressedBytes)} (${m.totals.compressedBytes.toLocaleString('en-US')} bytes: what a pull downloads)`,
    '',
  ];
  const t = table(['#', 'compressed', 'created by'], ['right', 'right', 'left']);
  for (const l of m.layers) t.push([String(l.number), `${human(l.compressedBytes)} ${l.compression}`, clip(visible(l.createdBy ?? '(no history)'), Math.max(20, width - 24))]);
  out.push('Layers', t.toString(), '');
  if (m.platforms && m.platforms.length > 0) {
    const p = table(['platform', 'compressed', 'layers'], ['left', 'right', 'right']);
    for (const x of m.platforms) p.push([visible(x.platform), human(x.compressedBytes), String(x.layers)]);
    out.push('Platforms in the index', p.toString(), '');
  }
  out.push(NOTE, '');
  return out.join('\n');
}

export function renderManifestMarkdown(m: ManifestReport): string {
  return [
    COMMENT_MARKER,
    `### imgsize: ${m.image.repoTags.map(mdText).join(', ')} (${mdText(m.image.platform)})`,
    '',
    `**Compressed ${human(m.totals.compressedBytes)}** (${m.totals.compressedBytes.toLocaleString('en-US')} bytes) in ${m.totals.layers} layers.`,
    '',
    '| # | compressed | created by |',
    '|---:|---:|---|',
    ...m.layers.map((l) => `| ${l.number} | ${human(l.compressedBytes)} | ${mdText(clip(l.createdBy ?? '', 80))} |`),
    '',
    `_${NOTE}._`,
    '',
  ].join('\n');
}
