/**
 * Reads the OUTER archive (a docker save / OCI tar, gzipped or not, or an OCI layout folder)
 * in one pass. Every regular member is hashed and counted, small JSON-looking members are kept,
 * and every member is handed to the layer scanner speculatively (it gives up at once on what is
 * not a tar), since the manifests that say which members are layers usually arrive after the
 * layers themselves. Nothing is written to disk.
 */
import { StreamHash } from '../layer/hasher.js';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { ImgsizeError } from '../errors.js';
import { TarReader, type EntrySink, type TarEntry } from '../tar/reader.js';
import { LayerScanner, type LayerScan, type ScanOptions } from '../layer/scan.js';
import { createDecoder, sniffCompression, type Compression } from '../layer/decompress.js';
import { normalizePath, dirname, joinPath } from '../layer/paths.js';

/** Zeros read after the outer archive's end marker before the rest of the input is ignored. */
const MAX_ZERO_TAIL = 1 << 20;

/** Metadata members larger than this are not kept (a 1 GB blob that starts with `{` is not JSON we need). */
export const MAX_JSON_BYTES = 16 << 20;

export interface BlobRecord {
  /** Normalised member name. */
  readonly name: string;
  /** Bytes of the member as stored. */
  readonly size: number;
  /** `sha256:<hex>` of the member's bytes. */
  readonly digest: string;
  /** The member's bytes when it looked like JSON and was small enough. */
  readonly json?: Buffer;
  /** Looked like JSON but was larger than MAX_JSON_BYTES. */
  readonly jsonTooLarge?: boolean;
  /** The layer scan, when the member read as a (compressed) tar. */
  readonly scan?: LayerScan;
  /** Why the member did not read as a layer. */
  readonly scanError?: Error;
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
  /** Bytes read from the input (compressed, for a gzipped archive). */
  readonly inputBytes: number;
}

export interface ReadOptions {
  readonly scan?: ScanOptions;
  /** Called with the count of input bytes read so far (for progress). */
  readonly onProgress?: (bytesRead: number) => void;
}

class BlobSink implements EntrySink {
  private readonly hash = new StreamHash();
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
    size?: number,
  ) {
    this.scanner = new LayerScanner(scanOpts, size === undefined ? {} : { size });
  }

  write(chunk: Buffer): void | Promise<void> {
    const hashWait = this.hash.update(chunk);
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
        this.jsonParts.push(Buffer.from(chunk));
        this.jsonBytes += chunk.length;
      }
    }
    const scanWait = this.scanner.write(chunk);
    if (hashWait && scanWait) return Promise.all([hashWait, scanWait]).then(() => undefined);
    return hashWait ?? scanWait;
  }

  async end(): Promise<void> {
    let scan: LayerScan | undefined;
    let scanError: Error | undefined;
    try {
      scan = await this.scanner.finish();
    } catch (e) {
      scanError = e as Error;
    }
    const digest = await this.hash.digest();
    this.done({
      name: this.name,
      size: this.size,
      digest,
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

/** Reads an outer tar archive (plain, gzip or zstd) from a stream of chunks. */
export async function readOuterStream(input: AsyncIterable<Buffer>, opts: ReadOptions = {}): Promise<OuterContents> {
  const entries = new Map<string, OuterEntry>();
  const tar = new TarReader({
    entry: (e: TarEntry) => {
      const name = normalizePath(e.name);
      if (e.type === 'file') {
        return new BlobSink(name, opts.scan, (blob) => entries.set(name, { kind: 'file', blob }), e.dataBytes);
      }
      if (e.type === 'symlink') entries.set(name, { kind: 'symlink', target: e.linkname });
      else if (e.type === 'hardlink') entries.set(name, { kind: 'hardlink', target: normalizePath(e.linkname) });
      else if (e.type === 'dir') entries.set(name, { kind: 'dir' });
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
      // the decoder pauses while the tar reader waits on a member's sink (backpressure)
      decoder = createDecoder(outerCompression, (out) => tar.write(out));
    }
    await push(first);
  };

  for await (const raw of input) {
    // past the end-of-archive marker only zero padding belongs to the archive: a little is
    // checked (two archives concatenated are refused below), an endless tail is not read
    if (tar.ended && !tar.trailingData && tar.position - tar.endOffset > MAX_ZERO_TAIL) break;
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
  const stoppedEarly = tar.ended && !tar.trailingData && tar.position - tar.endOffset > MAX_ZERO_TAIL;
  if (decoder && !stoppedEarly) {
    await decoder.end();
  }
  tar.end();
  if (tar.trailingData) {
    throw new ImgsizeError('corrupt', 'archive', 'data after the end of the tar archive (two archives concatenated?)', {
      hint: 'pass one image archive at a time',
    });
  }
  return { entries, outerCompression: outerCompression ?? 'none', isDirectory: false, inputBytes };
}

/** Files up to this size are read first in a folder: metadata lives among them. */
const SMALL_FILE_BYTES = 1 << 20;

/**
 * Reads an image folder (an OCI layout). Random access allows better than a stream: small files
 * (metadata among them) first, then, when `plan` can tell from them which big blobs the chosen
 * image needs, only those (other platforms' layers are never read). Every file read goes through
 * the same blob sink as a tar member.
 */
export async function readOuterDirectory(
  root: string,
  opts: ReadOptions & { readonly plan?: (small: OuterContents) => Set<string> | undefined } = {},
): Promise<OuterContents> {
  const entries = new Map<string, OuterEntry>();
  const files: { name: string; abs: string; size: number }[] = [];
  let inputBytes = 0;
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
  const read = async (f: { name: string; abs: string; size: number }): Promise<void> => {
    const sink = new BlobSink(f.name, opts.scan, (blob) => entries.set(f.name, { kind: 'file', blob }), f.size);
    for await (const chunk of createReadStream(f.abs, { highWaterMark: 1 << 20 })) {
      inputBytes += (chunk as Buffer).length;
      opts.onProgress?.(inputBytes);
      const r = sink.write(chunk as Buffer);
      if (r) await r;
    }
    await sink.end();
  };
  await walk('', 0);
  const big = files.filter((f) => f.size > SMALL_FILE_BYTES);
  for (const f of files) if (f.size <= SMALL_FILE_BYTES) await read(f);
  let needed = big.length > 0 ? opts.plan?.({ entries, outerCompression: 'none', isDirectory: true, inputBytes }) : undefined;
  // a layer reached through a symlink: read everything rather than follow links before reading
  if (needed && [...needed].some((n) => !files.some((f) => f.name === n))) needed = undefined;
  for (const f of big) if (!needed || needed.has(f.name)) await read(f);
  return { entries, outerCompression: 'none', isDirectory: true, inputBytes };
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
