/**
 * The OCI side: an image index walked down to its image manifests (nested indexes memoised, loops
 * and attestations skipped, every index and manifest checked against its descriptor), and an OCI
 * layout tarred inside a folder.
 */
import { ImgsizeError } from '../base/errors.js';
import type { Warning } from '../report/schema.js';
import { displayPath } from '../base/paths.js';
import type { Absent, Candidate } from './candidate.js';
import { resolveMember, type OuterContents, type OuterEntry } from './contents.js';
import { configPlatform } from './platform.js';
import { platformOf } from '../base/platform.js';
import { DIGEST_RE, isObject, short, unique, verifyBlob, type Fail, type Json } from './metadata.js';

const MAX_INDEX_DEPTH = 8;
const IMAGE_CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

export interface Walk {
  /** Indexes on the path from the top (a loop comes back to one of them). */
  readonly visited: Set<string>;
  /** Indexes already walked, with what they held: each distinct index is read once. */
  readonly walked: Map<string, Candidate[]>;
  readonly fail: Fail;
}

export function walkIndex(outer: OuterContents, index: Json, depth: number, walk: Walk, names: string[], absent: Absent[], warnings: Warning[]): Candidate[] {
  if (depth > MAX_INDEX_DEPTH) throw new ImgsizeError('format', 'index', `image indexes nested deeper than ${MAX_INDEX_DEPTH} levels`);
  const out: Candidate[] = [];
  const manifests = Array.isArray(index.manifests) ? index.manifests : [];
  const seenHere = new Set<string>();
  for (const d of manifests) {
    if (!isObject(d) || typeof d.digest !== 'string') continue;
    const descDigest: string = d.digest;
    const annotations = isObject(d.annotations) ? d.annotations : {};
    const platform = platformOf(d.platform);
    if (annotations['vnd.docker.reference.type'] === 'attestation-manifest' || platform === 'unknown/unknown') continue;
    const m = DIGEST_RE.exec(d.digest);
    if (!m) continue;
    // the same descriptor listed again in one index adds nothing
    const descKey = `${d.digest}|${platform ?? ''}|${JSON.stringify(annotations)}`;
    if (seenHere.has(descKey)) continue;
    seenHere.add(descKey);
    const member = `blobs/${m[1]}/${m[2]}`;
    const blob = resolveMember(outer.entries, member);
    if (!blob) {
      absent.push({ platform, digest: d.digest });
      continue;
    }
    // every index and manifest is checked against its descriptor before it is believed: a
    // tampered one is an error (a warning with --no-verify), never skipped for another
    verifyBlob(blob, d.digest, typeof d.size === 'number' ? d.size : undefined, `manifest ${short(d.digest)}`, walk.fail);
    const myNames = [...names];
    for (const k of ['io.containerd.image.name', 'org.opencontainers.image.ref.name']) {
      const v = annotations[k];
      if (typeof v === 'string' && v && !myNames.includes(v)) myNames.push(v);
    }
    if (blob.jsonTooLarge) throw new ImgsizeError('limit', member, 'manifest larger than 16 MiB');
    if (blob.size === 0) throw new ImgsizeError('corrupt', `manifest ${short(d.digest)}`, 'the blob is empty (0 bytes)');
    // a blob its descriptor calls a manifest or an index must read as one: never skipped for another image
    const claimed = typeof d.mediaType === 'string' && /manifest|index/.test(d.mediaType);
    const unreadable = (why: string): ImgsizeError => new ImgsizeError('corrupt', `manifest ${short(descDigest)}${platform ? ` (${platform})` : ''}`, why);
    if (!blob.json) {
      if (claimed) throw unreadable('is not JSON');
      continue; // not JSON: not a manifest (an artifact blob)
    }
    let body: unknown;
    try {
      body = JSON.parse(blob.json.toString('utf8'));
    } catch (e) {
      if (claimed) throw unreadable(`is not valid JSON (${(e as Error).message})`);
      continue;
    }
    if (!isObject(body)) continue;
    const mt = typeof body.mediaType === 'string' ? body.mediaType : typeof d.mediaType === 'string' ? d.mediaType : '';
    const isIndex = mt.includes('index') || mt.includes('manifest.list') || (Array.isArray(body.manifests) && !('layers' in body));
    if (isIndex) {
      if (walk.visited.has(d.digest)) {
        warnings.push({ code: 'index-loop', message: `index ${short(d.digest)} refers to itself; loop skipped` });
        continue;
      }
      let inner = walk.walked.get(d.digest);
      if (!inner) {
        walk.visited.add(d.digest);
        inner = walkIndex(outer, body, depth + 1, walk, [], absent, warnings);
        walk.visited.delete(d.digest);
        walk.walked.set(d.digest, inner);
      }
      // the names on the way down belong to every image below
      for (const c of inner) out.push({ ...c, names: unique([...myNames, ...c.names]) });
      continue;
    }
    if (!isObject(body.config) || !Array.isArray(body.layers)) continue;
    const cfgDesc = body.config;
    const cfgType = typeof cfgDesc.mediaType === 'string' ? cfgDesc.mediaType : undefined;
    if (typeof body.artifactType === 'string' || (cfgType !== undefined && !IMAGE_CONFIG_TYPES.has(cfgType))) continue;
    if (typeof cfgDesc.digest !== 'string') throw new ImgsizeError('format', `manifest ${short(d.digest)}`, 'config descriptor has no digest');
    const cm = DIGEST_RE.exec(cfgDesc.digest);
    if (!cm) throw new ImgsizeError('format', `manifest ${short(d.digest)}`, `invalid config digest "${cfgDesc.digest}"`);
    const configMember = `blobs/${cm[1]}/${cm[2]}`;
    const config = resolveMember(outer.entries, configMember);
    const plat = platform ?? configPlatform(config);
    const layers = (body.layers as unknown[]).map((l, i) => {
      if (!isObject(l) || typeof l.digest !== 'string') {
        throw new ImgsizeError('format', `manifest ${short(descDigest)}`, `layer ${i + 1} has no digest`);
      }
      const lm = DIGEST_RE.exec(l.digest);
      if (!lm) throw new ImgsizeError('format', `manifest ${short(descDigest)}`, `invalid layer digest "${l.digest}"`);
      return {
        member: `blobs/${lm[1]}/${lm[2]}`,
        digest: l.digest,
        ...(typeof l.size === 'number' ? { size: l.size } : {}),
        mediaType: typeof l.mediaType === 'string' ? l.mediaType : null,
      };
    });
    out.push({
      platform: plat ?? 'unknown',
      names: myNames,
      layers,
      config,
      configMember,
      configDigest: cfgDesc.digest,
      manifestDigest: d.digest,
      manifestBlob: blob,
      ...(typeof d.size === 'number' ? { manifestSize: d.size } : {}),
      key: d.digest,
    });
  }
  // the same manifest reached twice (two tags) is one image
  const seen = new Map<string, Candidate>();
  for (const c of out) {
    const prev = seen.get(c.key);
    if (prev) {
      for (const n of c.names) if (!prev.names.includes(n)) prev.names.push(n);
    } else seen.set(c.key, c);
  }
  return [...seen.values()];
}

/**
 * An OCI layout tarred with its folder (`img/index.json`, `img/blobs/…`): read it from that folder,
 * when the archive's root has no index.json or manifest.json and exactly one top folder has.
 */
export function rootedAtLayout(outer: OuterContents, notices: string[]): { outer: OuterContents; root: string } {
  if (resolveMember(outer.entries, 'index.json') || resolveMember(outer.entries, 'manifest.json')) return { outer, root: '' };
  const tops = new Set<string>();
  for (const name of outer.entries.keys()) {
    const m = /^([^/]+)\/(index|manifest)\.json$/.exec(name);
    if (m) tops.add(m[1]!);
  }
  if (tops.size !== 1) return { outer, root: '' };
  const top = [...tops][0]!;
  const entries = new Map<string, OuterEntry>();
  for (const [name, e] of outer.entries) {
    if (!name.startsWith(`${top}/`)) continue;
    const rel = name.slice(top.length + 1);
    entries.set(rel, e.kind === 'hardlink' && e.target.startsWith(`${top}/`) ? { kind: 'hardlink', target: e.target.slice(top.length + 1) } : e);
  }
  notices.push(`reading the image from the archive's folder ${displayPath(top)}/`);
  return { outer: { ...outer, entries }, root: `${top}/` };
}
