/**
 * Streaming decoders for layer blobs, chosen once from the blob's magic bytes.
 * gzip: node:zlib (inflates on libuv's thread pool, so it overlaps with hashing and tar parsing
 * on the main thread). zstd: node:zlib's own decoder when the running Node has it, else fzstd
 * (pure JS, streaming) — Node 20 has no zstd in zlib.
 */
import zlib from 'node:zlib';
import { once } from 'node:events';
import { Decompress as FzstdDecompress } from 'fzstd';
import { ImgsizeError } from '../errors.js';
import { ExternalDecoder, externalDecoderFor } from './external.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

export interface Decoder {
  write(chunk: Buffer): void | Promise<void>;
  end(): Promise<void>;
}

type OnData = (chunk: Buffer) => void | Promise<void>;

const hasNativeZstd = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';

export function zstdDecoderName(): string {
  return hasNativeZstd ? 'node:zlib' : 'fzstd';
}

/** Blobs at least this big go to an external decoder when the machine has one. */
export const EXTERNAL_MIN_BYTES = 16 << 20;

export function createDecoder(kind: Exclude<Compression, 'none'>, onData: OnData, sizeHint = 0): Decoder {
  if (sizeHint >= EXTERNAL_MIN_BYTES && externalDecoderFor(kind, hasNativeZstd)) return new ExternalDecoder(kind, onData);
  // Transform options zlib passes on: room for a few output chunks ahead, and for 2 MiB of input
  // (pipes deliver 64 KiB chunks; waiting for 'drain' after each one costs a round trip)
  const opts = { chunkSize: 1 << 20, readableHighWaterMark: 4 << 20, writableHighWaterMark: 2 << 20 } as zlib.ZlibOptions;
  if (kind === 'gzip') return new ZlibDecoder(zlib.createGunzip(opts), onData, 'gzip');
  if (hasNativeZstd) {
    const create = (zlib as unknown as { createZstdDecompress: (o?: object) => zlib.Gunzip }).createZstdDecompress;
    return new ZlibDecoder(create(opts), onData, 'zstd');
  }
  return new FzstdDecoder(onData);
}

class ZlibDecoder implements Decoder {
  private error: Error | undefined;
  private readonly done: Promise<void>;

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
            r.then(
              () => {
                waiting = false;
                drainReadable();
              },
              (e: unknown) => {
                this.error ??= e as Error;
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
    if (this.error) throw this.wrap(this.error);
  }

  private wrap(e: Error): Error {
    if (e instanceof ImgsizeError) return e;
    return new ImgsizeError('corrupt', `${this.kind} stream`, `invalid ${this.kind} data: ${e.message}`);
  }
}

const FZSTD_SLICE = 64 * 1024;

class FzstdDecoder implements Decoder {
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
