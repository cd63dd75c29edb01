/**
 * The sink every regular member of the outer archive goes through, whichever reader feeds it: it
 * hashes the bytes (sha256, and sha512 for blobs/sha512/ members), keeps small JSON-looking members
 * within the archive's budget, and hands everything to the layer scanner speculatively (it gives
 * up at once on what is not a tar; the manifests that say which members are layers usually come
 * after the layers). It takes part in the skip protocol (tar/reader.ts, "Skipping").
 *
 * A chunk written is the caller's again once `write` returns (or the promise it returns settles):
 * what is kept past that is copied (the JSON, the hash ring's queue, a decoder's batch), so a
 * reader may read into one buffer again and again — unless the caller gives its chunks away
 * (`ownChunks`: a download's chunks are new each time, and a decoder keeps them as they are).
 */
import { createHash, type Hash } from 'node:crypto';
import { ImgsizeError } from '../base/errors.js';
import { StreamHash } from '../layer/hasher.js';
import { normalizePath } from '../base/paths.js';
import { LayerScanner } from '../layer/scan.js';
import { sniffCompression } from '../layer/decompress.js';
import type { LayerScan, ScanOptions } from '../layer/types.js';
import type { EntrySink, TarEntry } from '../tar/reader.js';
import type { LayerCache } from '../cache/store.js';
import { digestInName } from './metadata.js';
import { MAX_JSON_BYTES, MAX_JSON_TOTAL_BYTES, type BlobRecord, type JsonBudget, type OuterEntry } from './contents.js';

/** Layers smaller than this are hashed even under --no-verify: it costs next to nothing. */
const SKIP_HASH_BYTES = 16 << 20;

/** What a blob sink may know of its blob beyond its name. */
export interface BlobOptions {
  /** Its size, when known before its bytes (a tar header, a descriptor). */
  readonly size?: number;
  /** Not verified (--no-verify): a big layer may go unhashed, and a plain one's contents unread. */
  readonly skipContents?: boolean;
  /** Scans of layers seen before, by blob digest. */
  readonly cache?: LayerCache | undefined;
  /**
   * Where the blob lies in a file: its sha256 from a hashing worker that reads the file itself.
   * Used for a plain (uncompressed, not JSON) blob: this thread then needs only its tar headers
   * and jumps over file contents, and no byte is copied to the hashing worker.
   */
  readonly rangeHash?: (() => Promise<string>) | undefined;
  /** The writer never writes into a chunk again (a download's): the layer's decoder may keep it as it is. */
  readonly ownChunks?: boolean;
}

export class BlobSink implements EntrySink {
  private hash: StreamHash | undefined = new StreamHash();
  /** sha512 as well, for a member stored under blobs/sha512/ (rare: hashed on this thread). */
  private readonly sha512: Hash | undefined;
  /** May drop the hash once the blob shows it is a layer, not JSON (see ReadOptions.verify). */
  private mayDropHash: boolean;
  private size = 0;
  private decided = false;
  private jsonParts: Buffer[] | undefined;
  private jsonBytes = 0;
  private jsonTooLarge = false;
  /** Undefined when the scan is cached: the blob is only hashed. */
  private readonly scanner: LayerScanner | undefined;
  /** The digest the member's name says (`blobs/sha256/<hex>`), and the cached scan of that blob. */
  private readonly named: string | undefined;
  private readonly cached: LayerScan | undefined;
  /** The blob's sha256 from a hashing worker that reads its bytes itself (see `rangeHash`). */
  private hashed: Promise<string> | undefined;
  private readonly cache: LayerCache | undefined;
  private readonly rangeHash: (() => Promise<string>) | undefined;

  constructor(
    private readonly name: string,
    scanOpts: ScanOptions | undefined,
    private readonly done: (b: BlobRecord) => void,
    private readonly budget: JsonBudget,
    { size, skipContents = false, cache, rangeHash, ownChunks = false }: BlobOptions = {},
  ) {
    this.cache = cache;
    this.rangeHash = rangeHash;
    this.named = digestInName(name);
    this.cached = cache && this.named ? cache.get(this.named) : undefined;
    this.mayDropHash = !this.cached && skipContents && size !== undefined && size >= SKIP_HASH_BYTES;
    if (isSha512Member(name)) {
      this.sha512 = createHash('sha512');
      this.mayDropHash = false;
    }
    this.scanner = this.cached ? undefined : new LayerScanner(scanOpts, { ...(size === undefined ? {} : { size, unhashed: this.mayDropHash }), ...(ownChunks ? { ownChunks } : {}) });
  }

  write(chunk: Buffer): void | Promise<void> {
    if (!this.decided) {
      this.decided = true;
      if (looksLikeJson(chunk)) this.jsonParts = [];
      else if (this.rangeHash && this.size === 0 && !this.sha512 && this.scanner && sniffCompression(chunk) === 'none') {
        this.hashed = this.rangeHash();
        this.hashed.catch(() => undefined); // awaited by end(): a failure before then is not unhandled
        this.hash = undefined;
        this.mayDropHash = false;
      }
    }
    const hashWait = this.hash?.update(chunk);
    this.sha512?.update(chunk);
    this.size += chunk.length;
    if (this.jsonParts) {
      if (this.jsonBytes + chunk.length > MAX_JSON_BYTES) {
        this.jsonParts = undefined;
        this.jsonTooLarge = true;
      } else {
        if (this.budget.left < chunk.length) {
          throw new ImgsizeError('limit', 'archive', `more than ${MAX_JSON_TOTAL_BYTES >> 20} MiB of JSON-looking members: not what an image archive holds`);
        }
        this.budget.left -= chunk.length;
        this.jsonParts.push(Buffer.from(chunk));
        this.jsonBytes += chunk.length;
      }
    }
    const scanWait = this.scanner?.write(chunk);
    if (this.mayDropHash && this.size >= 4) {
      this.mayDropHash = false;
      if (!this.jsonParts) this.hash = undefined;
    }
    if (hashWait && scanWait) return Promise.all([hashWait, scanWait]).then(() => undefined);
    return hashWait ?? scanWait;
  }

  /** True for a plain layer that is not hashed: its file contents need not be read. */
  get skipping(): boolean {
    return this.hash === undefined && this.jsonParts === undefined && this.scanner?.uncompressed === true;
  }

  /** Bytes ahead that nobody needs: only file contents of a plain layer that is not hashed. */
  get skippable(): number {
    return this.skipping ? this.scanner!.skippable : 0;
  }

  /** Accounts for `n` (≤ `skippable`) bytes as read, without their bytes. */
  skip(n: number): void {
    this.size += n;
    this.scanner!.skip(n);
  }

  async end(): Promise<void> {
    let scan: LayerScan | undefined;
    let scanError: { message: string } | undefined;
    const digest = this.hash ? await this.hash.digest() : await this.hashed;
    if (this.cached) {
      // the cached scan stands only for the bytes that hash to the name
      if (digest === this.named) scan = this.cached;
      else scanError = { message: 'its bytes do not hash to the digest in its name' };
    } else {
      try {
        scan = await this.scanner!.finish();
      } catch (e) {
        scanError = { message: (e as Error).message };
      }
      if (scan && this.cache && this.named && digest === this.named) this.cache.put(this.named, scan);
    }
    this.done({
      name: this.name,
      size: this.size,
      digest,
      ...(this.sha512 ? { sha512: `sha512:${this.sha512.digest('hex')}` } : {}),
      ...(this.jsonParts ? { json: Buffer.concat(this.jsonParts) } : {}),
      ...(this.jsonTooLarge ? { jsonTooLarge: true } : {}),
      ...(scan ? { scan: withDiffId(scan, digest) } : {}),
      ...(scanError ? { scanError } : {}),
    });
  }
}

/** A plain layer's diffID is its blob's digest: the scan leaves it to whoever hashed the blob. */
export function withDiffId(scan: LayerScan, digest: string | undefined): LayerScan {
  return scan.diffId ? scan : { ...scan, diffId: digest };
}

/**
 * The digest in member `name` when its scan is cached, so its bytes need only be hashed — undefined
 * when the member must be read through a sink anyway: its name carries no sha256 digest, it is a
 * sha512 member, or nothing is cached for it.
 */
export function cachedName(name: string, cache: LayerCache | undefined): string | undefined {
  const named = cache && !isSha512Member(name) ? digestInName(name) : undefined;
  return named && cache!.has(named) ? named : undefined;
}

/** First non-whitespace byte `{` or `[`, or the literal `null`. */
export function looksLikeJson(chunk: Buffer): boolean {
  let i = 0;
  while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0x09)) i++;
  if (i >= chunk.length) return chunk.length > 0;
  const c = chunk[i];
  if (c === 0x7b || c === 0x5b) return true;
  return chunk.toString('latin1', i, i + 4) === 'null';
}

/** A member stored under its sha512 name: hashed with sha512 too (descriptors may name it so). */
function isSha512Member(name: string): boolean {
  return /(^|\/)blobs\/sha512\/[0-9a-f]{128}$/.test(name);
}

const EMPTY_SHA256 = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY_SCAN_ERROR = { message: 'empty blob (0 bytes) is not a layer' };

/** A sink for member `name` that records its blob in `entries` when it ends. */
export function memberSink(entries: Map<string, OuterEntry>, json: JsonBudget, name: string, scan: ScanOptions | undefined, opts: BlobOptions = {}): BlobSink {
  return new BlobSink(name, scan, (blob) => entries.set(name, { kind: 'file', blob }), json, opts);
}

/**
 * The sink for a member of the outer tar: an empty one needs no hash and no scanner, its record is
 * known (a few bytes, not the kilobytes of a hash and a scanner each).
 */
export function tarMemberSink(entries: Map<string, OuterEntry>, json: JsonBudget, name: string, scan: ScanOptions | undefined, size: number, cache?: LayerCache): EntrySink {
  if (size === 0 && !isSha512Member(name)) {
    return { write: () => undefined, end: () => void entries.set(name, { kind: 'file', blob: { name, size: 0, digest: EMPTY_SHA256, scanError: EMPTY_SCAN_ERROR } }) };
  }
  return memberSink(entries, json, name, scan, { size, cache });
}

/** Records a member that carries no blob: a link or a folder (other types are not needed). */
export function recordNonFile(entries: Map<string, OuterEntry>, name: string, e: TarEntry): void {
  if (e.type === 'symlink') entries.set(name, { kind: 'symlink', target: e.linkname });
  else if (e.type === 'hardlink') entries.set(name, { kind: 'hardlink', target: normalizePath(e.linkname) });
  else if (e.type === 'dir') entries.set(name, { kind: 'dir' });
}
