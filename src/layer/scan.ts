/**
 * Scans ONE layer byte stream into plain data: sniff the compression from the magic bytes,
 * decompress while streaming, hash the tar stream (diffId), read the tar headers, count, and
 * capture the few small files the package detectors ask for. Knows nothing of manifests.
 */
import { StreamHash } from './hasher.js';
import { ImgsizeError } from '../base/errors.js';
import { TarReader, type EntrySink, type TarEntry, printable } from '../tar/reader.js';
import { createDecoder, sniffCompression } from './decompress.js';
import type { Compression, Decoder, DecoderChoice } from './decoder.js';
import { normalizePath, whiteoutOf } from '../base/paths.js';
import { createPushSizer, type PushSize, type PushSizeMode, type PushSizer } from './push-size.js';

export type EntryKind = 'file' | 'symlink' | 'hardlink' | 'dir' | 'other';

/** One member of a layer that is not a whiteout. */
export interface LayerEntry {
  /** Normalised path (raw bytes as latin1). */
  readonly path: string;
  readonly kind: EntryKind;
  /** contentBytes of this entry: file size, symlink target length in bytes, else 0. */
  readonly size: number;
  /** Raw symlink target (symlinks); the normalised path of the file it names (hardlinks). */
  readonly target?: string;
}

export interface LayerScan {
  readonly compression: Compression;
  /** Length of the decompressed tar stream, headers and padding included. */
  readonly uncompressedBytes: number;
  /** sha256 of the decompressed tar stream; undefined for uncompressed layers (= the blob digest). */
  readonly diffId: string | undefined;
  /** Tar members as `tar -tv` lists them (PAX / GNU long-name headers excluded). */
  readonly entries: number;
  /** Regular-file sizes + symlink target lengths; hardlinks count 0. */
  readonly contentBytes: number;
  readonly whiteouts: number;
  /** Non-whiteout members in archive order. */
  readonly files: readonly LayerEntry[];
  /** Folders whose lower-layer children this layer hides (`.wh..wh..opq`). */
  readonly opaqueDirs: readonly string[];
  /** Paths this layer deletes from the lower layers (`.wh.<name>`). */
  readonly deletions: readonly string[];
  /** Small files captured for the detectors, keyed by normalised path (last one wins). */
  readonly captured: ReadonlyMap<string, Buffer>;
  /** Files a detector wanted that were over its cap: not captured, their size (the report warns). */
  readonly oversize?: ReadonlyMap<string, number>;
  /** For an uncompressed layer: what gzipping it for a push would upload (see push-size.ts). */
  readonly pushSize?: PushSize;
}

export interface ScanOptions {
  /** Which regular files to capture (path is normalised); return the byte cap, or 0 to skip. */
  readonly capture?: (path: string, size: number) => number;
  /** Largest tail of bytes accepted after the tar's end-of-archive marker. */
  readonly maxTrailingBytes?: number;
  /** Output/input ratio above which a stream (once past 1 GiB) is refused as a bomb. */
  readonly maxRatio?: number;
  /** Output bytes past which the ratio is checked (default RATIO_FLOOR, 1 GiB). */
  readonly ratioFloor?: number;
  /** How many more plain layers may be sized for a push (shared by the archive's members). */
  readonly pushBudget?: { left: number };
  /** What is left of the image's budget for captured metadata files (shared by all its layers). */
  readonly captureBudget?: { left: number };
  /** How an uncompressed layer's push size is found: sampled (default) or exact; off: not at all. */
  readonly pushSize?: PushSizeMode | 'off';
  /** Which decoders may be used (default auto). */
  readonly decoder?: DecoderChoice;
}

export interface ScanHints {
  /** The blob's size when known (from the outer tar header): big ones may use an external decoder. */
  readonly size?: number;
  /** The caller does not verify this blob (--no-verify): a compressed layer's tar is not hashed either. */
  readonly unhashed?: boolean;
}

/** Real layers end with at most a few KiB of zero padding; far more is a decompression bomb. */
export const DEFAULT_MAX_TRAILING_BYTES = 16 << 20;
/**
 * Past 1 GiB of output, a stream that inflated more than 1000:1 overall is refused as a bomb:
 * that takes nearly pure zeros (gzip peaks at ~1032:1, zstd reaches millions:1 on crafted input);
 * real layers, even with large zero-filled files among real ones, stay far below.
 */
export const DEFAULT_MAX_RATIO = 1_000;
/** Plain layers sized for a push, per archive (Docker allows 127 layers an image). */
export const MAX_SIZED_LAYERS = 1024;
/** Package metadata captured in all, per image (the largest real files are about 1 MB each). */
export const MAX_CAPTURE_TOTAL_BYTES = 256 << 20;
/** Output a stream must pass before the ratio rule applies. */
export const RATIO_FLOOR = 1 << 30;
const DECODER_INPUT_BYTES = 512 << 10;

/** The bomb rule, for a layer and for an archive compressed as a whole: past ratioFloor of output, more than maxRatio:1 overall is refused. */
export function checkInflation(outBytes: number, inBytes: number, limits: Pick<ScanOptions, 'maxRatio' | 'ratioFloor'> | undefined, what: 'layer' | 'archive', subject: string): void {
  if (outBytes <= (limits?.ratioFloor ?? RATIO_FLOOR)) return;
  const maxRatio = limits?.maxRatio ?? DEFAULT_MAX_RATIO;
  const ratio = outBytes / Math.max(1, inBytes);
  if (ratio > maxRatio) {
    throw new ImgsizeError('limit', what, `decompression bomb: ${subject} inflated to ${outBytes} bytes from ${inBytes} (ratio over ${Math.floor(ratio)}:1)`);
  }
}

/**
 * An EntrySink for a layer blob. Feed the raw blob bytes; `finish()` returns the scan.
 * It never throws from write(): a failure is recorded and the rest is drained, so that the
 * outer archive can go on (the blob may not even be a layer). `finish()` throws it.
 */
export class LayerScanner implements EntrySink {
  private head: Buffer[] = [];
  private headBytes = 0;
  private compression: Compression | undefined;
  private decoder: Decoder | undefined;
  private hash: StreamHash | undefined;
  private readonly tar: TarReader;
  private failure: Error | undefined;
  private inBytes = 0;
  private outBytes = 0;
  private contentBytes = 0;
  private whiteouts = 0;
  private readonly files: LayerEntry[] = [];
  private readonly opaqueDirs: string[] = [];
  private readonly deletions: string[] = [];
  private readonly captured = new Map<string, Buffer>();
  private readonly oversize = new Map<string, number>();
  private readonly opts: ScanOptions;

  private readonly hints: ScanHints;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private sizer: PushSizer | undefined;
  /** Bytes of a plain blob kept until it shows a tar entry (then its push sizer starts). */
  private sizerWaiting: Buffer[] | undefined;

  constructor(opts: ScanOptions = {}, hints: ScanHints = {}) {
    this.opts = opts;
    this.hints = hints;
    this.tar = new TarReader({ entry: (e) => this.onEntry(e) });
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.failure) return;
    this.inBytes += chunk.length;
    if (this.compression === undefined) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < 4) return;
      const head = Buffer.concat(this.head);
      this.head = [];
      return this.start(head);
    }
    return this.feed(chunk);
  }

  end(): void {
    // the archive module calls finish(); nothing to do per EntrySink contract
  }

  /** True once the blob is known to be a plain (uncompressed) tar. */
  get uncompressed(): boolean {
    return this.compression === 'none' && !this.failure;
  }

  /** Bytes of an uncompressed layer's current file content that nobody needs (see `skip`). */
  get skippable(): number {
    if (!this.uncompressed) return 0;
    return this.sizer ? Math.min(this.tar.skippable, this.sizer.untilNeeded) : this.tar.skippable;
  }

  /** Accounts for `n` (≤ `skippable`) bytes of file content as read, without their bytes. */
  skip(n: number): void {
    this.inBytes += n;
    this.outBytes += n;
    this.tar.skip(n);
    this.sizer?.skip(n);
  }

  private start(head: Buffer): void | Promise<void> {
    this.compression = sniffCompression(head);
    if (this.compression !== 'none') {
      if (!this.hints.unhashed) this.hash = new StreamHash();
      // onTar copies what it keeps (into the hash ring, the tar header block, captured files)
      this.decoder = createDecoder(this.compression, (out) => this.onTar(out), { sizeHint: this.hints.size ?? 0, reuseOutput: true, ...(this.opts.decoder ? { choice: this.opts.decoder } : {}) });
    } else if (this.opts.pushSize !== 'off' && looksLikeTar(head)) {
      // sized only once it shows a tar entry: junk and JSON members never cost a compressor
      this.sizerWaiting = [];
    }
    return this.feed(head);
  }

  private feed(chunk: Buffer): void | Promise<void> {
    try {
      if (this.decoder) {
        // pipes deliver 64 KiB: gather ~512 KiB per call to a decoder that works elsewhere (a
        // thread-pool job, a child's pipe), so each job is long enough to overlap with parsing
        // the previous output; an in-thread decoder takes chunks as they come (no copy)
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.decoder.batches && this.pendingBytes < DECODER_INPUT_BYTES) return;
        return this.flushPending();
      } else {
        const r = this.onTar(chunk);
        if (this.sizerWaiting) this.startSizer(chunk);
        const s = this.sizer?.write(chunk);
        const both = r && s ? Promise.all([r, s]) : (r ?? s);
        if (both)
          return both.then(
            () => undefined,
            (e: unknown) => this.fail(e),
          );
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Starts the push sizer once the plain blob shows a tar entry (within its budget: an archive of
   * thousands of tiny tars gets at most MAX_SIZED_LAYERS sizers), handing it what came before
   * `chunk`; gives up waiting after 2 MiB without an entry.
   */
  private startSizer(chunk: Buffer): void {
    const waiting = this.sizerWaiting!;
    if (this.tar.entries === 0 && !this.tar.ended) {
      if (this.outBytes > 2 << 20 || this.failure) this.sizerWaiting = undefined;
      else waiting.push(Buffer.from(chunk));
      return;
    }
    this.sizerWaiting = undefined;
    const budget = this.opts.pushBudget;
    if (budget) {
      if (budget.left <= 0) return;
      budget.left--;
    }
    const sizer = createPushSizer(this.opts.pushSize === 'exact' ? 'exact' : 'sampled', this.hints.size);
    for (const c of waiting) void sizer.write(c); // (at most 2 MiB: the sizer takes it without waiting)
    this.sizer = sizer;
  }

  private flushPending(): void | Promise<void> {
    if (!this.decoder || this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      const r = this.decoder.write(data);
      if (r) return r.catch((e: unknown) => this.fail(e));
    } catch (e) {
      this.fail(e);
    }
  }

  private onTar(out: Buffer): void | Promise<void> {
    this.outBytes += out.length;
    const wait = this.hash?.update(out);
    if (this.tar.ended) {
      this.tar.write(out);
      this.checkTail();
      return wait;
    }
    if (this.compression !== 'none') checkInflation(this.outBytes, this.inBytes, this.opts, 'layer', 'the layer');
    const r = this.tar.write(out);
    if (r) throw new ImgsizeError('internal', 'layer', 'layer sinks must be synchronous');
    if (this.tar.ended) this.checkTail();
    return wait;
  }

  private checkTail(): void {
    // Data after the end-of-archive marker is legal (eStargz keeps its TOC there, tar tools
    // ignore it), but gigabytes of zeros after it are a decompression bomb.
    if (this.tar.trailingData) return;
    const tail = this.outBytes - this.tar.endOffset;
    const max = this.opts.maxTrailingBytes ?? DEFAULT_MAX_TRAILING_BYTES;
    if (tail > max) {
      throw new ImgsizeError('limit', 'layer', `decompression bomb: over ${max} zero bytes after the end of the tar archive`);
    }
  }

  private fail(e: unknown): void {
    if (this.failure) return;
    this.failure = e instanceof Error ? e : new Error(String(e));
    this.decoder = undefined;
    this.hash = undefined;
    this.sizer = undefined;
  }

  private onEntry(e: TarEntry): EntrySink | undefined {
    const path = normalizePath(e.name);
    const wo = whiteoutOf(path);
    if (wo) {
      this.whiteouts++;
      if (wo.kind === 'opaque') this.opaqueDirs.push(wo.dir);
      else this.deletions.push(wo.path);
      return undefined;
    }
    let size = 0;
    if (e.type === 'file') size = e.size;
    else if (e.type === 'symlink') size = e.linkname.length;
    this.contentBytes += size;
    this.files.push(
      e.type === 'symlink'
        ? { path, kind: 'symlink', size, target: e.linkname }
        : e.type === 'hardlink'
          ? { path, kind: 'hardlink', size, target: normalizePath(e.linkname) }
          : { path, kind: e.type, size },
    );
    if (e.type === 'file' && this.opts.capture && e.size > 0) {
      const cap = this.opts.capture(path, e.size);
      if (cap > 0 && e.size <= cap) {
        const budget = this.opts.captureBudget;
        if (budget) {
          if (budget.left < e.size) {
            throw new ImgsizeError('limit', 'layer', `package metadata files pass ${MAX_CAPTURE_TOTAL_BYTES >> 20} MiB in all (at ${printable(path)}): far more than real images hold`);
          }
          budget.left -= e.size;
        }
        return this.captureSink(path, e.size);
      }
      if (cap > 0) this.oversize.set(path, e.size);
    } else if (e.type === 'file' && e.size === 0 && this.opts.capture && this.opts.capture(path, 0) > 0) {
      this.captured.set(path, Buffer.alloc(0));
    }
    return undefined;
  }

  private captureSink(path: string, size: number): EntrySink {
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    return {
      write: (c) => {
        c.copy(buf, at);
        at += c.length;
      },
      end: () => {
        this.captured.set(path, buf);
      },
    };
  }

  /** Completes the scan; throws the first failure (decompression, tar, limits). */
  async finish(): Promise<LayerScan> {
    if (this.compression === undefined && !this.failure) {
      const head = Buffer.concat(this.head);
      this.head = [];
      if (head.length === 0) {
        this.fail(new ImgsizeError('corrupt', 'layer', 'empty blob (0 bytes) is not a layer'));
      } else {
        const r = this.start(head);
        if (r) await r;
      }
    }
    if (!this.failure && this.decoder) {
      const r = this.flushPending();
      if (r) await r;
    }
    if (!this.failure && this.decoder) {
      try {
        await this.decoder.end();
      } catch (e) {
        this.fail(e);
      }
    }
    if (!this.failure) {
      try {
        this.tar.end();
      } catch (e) {
        this.fail(e);
      }
    }
    if (!this.failure && this.tar.entries === 0 && !this.tar.ended) {
      this.fail(new ImgsizeError('corrupt', 'layer', 'not a tar archive'));
    }
    if (this.failure instanceof ImgsizeError && this.tar.entries === 0 && this.failure.code === 'truncated' && this.outBytes < 512) {
      this.failure = new ImgsizeError('corrupt', 'layer', `not a tar archive (${this.outBytes} bytes)`);
    }
    let pushSize: PushSize | undefined;
    if (!this.failure && this.sizer) {
      try {
        pushSize = await this.sizer.finish();
      } catch (e) {
        this.fail(e);
      }
    }
    if (this.failure) throw this.failure;
    return {
      ...(pushSize ? { pushSize } : {}),
      compression: this.compression ?? 'none',
      uncompressedBytes: this.outBytes,
      diffId: this.hash ? await this.hash.digest() : undefined,
      entries: this.tar.entries,
      contentBytes: this.contentBytes,
      whiteouts: this.whiteouts,
      files: this.files,
      opaqueDirs: this.opaqueDirs,
      deletions: this.deletions,
      captured: this.captured,
      oversize: this.oversize,
    };
  }
}

/** A tar header's magic or a plausible first header (not JSON, not text): worth sizing for a push. */
function looksLikeTar(head: Buffer): boolean {
  const c = head[0];
  return c !== undefined && c !== 0x7b && c !== 0x5b && c !== 0x20 && c !== 0x0a;
}

export { printable };
