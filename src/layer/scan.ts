/**
 * Scans ONE layer byte stream into plain data (types.ts): sniff the compression from the magic
 * bytes, decompress while streaming (decompress.ts), hash the tar stream (diffId, hasher.ts), read
 * the tar headers into the layer's index and capture what the detectors ask for (entries.ts), hold
 * the bomb rules (guards.ts), size a plain layer for a push (plain-push.ts). Knows nothing of
 * manifests. This file only runs the stream through them.
 */
import { StreamHash } from './hasher.js';
import { ImgsizeError } from '../base/errors.js';
import { TarReader, type EntrySink } from '../tar/reader.js';
import { createDecoder, sniffCompression } from './decompress.js';
import type { Compression, Decoder } from './decoder.js';
import type { PushSize, PushSizer } from './push-size.js';
import { checkInflation, checkTrailing } from './guards.js';
import { LayerIndex } from './entries.js';
import { looksLikeTar, SizerWaiting } from './plain-push.js';
import type { LayerScan, ScanHints, ScanOptions } from './types.js';

const DECODER_INPUT_BYTES = 512 << 10;

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
  private readonly index: LayerIndex;
  private readonly opts: ScanOptions;

  private readonly hints: ScanHints;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private sizer: PushSizer | undefined;
  /** A plain blob waiting to show a tar entry (then its push sizer starts). */
  private sizerWaiting: SizerWaiting | undefined;

  constructor(opts: ScanOptions = {}, hints: ScanHints = {}) {
    this.opts = opts;
    this.hints = hints;
    this.index = new LayerIndex(opts);
    this.tar = new TarReader({ entry: (e) => this.index.entry(e) });
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.failure) return;
    this.inBytes += chunk.length;
    if (this.compression === undefined) {
      this.head.push(Buffer.from(chunk));
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
      this.sizerWaiting = new SizerWaiting(this.opts, this.hints);
    }
    return this.feed(head);
  }

  private feed(chunk: Buffer): void | Promise<void> {
    try {
      if (this.decoder) {
        // pipes deliver 64 KiB: gather ~512 KiB per call to a decoder that works elsewhere (a
        // thread-pool job, a child's pipe), so each job is long enough to overlap with parsing
        // the previous output; an in-thread decoder takes chunks as they come (no copy). What is
        // kept past this call is a copy — the caller may read into its chunk again (see write) —
        // unless the caller gave its chunks away (`ownChunks`: a download's).
        this.pendingBytes += chunk.length;
        if (this.decoder.batches && this.pendingBytes < DECODER_INPUT_BYTES) {
          this.pending.push(this.hints.ownChunks ? chunk : Buffer.from(chunk));
          return;
        }
        this.pending.push(chunk);
        return this.flushPending();
      } else {
        const r = this.onTar(chunk);
        if (this.sizerWaiting) {
          const sizer = this.sizerWaiting.next(chunk, this.tar.entries, this.tar.ended, this.outBytes);
          if (sizer !== undefined) this.sizerWaiting = undefined;
          if (sizer) this.sizer = sizer;
        }
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

  private flushPending(): void | Promise<void> {
    if (!this.decoder || this.pendingBytes === 0) return;
    // a decoder that keeps its input after write returns gets bytes of its own
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      let r: void | Promise<void>;
      if (this.hints.ownChunks && this.decoder.writeChunks) r = this.decoder.writeChunks(chunks);
      else r = this.decoder.write(chunks.length > 1 ? Buffer.concat(chunks) : this.decoder.keepsInput && !this.hints.ownChunks ? Buffer.from(chunks[0]!) : chunks[0]!);
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
    if (!this.tar.trailingData) checkTrailing(this.outBytes - this.tar.endOffset, this.opts);
  }

  private fail(e: unknown): void {
    if (this.failure) return;
    this.failure = e instanceof Error ? e : new Error(String(e));
    this.decoder = undefined;
    this.hash = undefined;
    this.sizer = undefined;
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
      ...this.index.result(),
    };
  }
}
