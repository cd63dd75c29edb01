/**
 * One layer's scan as a cache entry: the LayerScan (layer/types.ts) in a compact JSON form, and
 * back, checked like any input — bounded, every field's type and range, the columns of one length.
 * An entry is written only from a scan of bytes whose digest was verified; reading it back changes
 * no verified digest (the caller still hashes what it reads, or says it did not).
 */
import { createHash } from 'node:crypto';
import { ImgsizeError } from '../base/errors.js';
import type { EntryKind, LayerEntry, LayerScan } from '../layer/types.js';

/** Bumped whenever what a scan holds, or how it is written here, changes: older entries are not read. */
export const ENTRY_FORMAT = 1;
/** An entry larger than this is not read (the largest real layers index ~300,000 files: ~30 MB). */
export const MAX_ENTRY_BYTES = 256 << 20;

const KIND_CODES: Record<EntryKind, string> = { file: 'f', symlink: 'l', hardlink: 'h', dir: 'd', other: 'o' };
const CODE_KINDS: Record<string, EntryKind> = { f: 'file', l: 'symlink', h: 'hardlink', d: 'dir', o: 'other' };

/** What an entry holds, as JSON. Paths and targets are the scan's own strings (raw bytes as latin1). */
interface EntryJson {
  readonly format: number;
  /** The cache key it was written under: a copy elsewhere is refused. */
  readonly key: string;
  /** The blob the scan is of. */
  readonly blob: string;
  readonly compression: LayerScan['compression'];
  readonly uncompressedBytes: number;
  readonly diffId: string | null;
  readonly entries: number;
  readonly contentBytes: number;
  readonly whiteouts: number;
  readonly paths: string[];
  /** One letter per path (KIND_CODES). */
  readonly kinds: string;
  readonly sizes: number[];
  /** [index, target] for symlinks and hardlinks. */
  readonly targets: [number, string][];
  readonly opaqueDirs: string[];
  readonly deletions: string[];
  /** [path, base64 of its bytes]. */
  readonly captured: [string, string][];
  readonly oversize: [string, number][];
  readonly pushSize: LayerScan['pushSize'] | null;
}

/** The entry's text: the sha256 of its JSON, a newline, the JSON. */
export function encodeEntry(key: string, blob: string, s: LayerScan): Buffer {
  const targets: [number, string][] = [];
  s.files.forEach((f, i) => {
    if (f.target !== undefined) targets.push([i, f.target]);
  });
  const json: EntryJson = {
    format: ENTRY_FORMAT,
    key,
    blob,
    compression: s.compression,
    uncompressedBytes: s.uncompressedBytes,
    diffId: s.diffId ?? null,
    entries: s.entries,
    contentBytes: s.contentBytes,
    whiteouts: s.whiteouts,
    paths: s.files.map((f) => f.path),
    kinds: s.files.map((f) => KIND_CODES[f.kind]).join(''),
    sizes: s.files.map((f) => f.size),
    targets,
    opaqueDirs: [...s.opaqueDirs],
    deletions: [...s.deletions],
    captured: [...s.captured].map(([p, b]) => [p, b.toString('base64')]),
    oversize: [...(s.oversize ?? new Map())],
    pushSize: s.pushSize ?? null,
  };
  const body = Buffer.from(JSON.stringify(json));
  return Buffer.concat([Buffer.from(`${createHash('sha256').update(body).digest('hex')}\n`), body]);
}

const bad = (why: string): ImgsizeError => new ImgsizeError('corrupt', 'layer cache', `a cache entry is damaged (${why})`);

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The scan an entry holds, for `key` and `blob`; throws on anything that is not an entry written so. */
export function decodeEntry(text: Buffer, key: string, blob: string): LayerScan {
  if (text.length > MAX_ENTRY_BYTES) throw bad('too large');
  const nl = text.indexOf(0x0a);
  if (nl !== 64) throw bad('no digest line');
  const body = text.subarray(65);
  if (createHash('sha256').update(body).digest('hex') !== text.toString('latin1', 0, 64)) throw bad('its digest does not match');
  let j: EntryJson;
  try {
    j = JSON.parse(body.toString('utf8')) as EntryJson;
  } catch {
    throw bad('not JSON');
  }
  if (typeof j !== 'object' || j === null) throw bad('not an object');
  if (j.format !== ENTRY_FORMAT) throw bad(`format ${String(j.format)}`);
  if (j.key !== key || j.blob !== blob) throw bad('written for another layer');
  if (j.compression !== 'gzip' && j.compression !== 'zstd' && j.compression !== 'none') throw bad('compression');
  if (!isCount(j.uncompressedBytes) || !isCount(j.entries) || !isCount(j.contentBytes) || !isCount(j.whiteouts)) throw bad('counts');
  if (j.diffId !== null && (typeof j.diffId !== 'string' || !DIGEST.test(j.diffId))) throw bad('diff_id');
  if (!isStrings(j.paths) || typeof j.kinds !== 'string' || !Array.isArray(j.sizes) || !Array.isArray(j.targets)) throw bad('files');
  const n = j.paths.length;
  if (j.kinds.length !== n || j.sizes.length !== n || n > j.entries) throw bad('file columns');
  if (!isStrings(j.opaqueDirs) || !isStrings(j.deletions) || !Array.isArray(j.captured) || !Array.isArray(j.oversize)) throw bad('lists');
  const targets = new Map<number, string>();
  for (const t of j.targets) {
    if (!Array.isArray(t) || !isCount(t[0]) || t[0] >= n || typeof t[1] !== 'string') throw bad('targets');
    targets.set(t[0], t[1]);
  }
  let content = 0;
  const files: LayerEntry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = CODE_KINDS[j.kinds[i]!];
    const size = j.sizes[i];
    if (!kind || !isCount(size)) throw bad('a file');
    const target = targets.get(i);
    if ((kind === 'symlink' || kind === 'hardlink') !== (target !== undefined)) throw bad('a link');
    content += size;
    files[i] = target === undefined ? { path: j.paths[i]!, kind, size } : { path: j.paths[i]!, kind, size, target };
  }
  if (content !== j.contentBytes) throw bad('sizes do not add up');
  const captured = new Map<string, Buffer>();
  for (const c of j.captured) {
    if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'string') throw bad('captured');
    captured.set(c[0], Buffer.from(c[1], 'base64'));
  }
  const oversize = new Map<string, number>();
  for (const o of j.oversize) {
    if (!Array.isArray(o) || typeof o[0] !== 'string' || !isCount(o[1])) throw bad('oversize');
    oversize.set(o[0], o[1]);
  }
  const p = j.pushSize;
  if (p !== null && (typeof p !== 'object' || !isCount(p.bytes) || !isCount(p.sampledBytes) || !['exact', 'sampled', 'whole'].includes(p.method) || !['gzip -6', 'zlib level 6'].includes(p.by))) {
    throw bad('push size');
  }
  return {
    compression: j.compression,
    uncompressedBytes: j.uncompressedBytes,
    diffId: j.diffId ?? undefined,
    entries: j.entries,
    contentBytes: j.contentBytes,
    whiteouts: j.whiteouts,
    files,
    opaqueDirs: j.opaqueDirs,
    deletions: j.deletions,
    captured,
    oversize,
    ...(p ? { pushSize: { bytes: p.bytes, method: p.method, sampledBytes: p.sampledBytes, by: p.by } } : {}),
  };
}
