/**
 * What reading the outer archive yields, whichever reader read it (a stream, a file, a folder):
 * its members by normalised name, each regular one as a BlobRecord; and what the readers share.
 */
import { ImgsizeError } from '../base/errors.js';
import type { Compression } from '../layer/decoder.js';
import { dirname, joinPath, normalizePath } from '../base/paths.js';
import type { LayerScan, ScanOptions } from '../layer/types.js';
import type { LayerCache } from '../cache/store.js';

/** Metadata members larger than this are not kept (a 1 GB blob that starts with `{` is not JSON we need). */
export const MAX_JSON_BYTES = 16 << 20;
/** JSON-looking members kept in all, per archive: real archives hold a few MiB of metadata. */
export const MAX_JSON_TOTAL_BYTES = 64 << 20;

/** What is left of the archive's budget for kept JSON members. */
export interface JsonBudget {
  left: number;
}

export function jsonBudget(): JsonBudget {
  return { left: MAX_JSON_TOTAL_BYTES };
}

export interface BlobRecord {
  /** Normalised member name. */
  readonly name: string;
  /** Bytes of the member as stored. */
  readonly size: number;
  /**
   * `sha256:<hex>` of the member's bytes; undefined when they were not all read (a big uncompressed
   * layer read from a file with `verify: false`: its file contents are skipped, not read).
   */
  readonly digest: string | undefined;
  /** `sha512:<hex>` of the member's bytes, for members named `blobs/sha512/…` (descriptors may use sha512). */
  readonly sha512?: string;
  /** The member's bytes when it looked like JSON and was small enough. */
  readonly json?: Buffer;
  /** Looked like JSON but was larger than MAX_JSON_BYTES. */
  readonly jsonTooLarge?: boolean;
  /** The layer scan, when the member read as a (compressed) tar. */
  readonly scan?: LayerScan;
  /** Why the member did not read as a layer (the message only: most members are not layers, and an Error keeps its stack). */
  readonly scanError?: { readonly message: string };
}

export type OuterEntry =
  | { readonly kind: 'file'; readonly blob: BlobRecord }
  | { readonly kind: 'symlink'; readonly target: string }
  | { readonly kind: 'hardlink'; readonly target: string }
  | { readonly kind: 'dir' };

export interface OuterContents {
  readonly entries: ReadonlyMap<string, OuterEntry>;
  readonly outerCompression: Compression;
  readonly isDirectory: boolean;
  /** Bytes read from the input (compressed, for a gzipped archive; not what was jumped over). */
  readonly inputBytes: number;
}

export interface ReadOptions {
  readonly scan?: ScanOptions;
  /**
   * False: when reading from a file or folder, big layers are not hashed (digests are then not
   * checked): a plain one's file contents are skipped instead of read, a compressed one is only
   * inflated and parsed. Default true.
   */
  readonly verify?: boolean;
  /** Called with the count of input bytes read so far (for progress). */
  readonly onProgress?: (bytesRead: number) => void;
  /**
   * Layer scans kept by blob digest (cache/): a member named by its digest whose scan is cached is
   * hashed only, not inflated and parsed (not even read, with verify false, from a file or folder);
   * a layer scanned and verified is kept.
   */
  readonly cache?: LayerCache;
  /**
   * Called where the reader knows what is left (random access, a registry): the big blobs (the
   * layers) it will read, how many are done, and the input bytes the whole read handles.
   */
  readonly onPhase?: (phase: ReadPhase) => void;
  /**
   * Checks still running when the read returns: a cached layer's hash, on a hashing worker. Given,
   * the reader adds them here and returns without them (the front door, source/read.ts, lets the
   * analysis run beside them and lets nothing built from the read leave before they all pass);
   * not given, the reader waits for each.
   */
  readonly pending?: Promise<void>[];
}

export interface ReadPhase {
  readonly done: number;
  readonly of: number;
  /** Input bytes the read handles in all (read or jumped over). */
  readonly bytes: number;
}

/** The error for a file that cannot be opened or read. */
export function cannotRead(what: string, e: unknown): ImgsizeError {
  return new ImgsizeError('input', what, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
}

export function concatenated(): ImgsizeError {
  return new ImgsizeError('corrupt', 'archive', 'data after the end of the tar archive (two archives concatenated?)', {
    hint: 'pass one image archive at a time',
  });
}

/** Follows symlinks (relative to the link's folder) and hardlinks to a regular member. */
export function resolveMember(entries: ReadonlyMap<string, OuterEntry>, name: string): BlobRecord | undefined {
  let cur = normalizePath(name);
  for (let hops = 0; hops < 16; hops++) {
    const e = entries.get(cur);
    if (!e) return undefined;
    if (e.kind === 'file') return e.blob;
    if (e.kind === 'dir') return undefined;
    cur = e.kind === 'symlink' ? normalizePath(e.target.startsWith('/') ? e.target : joinPath(dirname(cur), e.target)) : e.target;
  }
  return undefined;
}
