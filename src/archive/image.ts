/**
 * Assembles the image model from everything the outer archive held: finds the format
 * (OCI index, docker manifest.json or both), picks the image and platform, matches layers to
 * their scans, and verifies digests and diff_ids. The only module that knows docker vs OCI.
 */
import { ImgsizeError, type Warning } from '../errors.js';
import type { ImageModel, ModelLayer, ArchiveFormat } from '../model.js';
import { resolveMember, type BlobRecord, type OuterContents, type OuterEntry } from './outer.js';
import { displayPath } from '../layer/paths.js';

export interface AssembleOptions {
  /** `os/arch[/variant]`; default linux/amd64 (with the single-other-platform fallback). */
  readonly platform?: string;
  /** A tag or reference name to pick one image out of several. */
  readonly image?: string;
  /** When false, digest and diff_id mismatches become warnings. */
  readonly verify: boolean;
  /** Path as the user gave it ('-' for stdin). */
  readonly sourcePath: string;
  /** Refuse to pick the first of several images silently (a CI gate must not gate one of many). */
  readonly requireOne?: boolean;
}

export const DEFAULT_PLATFORM = 'linux/amd64';
const MAX_INDEX_DEPTH = 8;
const DIGEST_RE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const IMAGE_CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

type Json = Record<string, unknown>;

interface Candidate {
  readonly platform: string;
  readonly names: string[];
  /** Layer locations in order, with what we know of each. */
  readonly layers: readonly { readonly member: string; readonly digest?: string; readonly size?: number; readonly mediaType: string | null }[];
  readonly config: BlobRecord | undefined;
  readonly configMember: string;
  readonly configDigest?: string;
  readonly manifestDigest: string | null;
  /** The manifest blob and its descriptor's size, to verify the chosen one. */
  readonly manifestBlob?: BlobRecord;
  readonly manifestSize?: number;
  readonly key: string;
}

interface Absent {
  readonly platform: string | null;
  readonly digest: string;
}

interface Resolved {
  readonly outer: OuterContents;
  /** The folder of the given archive the image was read from ('' or 'name/'). */
  readonly root: string;
  readonly format: ArchiveFormat;
  readonly chosen: Candidate;
  readonly warnings: Warning[];
  readonly notices: string[];
}

/** Finds the format and picks the image (platform, --image) from the archive's metadata. */
function resolve(given: OuterContents, opts: AssembleOptions): Resolved {
  const warnings: Warning[] = [];
  const notices: string[] = [];
  const { outer, root } = rootedAtLayout(given, notices);
  const indexBlob = resolveMember(outer.entries, 'index.json');
  const manifestBlob = resolveMember(outer.entries, 'manifest.json');

  let format: ArchiveFormat;
  let candidates: Candidate[] = [];
  const absent: Absent[] = [];
  if (indexBlob) {
    const index = parseJson(indexBlob, 'index.json');
    if (!isObject(index)) throw new ImgsizeError('format', 'index.json', 'not a JSON object');
    if ('layers' in index || 'config' in index) {
      throw new ImgsizeError('format', 'index.json', 'holds an image manifest, not an image index', {
        hint: 'an OCI layout needs index.json to list its manifests',
      });
    }
    if (index.manifests !== null && index.manifests !== undefined && !Array.isArray(index.manifests)) {
      throw new ImgsizeError('format', 'index.json', '"manifests" is not a list');
    }
    const fail = failer(opts, warnings);
    candidates = walkIndex(outer, index, 0, { visited: new Set(), walked: new Map(), fail }, [], absent, warnings);
    format = manifestBlob ? 'docker+oci' : 'oci';
    if (candidates.length === 0 && !manifestBlob) {
      const why = absent.length > 0 ? `its ${absent.length} manifest(s) are not in the archive (${absent.map((a) => short(a.digest)).join(', ')})` : 'it lists no image manifests';
      throw new ImgsizeError('format', 'index.json', `no image in this archive: ${why}`);
    }
    if (candidates.length > 0 && manifestBlob) addRepoTags(outer, manifestBlob, candidates);
  } else {
    format = 'docker';
  }
  if (candidates.length === 0) {
    if (!manifestBlob) {
      if (resolveMember(outer.entries, 'repositories')) {
        throw new ImgsizeError('format', opts.sourcePath, 'pre-Docker-1.10 archive (no manifest.json) is not supported', {
          hint: 'load it and save it again with a current Docker',
        });
      }
      throw new ImgsizeError('format', opts.sourcePath, 'not an image archive: no index.json or manifest.json found', {
        hint: 'expected the output of docker save, an oci-archive or an OCI layout folder',
      });
    }
    candidates = dockerCandidates(outer, manifestBlob);
  }

  const chosen = choose(candidates, absent, opts, notices);
  for (const a of absent) {
    if (a.platform) notices.push(`skipped ${a.platform}: its manifest ${short(a.digest)} is not in the archive (partial export)`);
  }
  return { outer, root, format, chosen, warnings, notices };
}

/**
 * The members holding the chosen image's layers, when the metadata can tell already (a folder is
 * read metadata first, so only these big blobs need reading); undefined when it cannot.
 */
export function layerMembers(outer: OuterContents, opts: AssembleOptions): Set<string> | undefined {
  try {
    const r = resolve(outer, opts);
    // the config too: one over the small-member size is read like a layer (same limits as a stream)
    return new Set([...r.chosen.layers.map((l) => r.root + l.member), r.root + r.chosen.configMember]);
  } catch {
    return undefined;
  }
}

type Fail = (code: 'digest-mismatch' | 'format', what: string, why: string) => void;

/** A check that failed: an error, or with --no-verify a warning in the report. */
function failer(opts: AssembleOptions, warnings: Warning[]): Fail {
  return (code, what, why) => {
    if (opts.verify) throw new ImgsizeError(code, what, why, { hint: 'use --no-verify to report anyway, with a warning' });
    if (!warnings.some((w) => w.message === `${what}: ${why}`)) warnings.push({ code, message: `${what}: ${why}` });
  };
}

export function assembleImage(given: OuterContents, opts: AssembleOptions): ImageModel {
  const { outer, format, chosen, warnings, notices } = resolve(given, opts);
  const fail = failer(opts, warnings);

  if (!chosen.config) {
    throw new ImgsizeError('missing-blob', chosen.configMember, `the image config is not in the archive`);
  }
  const config = parseJson(chosen.config, chosen.configMember);
  if (!isObject(config)) throw new ImgsizeError('format', chosen.configMember, 'image config is not a JSON object');
  if (chosen.manifestBlob && chosen.manifestDigest) verifyBlob(chosen.manifestBlob, chosen.manifestDigest, chosen.manifestSize, 'image manifest', fail);
  if (chosen.configDigest) verifyBlob(chosen.config, chosen.configDigest, undefined, 'image config', fail);

  const rootfs = getCaseInsensitive(config, 'rootfs');
  const diffIds = isObject(rootfs) && Array.isArray(rootfs.diff_ids) ? (rootfs.diff_ids as unknown[]).map(String) : undefined;
  if (!diffIds) warnings.push({ code: 'no-diff-ids', message: 'the image config has no rootfs.diff_ids; layers were not checked against it' });
  else if (diffIds.length !== chosen.layers.length) {
    fail('format', 'image config', `lists ${diffIds.length} diff_ids for ${chosen.layers.length} layers`);
  }

  const history = Array.isArray(config.history) ? (config.history as unknown[]).filter(isObject) : [];
  const steps = mapHistory(history, chosen.layers.length);

  const unhashed: number[] = [];
  const layers: ModelLayer[] = chosen.layers.map((l, index) => {
    const blob = resolveMember(outer.entries, l.member);
    const label = `layer ${index + 1} (${l.digest ? short(l.digest) : displayPath(l.member)})`;
    if (!blob) throw new ImgsizeError('missing-blob', label, `blob ${l.digest ?? displayPath(l.member)} is not in the archive`);
    if (blob.size === 0) throw new ImgsizeError('corrupt', label, 'the layer blob is empty (0 bytes)');
    if (!blob.scan) {
      throw new ImgsizeError('corrupt', label, blob.scanError?.message ?? 'not a tar archive');
    }
    if (l.digest) verifyBlob(blob, l.digest, l.size, label, fail);
    const want = diffIds?.[index];
    let diffId = blob.scan.diffId ?? blob.digest;
    if (diffId === undefined) {
      // a big layer not hashed (--no-verify on a file or folder): its names stand in, unchecked
      unhashed.push(index + 1);
      diffId = want ?? l.digest ?? digestInName(l.member) ?? 'sha256:unknown';
    } else if (want !== undefined && want !== diffId) {
      fail('digest-mismatch', label, `diff_id mismatch: the config says ${want}, the layer's tar hashes to ${diffId}`);
    }
    const step = steps[index];
    return {
      index,
      digest: l.digest ?? blob.digest ?? diffId,
      diffId,
      mediaType: l.mediaType,
      compression: blob.scan.compression,
      compressedBytes: blob.size,
      uncompressedBytes: blob.scan.uncompressedBytes,
      createdBy: step?.createdBy ?? null,
      ...(step && step.empty.length > 0 ? { emptyLayerHistory: step.empty } : {}),
      scan: blob.scan,
    };
  });

  if (unhashed.length > 0) {
    warnings.push({
      code: 'not-verified',
      message: `layer${unhashed.length > 1 ? 's' : ''} ${unhashed.join(', ')} not hashed (--no-verify): digests and diff_ids are the manifest's and config's, unchecked`,
    });
  }
  const created = typeof config.created === 'string' ? config.created : null;
  return {
    source: { path: opts.sourcePath, format, outerCompression: outer.outerCompression },
    image: {
      platform: chosen.platform,
      repoTags: chosen.names,
      configDigest: chosen.configDigest ?? chosen.config.digest ?? 'sha256:unknown',
      manifestDigest: chosen.manifestDigest,
      created,
    },
    layers,
    warnings,
    notices,
  };
}

/**
 * An OCI layout tarred with its folder (`img/index.json`, `img/blobs/…`): read it from that folder,
 * when the archive's root has no index.json or manifest.json and exactly one top folder has.
 */
function rootedAtLayout(outer: OuterContents, notices: string[]): { outer: OuterContents; root: string } {
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

function verifyBlob(blob: BlobRecord, digest: string, size: number | undefined, label: string, fail: (code: 'digest-mismatch' | 'format', what: string, why: string) => void): void {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  const actual = algorithm === 'sha256' ? blob.digest : algorithm === 'sha512' ? blob.sha512 : undefined;
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    fail('format', label, `digest ${digest.length > 80 ? `${digest.slice(0, 79)}…` : digest} uses the algorithm "${algorithm}", which imgsize cannot verify (it verifies sha256 and sha512)`);
  } else if (actual !== undefined && actual !== digest) {
    fail('digest-mismatch', label, `digest mismatch: expected ${digest}, the blob hashes to ${actual}`);
  }
  if (size !== undefined && size !== blob.size) fail('digest-mismatch', label, `size mismatch: the descriptor says ${size} bytes, the blob has ${blob.size}`);
}

/** `sha256:<hex>` from a member named `blobs/sha256/<hex>`. */
function digestInName(member: string): string | undefined {
  const m = /(?:^|\/)blobs\/sha256\/([0-9a-f]{64})$/.exec(member);
  return m ? `sha256:${m[1]}` : undefined;
}

function mapHistory(history: Json[], layerCount: number): { createdBy: string | null; empty: string[] }[] {
  const out: { createdBy: string | null; empty: string[] }[] = [];
  let pending: string[] = [];
  for (const h of history) {
    const by = typeof h.created_by === 'string' ? h.created_by : typeof h.comment === 'string' ? h.comment : '';
    if (h.empty_layer === true) {
      pending.push(by);
      continue;
    }
    out.push({ createdBy: by || null, empty: pending });
    pending = [];
  }
  if (pending.length > 0 && out.length > 0 && out.length === layerCount) {
    out[out.length - 1] = { ...out[out.length - 1]!, empty: [...out[out.length - 1]!.empty, ...pending] };
  }
  return out.slice(0, layerCount);
}

interface Walk {
  /** Indexes on the path from the top (a loop comes back to one of them). */
  readonly visited: Set<string>;
  /** Indexes already walked, with what they held: each distinct index is read once. */
  readonly walked: Map<string, Candidate[]>;
  readonly fail: Fail;
}

function walkIndex(outer: OuterContents, index: Json, depth: number, walk: Walk, names: string[], absent: Absent[], warnings: Warning[]): Candidate[] {
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

function dockerCandidates(outer: OuterContents, manifestBlob: BlobRecord): Candidate[] {
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

/** Docker ≥ 25 and containerd exports name their images in manifest.json: borrow the tags. */
function addRepoTags(outer: OuterContents, manifestBlob: BlobRecord, candidates: Candidate[]): void {
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestBlob.json?.toString('utf8') ?? 'null');
  } catch {
    return;
  }
  if (!Array.isArray(manifest)) return;
  for (const raw of manifest) {
    if (!isObject(raw)) continue;
    const e = lowerKeys(raw);
    if (typeof e.config !== 'string' || !Array.isArray(e.repotags)) continue;
    const cfg = resolveMember(outer.entries, e.config);
    for (const c of candidates) {
      if (cfg && c.config === cfg) {
        for (const t of e.repotags) if (typeof t === 'string' && !c.names.includes(t)) c.names.unshift(t);
      }
    }
  }
}

function choose(candidates: Candidate[], absent: Absent[], opts: AssembleOptions, notices: string[]): Candidate {
  let pool = candidates;
  if (opts.image !== undefined) {
    pool = candidates.filter((c) => c.names.some((n) => nameMatches(n, opts.image!)));
    if (pool.length === 0) {
      const all = candidates.flatMap((c) => c.names);
      throw new ImgsizeError('platform', `--image ${opts.image}`, `no such image in the archive; it holds: ${all.length ? all.join(', ') : '(untagged images only)'}`);
    }
  }
  const want = opts.platform ?? DEFAULT_PLATFORM;
  const matches = pool.filter((c) => platformMatches(c.platform, want));
  if (matches.length > 0) {
    const chosen = matches[0]!;
    if (matches.length > 1 && opts.requireOne && opts.image === undefined) {
      const names = matches.map((c) => c.names[0] ?? c.manifestDigest ?? c.configMember);
      throw new ImgsizeError('usage', 'check', `the archive holds ${matches.length} ${want} images (${names.join(', ')}); a gate checks one image: choose it with --image`, {
        hint: `e.g. imgsize check ARCHIVE --image ${names[0]} …, once per image`,
      });
    }
    if (matches.length > 1) {
      notices.push(`the archive holds ${matches.length} ${want} images; using the first (${chosen.names[0] ?? chosen.manifestDigest ?? chosen.configMember}); choose another with --image`);
    }
    return chosen;
  }
  const missing = absent.find((a) => a.platform && platformMatches(a.platform, want));
  if (missing) {
    throw new ImgsizeError('missing-blob', want, `the ${want} image is listed in the index but its manifest ${short(missing.digest)} is not in the archive (partial export)`, {
      hint: `choose one that is present with --platform: ${unique(pool.map((c) => c.platform)).join(', ')}`,
    });
  }
  const platforms = unique(pool.map((c) => c.platform));
  if (opts.platform === undefined && pool.length === 1) {
    notices.push(`no ${want} image in the archive; using its only image, ${pool[0]!.platform}`);
    return pool[0]!;
  }
  throw new ImgsizeError('platform', `--platform ${want}`, `no ${want} image in the archive; it holds: ${platforms.join(', ')}`, {
    hint: 'choose one with --platform',
  });
}

export function platformMatches(have: string, want: string): boolean {
  const h = canonicalPlatform(have).split('/');
  const w = canonicalPlatform(want).split('/');
  if (h[0] !== w[0] || h[1] !== w[1]) return false;
  if (w.length < 3) return true;
  return h[2] === w[2];
}

function canonicalPlatform(p: string): string {
  const parts = p.toLowerCase().split('/');
  if (parts[1] === 'arm64' && parts[2] === 'v8') parts.length = 2;
  if (parts[1] === 'amd64' && parts[2] === 'v1') parts.length = 2;
  if (parts[1] === 'x86_64') parts[1] = 'amd64';
  if (parts[1] === 'aarch64') parts[1] = 'arm64';
  return parts.join('/');
}

/**
 * `app` matches `app:latest`, `docker.io/library/app:latest` and podman's `localhost/app:latest`;
 * a registry or namespace the user leaves out matches any.
 */
export function nameMatches(name: string, want: string): boolean {
  if (name === want) return true;
  const norm = (s: string): string => {
    let r = s.replace(/^(docker\.io|index\.docker\.io)\/(library\/)?/, '');
    if (!/:[^/]+$/.test(r) && !r.includes('@')) r += ':latest';
    return r;
  };
  const n = norm(name);
  const w = norm(want);
  return n === w || n.endsWith(`/${w}`);
}

/** os/arch[/variant] from an image config blob; null when absent or unreadable (reported when chosen). */
function configPlatform(config: BlobRecord | undefined): string | null {
  if (!config?.json) return null;
  try {
    const c: unknown = JSON.parse(config.json.toString('utf8'));
    return isObject(c) ? platformOf({ os: c.os, architecture: c.architecture, variant: c.variant }) : null;
  } catch {
    return null;
  }
}

function platformOf(p: unknown): string | null {
  if (!isObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') return null;
  return typeof p.variant === 'string' && p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

function parseJson(blob: BlobRecord, what: string): unknown {
  if (blob.jsonTooLarge) throw new ImgsizeError('limit', what, 'larger than 16 MiB: not image metadata');
  if (!blob.json) {
    throw new ImgsizeError('format', what, blob.size === 0 ? 'is empty (0 bytes), not JSON' : 'is not JSON');
  }
  try {
    return JSON.parse(blob.json.toString('utf8')) as unknown;
  } catch (e) {
    throw new ImgsizeError('format', what, `is not valid JSON (${(e as Error).message})`);
  }
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lowerKeys(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[k.toLowerCase()] = v;
  return out;
}

function getCaseInsensitive(o: Json, key: string): unknown {
  if (key in o) return o[key];
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === key) return v;
  return undefined;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function short(digest: string): string {
  const i = digest.indexOf(':');
  return i < 0 ? digest.slice(0, 12) : `${digest.slice(0, i + 1)}${digest.slice(i + 1, i + 13)}`;
}
