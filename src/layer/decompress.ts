/**
 * Streaming decoders for layer blobs, chosen once from the blob's magic bytes.
 * gzip: `igzip` as a child process for big blobs when it is installed (external.ts: faster, on
 * another core), else node:zlib (inflates on libuv's thread pool, so it overlaps with hashing and
 * tar parsing on the main thread). zstd, the first that this machine has: node:zlib's own decoder (Node ≥ 22.15),
 * libzstd in-process through the optional zstd-napi addon (built from source at install time), the
 * `zstd` command (external.ts), fzstd (pure JS, ~3× slower). Choice `builtin`: fzstd only;
 * `external`: the commands (DecoderChoice; the CLI reads IMGSIZE_DECODER).
 */
import zlib from 'node:zlib';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Decompress as FzstdDecompress } from 'fzstd';
import { ImgsizeError } from '../base/errors.js';
import { ExternalDecoder, externalDecoderFor } from './external.js';
import type { Compression, Decoder, DecoderChoice, OnData } from './decoder.js';

export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

const hasNativeZstd = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';

/** The zstd-napi binding's streaming context (an optional, natively built dependency). */
interface NapiDCtx {
  decompressStream(dst: Uint8Array, src: Uint8Array): [remaining: number, produced: number, consumed: number];
  /** ZSTD_DCtx_reset; 0: the session only (the frame in progress). */
  reset(directive: 0): void;
}
type NapiBinding = { DCtx: new () => NapiDCtx };

let napi: NapiBinding | null | undefined;

function napiZstd(): NapiBinding | null {
  if (napi === undefined) {
    try {
      napi = createRequire(import.meta.url)('zstd-napi/binding') as NapiBinding;
    } catch {
      napi = null; // not built on this machine: the zstd command or fzstd decode instead
    }
  }
  return napi;
}

export type ZstdDecoderName = 'node:zlib' | 'zstd-napi' | 'zstd command' | 'fzstd';

/** Which decoder takes a zstd blob of `size` bytes here (see the module comment for the order). */
export function zstdDecoderName(size: number, choice: DecoderChoice = 'auto'): ZstdDecoderName {
  if (hasNativeZstd && choice !== 'external') return 'node:zlib';
  if (choice === 'auto' && napiZstd()) return 'zstd-napi';
  if (size >= EXTERNAL_MIN_BYTES && externalDecoderFor('zstd', hasNativeZstd, choice)) return 'zstd command';
  return 'fzstd';
}

/** Blobs at least this big go to an external decoder when the machine has one. */
export const EXTERNAL_MIN_BYTES = 16 << 20;

export interface DecoderOptions {
  /** Which decoders may be used (default auto). */
  readonly choice?: DecoderChoice;
  /** The blob's size when known: big ones may go to an external decoder. */
  readonly sizeHint?: number;
  /** The consumer copies what it keeps: the decoder may hand out one buffer again and again. */
  readonly reuseOutput?: boolean;
}

export function createDecoder(kind: Exclude<Compression, 'none'>, onData: OnData, { sizeHint = 0, reuseOutput = false, choice = 'auto' }: DecoderOptions = {}): Decoder {
  // Transform options zlib passes on: room for a few output chunks ahead, and for 2 MiB of input
  // (pipes deliver 64 KiB chunks; waiting for 'drain' after each one costs a round trip)
  const opts = { chunkSize: 1 << 20, readableHighWaterMark: 4 << 20, writableHighWaterMark: 2 << 20 } as zlib.ZlibOptions;
  if (kind === 'gzip') {
    if (sizeHint >= EXTERNAL_MIN_BYTES && externalDecoderFor(kind, hasNativeZstd, choice)) return new ExternalDecoder(kind, onData, reuseOutput);
    return new ZlibDecoder(zlib.createGunzip(opts), onData, 'gzip');
  }
  switch (zstdDecoderName(sizeHint, choice)) {
    case 'node:zlib': {
      const create = (zlib as unknown as { createZstdDecompress: (o?: object) => zlib.Gunzip }).createZstdDecompress;
      return new ZlibDecoder(create(opts), onData, 'zstd');
    }
    case 'zstd-napi':
      return new NapiZstdDecoder(napiZstd()!, onData, reuseOutput);
    case 'zstd command':
      return new ExternalDecoder(kind, onData, reuseOutput);
    case 'fzstd':
      return new FzstdDecoder(onData);
  }
}

class ZlibDecoder implements Decoder {
  readonly batches = true;
  readonly keepsInput = true;
  private error: Error | undefined;
  private readonly done: Promise<void>;
  /** The consumer's work on the last chunk, while it is asynchronous: end() waits for it too. */
  private consuming: Promise<void> | undefined;

  constructor(
    private readonly stream: zlib.Gunzip,
    onData: OnData,
    private readonly kind: string,
  ) {
    // Paused mode, not 'data': zlib pushes a chunk and starts inflating the next one on the
    // thread pool before 'readable' runs this consumer on the main thread, so the two overlap.
    // (With 'data' the consumer runs inside push(), and the inflater waits for it.)
    let waiting = false;
    const drainReadable = (): void => {
      if (waiting || this.error) return;
      let c: Buffer | null;
      while ((c = stream.read() as Buffer | null) !== null) {
        try {
          const r = onData(c);
          if (r) {
            // an asynchronous consumer: stop reading until it is done (backpressure)
            waiting = true;
            this.consuming = r.then(
              () => {
                waiting = false;
                this.consuming = undefined;
                drainReadable();
              },
              (e: unknown) => {
                this.error ??= e as Error;
                this.consuming = undefined;
                stream.destroy();
              },
            );
            return;
          }
        } catch (e) {
          this.error = e as Error;
          stream.destroy();
          return;
        }
      }
    };
    stream.on('readable', drainReadable);
    this.done = new Promise((resolve) => {
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', (e) => {
        this.error ??= e;
        resolve();
      });
    });
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.error) throw this.wrap(this.error);
    if (!this.stream.write(chunk)) {
      return Promise.race([once(this.stream, 'drain'), this.done]).then(() => {
        if (this.error) throw this.wrap(this.error);
      });
    }
  }

  async end(): Promise<void> {
    if (!this.error) this.stream.end();
    await this.done;
    // 'end' comes once zlib's last chunk is read, maybe before the consumer is done with it
    while (this.consuming) await this.consuming;
    if (this.error) throw this.wrap(this.error);
  }

  private wrap(e: Error): Error {
    if (e instanceof ImgsizeError) return e;
    return new ImgsizeError('corrupt', `${this.kind} stream`, `invalid ${this.kind} data: ${e.message}`);
  }
}

/** Output slice per call: small enough to stay in the CPU cache (measured: 128 KiB decodes 2× faster than 1 MiB). */
const NAPI_OUT_BYTES = 128 << 10;

/**
 * Contexts of layers decoded to the end, reset, for the next layers: a context holds its frame's
 * window (megabytes) until the collector finalises it, so one per layer would pile up.
 */
const idleContexts: NapiDCtx[] = [];
const IDLE_CONTEXTS = 2;

/** libzstd in-process through zstd-napi, synchronous; into one reused output buffer when allowed. */
class NapiZstdDecoder implements Decoder {
  readonly batches = false;
  /** Decodes each chunk to the end before write's promise settles. */
  readonly keepsInput = false;
  private readonly ctx: NapiDCtx;
  private out = Buffer.allocUnsafe(NAPI_OUT_BYTES);
  private error: Error | undefined;
  /** libzstd's hint after the last call: 0 when a frame has just been completed. */
  private remaining = 0;
  private started = false;
  /** Its context went back to `idleContexts`. */
  private released = false;

  constructor(
    binding: NapiBinding,
    private readonly onData: OnData,
    private readonly reuseOutput: boolean,
  ) {
    this.ctx = idleContexts.pop() ?? new binding.DCtx();
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.error) throw this.error;
    this.started = true;
    return this.decode(chunk, 0);
  }

  private decode(src: Buffer, from: number): void | Promise<void> {
    let at = from;
    for (;;) {
      let produced: number;
      try {
        const [remaining, out, used] = this.ctx.decompressStream(this.out, src.subarray(at));
        // a call that moved nothing says nothing about the frame (after a frame's end, libzstd
        // answers an empty call with the next frame's header size)
        if (out > 0 || used > 0) this.remaining = remaining;
        else if (at < src.length) throw new Error('no progress'); // libzstd errors first; never spin
        produced = out;
        at += used;
      } catch (e) {
        throw (this.error = wrapZstd(e));
      }
      if (produced > 0) {
        const chunk = this.out.subarray(0, produced);
        if (!this.reuseOutput) this.out = Buffer.allocUnsafe(NAPI_OUT_BYTES);
        const r = this.onData(chunk);
        if (r) {
          return r.then(
            () => this.decode(src, at),
            (e: unknown) => {
              throw (this.error = e as Error);
            },
          );
        }
      }
      // done with this input once it is consumed and libzstd had no more output to give
      if (at >= src.length && produced < this.out.length) return;
    }
  }

  async end(): Promise<void> {
    if (this.error) throw this.error;
    if (!this.started || this.remaining !== 0) {
      throw (this.error = new ImgsizeError('truncated', 'zstd stream', 'invalid zstd data: the stream ends inside a frame (truncated)'));
    }
    if (!this.released && idleContexts.length < IDLE_CONTEXTS) {
      this.released = true;
      this.ctx.reset(0);
      idleContexts.push(this.ctx);
    }
  }
}

const FZSTD_SLICE = 64 * 1024;

class FzstdDecoder implements Decoder {
  readonly batches = false;
  readonly keepsInput = true;
  private readonly d: FzstdDecompress;
  private error: Error | undefined;
  private pending: Promise<void> | undefined;

  constructor(onData: OnData) {
    this.d = new FzstdDecompress((chunk: Uint8Array) => {
      const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (this.pending) {
        // keep order behind an asynchronous consumer (it must get its own copy)
        const copy = Buffer.from(buf);
        this.pending = this.pending.then(() => onData(copy));
        return;
      }
      const r = onData(buf);
      if (r) this.pending = r;
    });
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.error) throw this.error;
    if (chunk.length <= FZSTD_SLICE) return this.push(chunk, false);
    return this.pushSlices(chunk, 0);
  }

  private pushSlices(chunk: Buffer, from: number): void | Promise<void> {
    for (let at = from; at < chunk.length; at += FZSTD_SLICE) {
      const r = this.push(chunk.subarray(at, Math.min(chunk.length, at + FZSTD_SLICE)), false);
      if (r) return r.then(() => this.pushSlices(chunk, at + FZSTD_SLICE));
    }
  }

  private push(chunk: Uint8Array, final: boolean): void | Promise<void> {
    try {
      this.d.push(chunk, final);
    } catch (e) {
      throw (this.error = wrapZstd(e));
    }
    const p = this.pending;
    if (p) {
      this.pending = undefined;
      return p.catch((e: unknown) => {
        throw (this.error = wrapZstd(e));
      });
    }
  }

  async end(): Promise<void> {
    if (this.error) throw this.error;
    await this.push(new Uint8Array(0), true);
  }
}

function wrapZstd(e: unknown): Error {
  if (e instanceof ImgsizeError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ImgsizeError('corrupt', 'zstd stream', `invalid zstd data: ${msg}`);
}
