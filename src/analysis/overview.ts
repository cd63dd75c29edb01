/**
 * An archive holding several images (docker save app:1 app:2 worker:1): each image's layers, content
 * and push size, what it has alone and what it shares with the others (layers matched by diffId),
 * and what the archive moves in all, each layer once. Pure: the images' models in, the contract's
 * document out.
 */
import type { ImageModel } from '../model.js';
import type { ArchiveOverview } from '../report/schema.js';
import { SCHEMA_VERSION } from '../report/version.js';
import { pushBytesOf } from './report.js';

export function archiveOverview(images: readonly ImageModel[]): ArchiveOverview {
  // how many images hold each layer content
  const holders = new Map<string, number>();
  for (const img of images) for (const id of new Set(img.layers.map((l) => l.diffId))) holders.set(id, (holders.get(id) ?? 0) + 1);
  const distinct = new Map<string, { content: number; push: number }>();
  for (const img of images) for (const l of img.layers) if (!distinct.has(l.diffId)) distinct.set(l.diffId, { content: l.scan.contentBytes, push: pushBytesOf(l).bytes });
  const first = images[0]!;
  return {
    schemaVersion: SCHEMA_VERSION,
    scope: 'archive',
    source: first.source,
    images: images.map((img) => {
      const sum = (f: (l: ImageModel['layers'][number]) => number): number => img.layers.reduce((a, l) => a + f(l), 0);
      return {
        tags: [...img.image.repoTags],
        platform: img.image.platform,
        configDigest: img.image.configDigest,
        manifestDigest: img.image.manifestDigest,
        layers: img.layers.length,
        contentBytes: sum((l) => l.scan.contentBytes),
        compressedBytes: sum((l) => pushBytesOf(l).bytes),
        compressedEstimated: img.layers.some((l) => pushBytesOf(l).estimated),
        aloneContentBytes: sum((l) => ((holders.get(l.diffId) ?? 0) > 1 ? 0 : l.scan.contentBytes)),
        sharedContentBytes: sum((l) => ((holders.get(l.diffId) ?? 0) > 1 ? l.scan.contentBytes : 0)),
      };
    }),
    totals: {
      images: images.length,
      layers: distinct.size,
      contentBytes: [...distinct.values()].reduce((a, d) => a + d.content, 0),
      compressedBytes: [...distinct.values()].reduce((a, d) => a + d.push, 0),
    },
  };
}
