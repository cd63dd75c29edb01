/** An archive of several images: each image, what it has alone and shares, the archive in all, how to pick one. */
import { PUSH_ESTIMATE_MARGIN } from '../gate/budget.js';
import type { ArchiveOverview } from '../report/schema.js';
import { COMMENT_MARKER } from './markdown.js';
import { mdText, visible } from './escape.js';
import { plainTable as table } from './style.js';
import { human } from './units.js';

type Img = ArchiveOverview['images'][number];

const nameOf = (i: Img): string => i.tags[0] ?? i.configDigest.replace(/^sha256:/, '').slice(0, 12);
const compressed = (i: Img): string => `${i.compressedEstimated ? '~' : ''}${human(i.compressedBytes)}`;

function pickLine(o: ArchiveOverview, esc: (s: string) => string): string {
  return `choose one with --image (a tag, or an image ID prefix): imgsize ${esc(o.source.path)} --image ${esc(nameOf(o.images[0]!))}`;
}

export function renderOverviewTable(o: ArchiveOverview): string {
  const t = table(['image', 'platform', 'layers', 'content', 'compressed', 'alone', 'shared'], ['left', 'left', 'right', 'right', 'right', 'right', 'right']);
  for (const i of o.images) {
    t.push([
      [nameOf(i), ...i.tags.slice(1)].map(visible).join(', '),
      visible(i.platform),
      String(i.layers),
      human(i.contentBytes),
      compressed(i),
      human(i.aloneContentBytes),
      human(i.sharedContentBytes),
    ]);
  }
  const est = o.images.some((i) => i.compressedEstimated);
  return [
    `Archive   ${visible(o.source.path)}   Format ${o.source.format}   ${o.totals.images} images`,
    '',
    t.toString(),
    '',
    `In all (each layer once): ${o.totals.layers} layers, content ${human(o.totals.contentBytes)}, compressed ${est ? '~' : ''}${human(o.totals.compressedBytes)}`,
    'alone: content of layers no other image here has; shared: content of layers another image has too',
    ...(est ? [`~ estimated (±${PUSH_ESTIMATE_MARGIN * 100} %): layers stored uncompressed, their gzip -6 size estimated from samples`] : []),
    '',
    pickLine(o, visible),
    '',
  ].join('\n');
}

export function renderOverviewMarkdown(o: ArchiveOverview): string {
  return [
    COMMENT_MARKER,
    `### imgsize: ${o.totals.images} images in ${mdText(o.source.path)}`,
    '',
    '| image | platform | layers | content | compressed | alone | shared |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...o.images.map(
      (i) =>
        `| ${i.tags.length ? i.tags.map(mdText).join(', ') : mdText(nameOf(i))} | ${mdText(i.platform)} | ${i.layers} | ${human(i.contentBytes)} | ${compressed(i)} | ${human(i.aloneContentBytes)} | ${human(i.sharedContentBytes)} |`,
    ),
    '',
    `In all (each layer once): ${o.totals.layers} layers, content **${human(o.totals.contentBytes)}**, compressed **${human(o.totals.compressedBytes)}**.`,
    '',
    `_${pickLine(o, mdText)}._`,
    '',
  ].join('\n');
}
