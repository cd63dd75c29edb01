/** The docker side: manifest.json (docker save, docker-archive writers) and its tags. */
import { ImgsizeError } from '../base/errors.js';
import type { Candidate } from './candidate.js';
import { resolveMember, type BlobRecord, type OuterContents } from './contents.js';
import { configPlatform } from './platform.js';
import { isObject, lowerKeys, parseJson } from './metadata.js';

export function dockerCandidates(outer: OuterContents, manifestBlob: BlobRecord): Candidate[] {
  const manifest = parseJson(manifestBlob, 'manifest.json');
  if (manifest === null) throw new ImgsizeError('format', 'manifest.json', 'is null: the archive lists no image');
  if (!Array.isArray(manifest)) throw new ImgsizeError('format', 'manifest.json', 'is not a list of images');
  if (manifest.length === 0) throw new ImgsizeError('format', 'manifest.json', 'is an empty list: the archive holds no image');
  return manifest.map((raw, i) => {
    if (!isObject(raw)) throw new ImgsizeError('format', 'manifest.json', `entry ${i + 1} is not an object`);
    const e = lowerKeys(raw);
    if (typeof e.config !== 'string') throw new ImgsizeError('format', 'manifest.json', `entry ${i + 1} has no Config`);
    if (!Array.isArray(e.layers) || !e.layers.every((l) => typeof l === 'string')) {
      throw new ImgsizeError('format', 'manifest.json', `entry ${i + 1} has no Layers list`);
    }
    const config = resolveMember(outer.entries, e.config);
    const platform = configPlatform(config) ?? 'unknown';
    const sources = isObject(e.layersources) ? e.layersources : {};
    const layers = (e.layers as string[]).map((member) => {
      const hex = /([a-f0-9]{64})/.exec(member)?.[1];
      const src = hex ? sources[`sha256:${hex}`] : undefined;
      return { member, mediaType: isObject(src) && typeof src.mediaType === 'string' ? src.mediaType : null };
    });
    const tags = Array.isArray(e.repotags) ? e.repotags.filter((t): t is string => typeof t === 'string') : [];
    return { platform, names: tags, layers, config, configMember: e.config, manifestDigest: null, key: `${e.config}#${i}` };
  });
}

/**
 * Docker ≥ 25 and containerd exports name their images in manifest.json: borrow the tags. Returns
 * how many images manifest.json lists (0 when it is not a list).
 */
export function addRepoTags(outer: OuterContents, manifestBlob: BlobRecord, candidates: Candidate[]): number {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestBlob.json?.toString('utf8') ?? 'null');
  } catch {
    return 0;
  }
  if (!Array.isArray(manifest)) return 0;
  for (const raw of manifest) {
    if (!isObject(raw)) continue;
    const e = lowerKeys(raw);
    if (typeof e.config !== 'string' || !Array.isArray(e.repotags)) continue;
    const cfg = resolveMember(outer.entries, e.config);
    for (const c of candidates) {
      if (cfg && c.config === cfg) {
        // manifest.json's tags first, in its order; the index's other names after them
        const tags = e.repotags.filter((t): t is string => typeof t === 'string');
        const rest = c.names.filter((n) => !tags.includes(n));
        c.names.splice(0, c.names.length, ...tags, ...rest);
      }
    }
  }
  return manifest.length;
}
