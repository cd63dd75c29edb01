/**
 * Reads the OUTER archive (a docker save / OCI tar, gzipped or not, or an OCI layout folder)
 * in one pass. Every regular member is hashed and counted, small JSON-looking members are kept,
 * and every member is handed to the layer scanner speculatively (it gives up at once on what is
 * not a tar), since the manifests that say which members are layers usually arrive after the
 * layers themselves. Nothing is written to disk.
 */
import { createHash, type Hash } from 'node:crypto';
import { StreamHash } from '../layer/hasher.js';
import { readSync } from 'node:fs';
import { lstat, open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ImgsizeError } from '../errors.js';
import { TarReader, type EntrySink, type TarEntry } from '../tar/reader.js';
import { checkInflation, LayerScanner, type LayerScan, type ScanOptions } from '../layer/scan.js';
import { createDecoder, sniffCompression, type Compression } from '../layer/decompress.js';
import { normalizePath, dirname, joinPath } from '../layer/paths.js';

/** Zeros read after the outer archive's end marker before the rest of the input is ignored. */
const MAX_ZERO_TAIL = 1 << 20;

/** Metadata members larger than this are not kept (a 1 GB blob that starts with `{` is not JSON we need). */
export const MAX_JSON_BYTES = 16 << 20;
/** JSON-looking members kept in all, per archive: real archives hold a few MiB of metadata. */
export const MAX_JSON_TOTAL_BYTES = 64 << 20;

/** What is left of the archive's budget for kept JSON members. */
export interface JsonBudget {
  left: number;
}

function jsonBudget(): JsonBudget {
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
}

/** Layers smaller than this are hashed even under --no-verify: it costs next to nothing. */
const SKIP_HASH_BYTES = 16 << 20;

class BlobSink implements EntrySink {
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
  private readonly scanner: LayerScanner;

  constructor(
    private readonly name: string,
    scanOpts: ScanOptions | undefined,
    private readonly done: (b: BlobRecord) => void,
    private readonly budget: JsonBudget,
    size?: number,
    skipContents = false,
  ) {
    this.mayDropHash = skipContents && size !== undefined && size >= SKIP_HASH_BYTES;
    if (isSha512Member(name)) {
      this.sha512 = createHash('sha512');
      this.mayDropHash = false;
    }
    this.scanner = new LayerScanner(scanOpts, size === undefined ? {} : { size, unhashed: this.mayDropHash });
  }

  write(chunk: Buffer): void | Promise<void> {
    const hashWait = this.hash?.update(chunk);
    this.sha512?.update(chunk);
    this.size += chunk.length;
    if (!this.decided) {
      this.decided = true;
      if (looksLikeJson(chunk)) this.jsonParts = [];
    }
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
    const scanWait = this.scanner.write(chunk);
    if (this.mayDropHash && this.size >= 4) {
      this.mayDropHash = false;
      if (!this.jsonParts) this.hash = undefined;
    }
    if (hashWait && scanWait) return Promise.all([hashWait, scanWait]).then(() => undefined);
    return hashWait ?? scanWait;
  }

  /** True for a plain layer that is not hashed: its file contents need not be read. */
  get skipping(): boolean {
    return this.hash === undefined && this.jsonParts === undefined && this.scanner.uncompressed;
  }

  /** Bytes ahead that nobody needs: only file contents of a plain layer that is not hashed. */
  get skippable(): number {
    return this.skipping ? this.scanner.skippable : 0;
  }

  /** Accounts for `n` (≤ `skippable`) bytes as read, without their bytes. */
  skip(n: number): void {
    this.size += n;
    this.scanner.skip(n);
  }

  async end(): Promise<void> {
    let scan: LayerScan | undefined;
    let scanError: { message: string } | undefined;
    try {
      scan = await this.scanner.finish();
    } catch (e) {
      scanError = { message: (e as Error).message };
    }
    const digest = this.hash ? await this.hash.digest() : undefined;
    this.done({
      name: this.name,
      size: this.size,
      digest,
      ...(this.sha512 ? { sha512: `sha512:${this.sha512.digest('hex')}` } : {}),
      ...(this.jsonParts ? { json: Buffer.concat(this.jsonParts) } : {}),
      ...(this.jsonTooLarge ? { jsonTooLarge: true } : {}),
      ...(scan ? { scan: scan.diffId ? scan : { ...scan, diffId: digest } } : {}),
      ...(scanError ? { scanError } : {}),
    });
  }
}

/** First non-whitespace byte `{` or `[`, or the literal `null`. */
function looksLikeJson(chunk: Buffer): boolean {
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
function memberSink(entries: Map<string, OuterEntry>, json: JsonBudget, name: string, scan: ScanOptions | undefined, size?: number, skipContents = false): BlobSink {
  return new BlobSink(name, scan, (blob) => entries.set(name, { kind: 'file', blob }), json, size, skipContents);
}

/**
 * The sink for a member of the outer tar: an empty one needs no hash and no scanner, its record is
 * known (a few bytes, not the kilobytes of a hash and a scanner each).
 */
function tarMemberSink(entries: Map<string, OuterEntry>, json: JsonBudget, name: string, scan: ScanOptions | undefined, size: number): EntrySink {
  if (size === 0 && !isSha512Member(name)) {
    return { write: () => undefined, end: () => void entries.set(name, { kind: 'file', blob: { name, size: 0, digest: EMPTY_SHA256, scanError: EMPTY_SCAN_ERROR } }) };
  }
  return memberSink(entries, json, name, scan, size);
}

/** Records a member that carries no blob: a link or a folder (other types are not needed). */
function recordNonFile(entries: Map<string, OuterEntry>, name: string, e: TarEntry): void {
  if (e.type === 'symlink') entries.set(name, { kind: 'symlink', target: e.linkname });
  else if (e.type === 'hardlink') entries.set(name, { kind: 'hardlink', target: normalizePath(e.linkname) });
  else if (e.type === 'dir') entries.set(name, { kind: 'dir' });
}

/** Past the end marker only zero padding belongs to the archive: after MAX_ZERO_TAIL of it, stop reading. */
function pastZeroTail(tar: TarReader): boolean {
  return tar.ended && !tar.trailingData && tar.position - tar.endOffset > MAX_ZERO_TAIL;
}

/** The error for a file that cannot be opened or read. */
export function cannotRead(what: string, e: unknown): ImgsizeError {
  return new ImgsizeError('input', what, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
}

async function openForReading(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (e) {
    throw cannotRead(file, e);
  }
}

/** Reads an outer tar archive (plain, gzip or zstd) from a stream of chunks. */
export async function readOuterStream(input: AsyncIterable<Buffer>, opts: ReadOptions = {}): Promise<OuterContents> {
  const entries = new Map<string, OuterEntry>();
  const json = jsonBudget();
  const tar = new TarReader({
    entry: (e: TarEntry) => {
      const name = normalizePath(e.name);
      if (e.type === 'file') return tarMemberSink(entries, json, name, opts.scan, e.dataBytes);
      recordNonFile(entries, name, e);
      return undefined;
    },
  });

  let outerCompression: Compression | undefined;
  let decoder: ReturnType<typeof createDecoder> | undefined;
  let inputBytes = 0;
  const head: Buffer[] = [];
  let headBytes = 0;

  const push = async (chunk: Buffer): Promise<void> => {
    if (decoder) {
      const r = decoder.write(chunk);
      if (r) await r;
    } else {
      const r = tar.write(chunk);
      if (r) await r;
    }
  };

  const startWith = async (first: Buffer): Promise<void> => {
    outerCompression = sniffCompression(first);
    if (outerCompression !== 'none') {
      // the decoder pauses while the tar reader waits on a member's sink (backpressure); the same
      // bomb rule as for layers: past 1 GiB, more than maxRatio:1 overall is refused
      const subject = `the ${outerCompression} archive`;
      let outBytes = 0;
      decoder = createDecoder(
        outerCompression,
        (out) => {
          outBytes += out.length;
          checkInflation(outBytes, inputBytes, opts.scan, 'archive', subject);
          return tar.write(out);
        },
        opts.scan?.decoder ? { choice: opts.scan.decoder } : {},
      );
    }
    await push(first);
  };

  for await (const raw of input) {
    // a little of the zero tail is checked (two archives concatenated are refused below),
    // an endless tail is not read
    if (pastZeroTail(tar)) break;
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
    inputBytes += chunk.length;
    opts.onProgress?.(inputBytes);
    if (outerCompression === undefined) {
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < 4) continue;
      await startWith(Buffer.concat(head));
      continue;
    }
    await push(chunk);
  }
  if (outerCompression === undefined) {
    if (headBytes === 0) throw new ImgsizeError('input', 'input', 'empty input (0 bytes): not an image archive');
    await startWith(Buffer.concat(head));
  }
  const stoppedEarly = pastZeroTail(tar);
  if (decoder && !stoppedEarly) {
    await decoder.end();
  }
  tar.end();
  if (tar.trailingData) throw concatenated();
  return { entries, outerCompression: outerCompression ?? 'none', isDirectory: false, inputBytes };
}

/** Members up to this size are read first from a file or folder: metadata lives among them. */
const SMALL_FILE_BYTES = 1 << 20;
/** Bytes per read from a file. */
const READ_BYTES = 1 << 20;
/** Reads of the outer tar's headers and small members. */
const INDEX_READ_BYTES = 64 << 10;
/** Bytes per read while skipping file contents: enough for the headers and small files between jumps. */
const SKIP_READ_BYTES = 64 << 10;
/** Big blobs read at once: inflating, parsing and hashing two layers keeps two cores busy. */
const CONCURRENT_BLOBS = Math.max(1, Math.min(2, availableParallelism()));

export type PlanOptions = ReadOptions & {
  /** Which big members the image needs, once the small ones (the metadata) are read; undefined: all. */
  readonly plan?: (small: OuterContents) => Set<string> | undefined;
};

/** A member too big to be metadata, read after the plan says it is needed. */
interface BigMember {
  readonly name: string;
  readonly size: number;
  /** Where its bytes are: an open file and the range in it. */
  readonly open: () => Promise<{ fh: FileHandle; start: number; close: boolean }>;
}

/** Counts bytes read, and reports how far the reading got (bytes read or jumped over). */
class Progress {
  private done = 0;
  /** Bytes actually read. */
  total = 0;
  constructor(private readonly report?: (bytesRead: number) => void) {}
  add(n: number): void {
    this.total += n;
    this.skipped(n);
  }
  skipped(n: number): void {
    this.done += n;
    this.report?.(this.done);
  }
}

/**
 * Feeds `length` bytes at `start` of a file to a blob sink, jumping over what the sink says
 * nobody needs. Each byte is read at most once. While the sink skips (a plain layer that is not
 * hashed), reads are small and synchronous: they fetch tar headers between jumps, and a round
 * trip through the thread pool would cost more than the read.
 */
async function pump(fh: FileHandle, start: number, length: number, sink: BlobSink, progress: Progress, what: string, stop: { failed: boolean }): Promise<void> {
  let pos = start;
  const end = start + length;
  let scratch: Buffer | undefined;
  while (pos < end && !stop.failed) {
    const skipping = sink.skipping;
    const want = Math.min(skipping ? SKIP_READ_BYTES : READ_BYTES, end - pos);
    const buf = skipping ? (scratch ??= Buffer.allocUnsafe(SKIP_READ_BYTES)) : Buffer.allocUnsafe(want);
    const bytesRead = skipping ? readAtSync(fh, buf, want, pos, what) : await readAt(fh, buf, want, pos, what);
    if (bytesRead === 0) throw new ImgsizeError('truncated', what, `truncated: the file ends ${end - pos} bytes early`);
    pos += bytesRead;
    progress.add(bytesRead);
    const r = sink.write(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    if (r) {
      scratch = undefined; // a sink that waits may still hold the chunk
      await r;
    }
    const gap = Math.min(sink.skippable, end - pos);
    if (gap > 0) {
      sink.skip(gap);
      pos += gap;
      progress.skipped(gap);
    }
  }
  await sink.end();
}

function readAtSync(fh: FileHandle, buf: Buffer, want: number, pos: number, what: string): number {
  try {
    return readSync(fh.fd, buf, 0, want, pos);
  } catch (e) {
    throw cannotRead(what, e);
  }
}

async function readAt(fh: FileHandle, buf: Buffer, want: number, pos: number, what: string): Promise<number> {
  try {
    return (await fh.read(buf, 0, want, pos)).bytesRead;
  } catch (e) {
    throw cannotRead(what, e);
  }
}

/**
 * Reads the big members the plan asks for (all when it cannot tell), largest first, a few at once.
 * A needed member reached through a link is not known by name here: then all are read.
 */
async function readBig(big: readonly BigMember[], entries: Map<string, OuterEntry>, json: JsonBudget, contents: () => OuterContents, opts: PlanOptions, progress: Progress): Promise<void> {
  if (big.length === 0) return;
  let needed = opts.plan?.(contents());
  if (needed && [...needed].some((n) => !big.some((b) => b.name === n) && entries.get(n)?.kind !== 'file')) needed = undefined;
  const todo = big.filter((b) => !needed || needed.has(b.name)).sort((a, b) => b.size - a.size);
  const stop = { failed: false };
  const one = async (b: BigMember): Promise<void> => {
    const { fh, start, close } = await b.open();
    try {
      const sink = memberSink(entries, json, b.name, opts.scan, b.size, opts.verify === false);
      await pump(fh, start, b.size, sink, progress, displayName(b.name), stop);
    } finally {
      if (close) await fh.close();
    }
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !stop.failed) {
      const b = todo[next++]!;
      try {
        await one(b);
      } catch (e) {
        stop.failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_BLOBS, todo.length) }, worker));
}

function displayName(name: string): string {
  return Buffer.from(name, 'latin1').toString('utf8');
}

/**
 * Reads an image folder (an OCI layout). Random access allows better than a stream: small files
 * (metadata among them) first, then, when `plan` can tell from them which big blobs the chosen
 * image needs, only those (other platforms' layers are never read). Every file read goes through
 * the same blob sink as a tar member.
 */
export async function readOuterDirectory(root: string, opts: PlanOptions = {}): Promise<OuterContents> {
  const entries = new Map<string, OuterEntry>();
  const json = jsonBudget();
  const files: { name: string; abs: string; size: number }[] = [];
  const progress = new Progress(opts.onProgress);
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 16) return;
    const names = (await readdir(path.join(root, rel))).sort();
    for (const n of names) {
      const relChild = joinPath(rel, n);
      const abs = path.join(root, relChild);
      const st = await lstat(abs);
      const name = normalizePath(Buffer.from(relChild, 'utf8').toString('latin1'));
      if (st.isSymbolicLink()) entries.set(name, { kind: 'symlink', target: Buffer.from(await readlink(abs), 'utf8').toString('latin1') });
      else if (st.isDirectory()) {
        entries.set(name, { kind: 'dir' });
        await walk(relChild, depth + 1);
      } else if (st.isFile()) files.push({ name, abs, size: st.size });
    }
  };
  await walk('', 0);
  const contents = (): OuterContents => ({ entries, outerCompression: 'none', isDirectory: true, inputBytes: progress.total });
  for (const f of files) {
    if (f.size > SMALL_FILE_BYTES) continue;
    const fh = await openForReading(f.abs);
    try {
      const sink = memberSink(entries, json, f.name, opts.scan, f.size);
      await pump(fh, 0, f.size, sink, progress, f.abs, { failed: false });
    } finally {
      await fh.close();
    }
  }
  const big = files.filter((f) => f.size > SMALL_FILE_BYTES).map((f): BigMember => ({ name: f.name, size: f.size, open: async () => ({ fh: await openForReading(f.abs), start: 0, close: true }) }));
  await readBig(big, entries, json, contents, opts, progress);
  return contents();
}

/**
 * Reads an uncompressed archive FILE with random access: its headers and small members (the
 * metadata) first, jumping over big members, then only the big members the chosen image needs,
 * two at once (two layers keep both cores busy). Each byte is still read at most once.
 * Returns undefined when the archive needs the streaming reader (compressed, or sparse members).
 */
export async function readOuterFile(file: string, size: number, opts: PlanOptions = {}): Promise<OuterContents | undefined> {
  const fh = await openForReading(file);
  try {
    const head = Buffer.alloc(Math.min(size, 8));
    await readAt(fh, head, head.length, 0, file);
    if (size < 512 || sniffCompression(head) !== 'none') return undefined;
    const progress = new Progress(opts.onProgress);
    const entries = new Map<string, OuterEntry>();
    const json = jsonBudget();
    const big = new Map<string, BigMember>();
    let sparse = false;
    const tar: TarReader = new TarReader({
      entry: (e: TarEntry) => {
        const name = normalizePath(e.name);
        big.delete(name); // a later member of the same name wins, as when streaming
        if (e.type === 'file') {
          if (e.typeflag === 'S') sparse = true;
          if (e.dataBytes <= SMALL_FILE_BYTES) return tarMemberSink(entries, json, name, opts.scan, e.dataBytes);
          entries.delete(name);
          const start = tar.position;
          big.set(name, { name, size: e.dataBytes, open: async () => ({ fh, start, close: false }) });
          return undefined;
        }
        recordNonFile(entries, name, e);
        return undefined;
      },
    });
    let pos = 0;
    while (pos < size && !sparse) {
      if (pastZeroTail(tar)) break;
      const want = Math.min(INDEX_READ_BYTES, size - pos);
      const buf = Buffer.allocUnsafe(want);
      const bytesRead = await readAt(fh, buf, want, pos, file);
      if (bytesRead === 0) break;
      pos += bytesRead;
      progress.add(bytesRead);
      const r = tar.write(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      if (r) await r;
      const gap = Math.min(tar.skippable, size - pos);
      if (gap > 0) {
        tar.skip(gap);
        pos += gap;
      }
    }
    if (sparse) return undefined;
    tar.end();
    if (tar.trailingData) throw concatenated();
    const contents = (): OuterContents => ({ entries, outerCompression: 'none', isDirectory: false, inputBytes: progress.total });
    await readBig([...big.values()], entries, json, contents, opts, progress);
    return contents();
  } finally {
    await fh.close();
  }
}

function concatenated(): ImgsizeError {
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
