/**
 * The layer cache: each layer scanned once, ever. An entry per layer, keyed by the layer blob's
 * digest, imgsize's version and the options that change a scan (entry.ts holds the form); a local
 * folder — the platform's cache folder by default, `--cache DIR`, `--no-cache` — size-capped, oldest
 * used evicted first, safe when runs share it (written to a temporary name, then renamed: a reader
 * sees a whole entry or none). A damaged entry is removed and the layer read again.
 *
 * What the folder is trusted with: a hit stands for the scan of the blob of that digest. From an
 * archive the blob's bytes are still hashed (only the inflating and parsing are saved; --no-verify
 * skips them), from a registry a cached layer's blob is not downloaded. Whoever can write the folder
 * can change what imgsize reports about a cached layer, never a digest it says it verified.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VERSION } from '../base/version.js';
import type { LayerScan } from '../layer/types.js';
import { decodeEntry, ENTRY_FORMAT, encodeEntry, MAX_ENTRY_BYTES } from './entry.js';

/** The cache's size past which the entries used longest ago are removed. */
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;

/** What a reader asks of a layer cache. */
export interface LayerCache {
  /** The scan of the blob with this digest, if it is cached. */
  get(blob: string): LayerScan | undefined;
  /** Whether an entry for the blob is there, without reading it (`get` may still find it damaged). */
  has(blob: string): boolean;
  /** Keeps the scan of a blob whose bytes hashed to `blob`. */
  put(blob: string, scan: LayerScan): void;
  /** Lookups answered so far. */
  readonly hits: number;
  /** Before reading: the entries of these blobs fetched from a remote store into the local one (a store that has one). */
  prefetch?(blobs: readonly string[]): Promise<void>;
}

/** What changes a scan, besides the layer's bytes. */
export interface ScanIdentity {
  readonly pushSize: string;
}

/** The platform's folder for caches (XDG on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows), from the run's environment; undefined without a home. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return env.LOCALAPPDATA ? path.join(env.LOCALAPPDATA, 'imgsize', 'cache') : undefined;
  if (platform === 'darwin') return env.HOME ? path.join(env.HOME, 'Library', 'Caches', 'imgsize') : undefined;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'imgsize');
  return env.HOME ? path.join(env.HOME, '.cache', 'imgsize') : undefined;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** A layer cache in a folder. Counts what it did, for the run's notice. */
export class FolderCache implements LayerCache {
  /** The folder given; entries live in a subfolder per entry format. */
  readonly root: string;
  readonly dir: string;
  hits = 0;
  misses = 0;
  stored = 0;
  /** Entries found damaged (removed). */
  damaged = 0;
  private readonly salt: string;
  private writable = true;

  constructor(
    dir: string,
    identity: ScanIdentity,
    private readonly maxBytes = DEFAULT_CACHE_MAX_BYTES,
  ) {
    this.root = dir;
    this.dir = path.join(dir, `layers-v${ENTRY_FORMAT}`);
    this.salt = JSON.stringify({ imgsize: VERSION, format: ENTRY_FORMAT, ...identity });
  }

  /** The key an entry of this blob is kept under (a remote store names it so too). */
  keyOf(blob: string): string {
    return createHash('sha256').update(this.salt).update('\n').update(blob).digest('hex');
  }

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), key);
  }

  /** The entry of a blob as kept: its bytes and its scan, checked; `damaged` when a file is there and does not check. */
  private load(blob: string): { file: string; text: Buffer; scan: LayerScan } | 'missing' | { damaged: string } {
    const key = this.keyOf(blob);
    const file = this.fileOf(key);
    let text: Buffer;
    try {
      if (statSync(file).size > MAX_ENTRY_BYTES) return { damaged: file };
      text = readFileSync(file);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : { damaged: file };
    }
    try {
      return { file, text, scan: decodeEntry(text, key, blob) };
    } catch {
      return { damaged: file };
    }
  }

  get(blob: string): LayerScan | undefined {
    if (!DIGEST.test(blob)) return undefined;
    const got = this.load(blob);
    if (got === 'missing' || 'damaged' in got) {
      if (got !== 'missing') this.drop(got.damaged);
      this.misses++;
      return undefined;
    }
    this.hits++;
    const now = new Date();
    try {
      utimesSync(got.file, now, now); // used now: evicted last
    } catch {
      /* read-only cache: fine */
    }
    return got.scan;
  }

  put(blob: string, scan: LayerScan): void {
    if (!this.writable || !DIGEST.test(blob)) return;
    const key = this.keyOf(blob);
    let text: Buffer;
    try {
      text = encodeEntry(key, blob, scan);
    } catch {
      return; // a scan too large for one JSON string: not kept
    }
    if (text.length > MAX_ENTRY_BYTES) return;
    // a cache that cannot be written (read-only, full disk) costs nothing but its hits
    if (!this.store(key, text)) this.writable = false;
  }

  /** An entry's bytes as kept (checked first), to copy to a remote store; undefined when not kept. */
  readRaw(blob: string): Buffer | undefined {
    if (!DIGEST.test(blob)) return undefined;
    const got = this.load(blob);
    return got === 'missing' || 'damaged' in got ? undefined : got.text;
  }

  /** Keeps an entry got elsewhere (a remote store), once it checks as an entry of this blob under this key; says whether it did. */
  writeRaw(blob: string, text: Buffer): boolean {
    if (!this.writable || !DIGEST.test(blob) || text.length > MAX_ENTRY_BYTES) return false;
    const key = this.keyOf(blob);
    try {
      decodeEntry(text, key, blob);
    } catch {
      this.damaged++;
      return false;
    }
    return this.store(key, text);
  }

  /** Writes an entry whole or not at all: to a temporary name beside it, then renamed (runs may share the folder). */
  private store(key: string, text: Buffer): boolean {
    const file = this.fileOf(key);
    const tmp = path.join(path.dirname(file), `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, file);
      this.stored++;
      return true;
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        /* not written */
      }
      return false;
    }
  }

  /** Whether an entry of this blob is kept (not checked: get() checks). */
  has(blob: string): boolean {
    if (!DIGEST.test(blob)) return false;
    try {
      statSync(this.fileOf(this.keyOf(blob)));
      return true;
    } catch {
      return false;
    }
  }

  private drop(file: string): void {
    this.damaged++;
    try {
      unlinkSync(file);
    } catch {
      /* gone, or not ours to remove */
    }
  }

  /** Removes the entries used longest ago while the cache holds more than its cap. */
  evict(): void {
    if (this.stored === 0) return;
    const all: { file: string; size: number; used: number }[] = [];
    let total = 0;
    let shards: string[];
    try {
      shards = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const shard of shards) {
      let names: string[];
      try {
        names = readdirSync(path.join(this.dir, shard));
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(this.dir, shard, name);
        try {
          const st = statSync(file);
          // another run's temporary file, if it is an hour old: left behind by a run that died
          if (name.endsWith('.tmp') && Date.now() - st.mtimeMs < 3600_000) continue;
          all.push({ file, size: st.size, used: st.mtimeMs });
          total += st.size;
        } catch {
          /* removed meanwhile */
        }
      }
    }
    if (total <= this.maxBytes) return;
    all.sort((a, b) => a.used - b.used);
    for (const e of all) {
      if (total <= this.maxBytes) break;
      try {
        unlinkSync(e.file);
        total -= e.size;
      } catch {
        /* removed meanwhile */
      }
    }
  }
}
