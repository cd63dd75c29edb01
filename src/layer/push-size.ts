/**
 * What pushing an UNCOMPRESSED layer would upload: `docker push` gzips a layer stored plain at
 * the default level (Go's compress/gzip, DefaultCompression), so the stored size says nothing of
 * it. Two ways, both over the layer's bytes as they stream by (nothing is kept but samples):
 *
 * - sampled (default): blocks of SAMPLE_BYTES, evenly spaced, each deflated at level 6 with the
 *   32 KiB before it as a preset dictionary — the window a continuous gzip stream would have —
 *   on libuv's thread pool; the layer's size × (Σ deflated ÷ Σ sampled), plus gzip's 18 bytes of
 *   header and trailer. Small layers are deflated whole (exact for zlib). An estimate.
 * - exact (--exact-push-size): every byte through `gzip -6` (a child process; zlib level 6
 *   where the machine has no gzip).
 */
import { spawn, spawnSync } from 'node:child_process';
import { deflateOnWorker } from './hasher.js';
import zlib from 'node:zlib';
import { ImgsizeError } from '../base/errors.js';

/** Bytes deflated per sample. */
export const SAMPLE_BYTES = 16 << 10;
/** The history a gzip stream has at any point: its 32 KiB window. */
const WINDOW_BYTES = 32 << 10;
/** Layers up to this size are deflated whole. */
export const WHOLE_BYTES = 2 << 20;
/**
 * One sample per SAMPLE_EVERY bytes, but at least MIN_SAMPLES and at most MAX_SAMPLES a layer: the
 * error of the estimate depends on the number of samples (measured: ±3 % at 256 on a node_modules
 * layer, ±1 % at 1,000–2,000), its cost on the bytes deflated (~0.3 ms a sample here).
 */
export const SAMPLE_EVERY = 1 << 20;
export const MIN_SAMPLES = 256;
export const MAX_SAMPLES = 512;
/** gzip's header (10 bytes) and trailer (CRC-32 and length, 8 bytes). */
const GZIP_FRAMING = 18;
/** Samples queued or deflating, per layer: more wait (bounded memory: each holds ≤ 48 KiB). */
const MAX_PENDING = 64;
const LEVEL = 6;

export type PushSizeMode = 'sampled' | 'exact';

export interface PushSize {
  /** Bytes a gzip of the layer tar at the default level takes (exact or estimated). */
  readonly bytes: number;
  /** `exact`: the whole layer went through gzip -6 (or zlib level 6, `exactBy`); else an estimate. */
  readonly method: 'exact' | 'sampled' | 'whole';
  /** Bytes of the layer that were deflated to get the figure. */
  readonly sampledBytes: number;
  /** What compressed them. */
  readonly by: 'gzip -6' | 'zlib level 6';
}

/** Where the samples of a stream of `size` bytes start (evenly spaced; none when deflated whole). */
export function samplePlan(size: number): { stride: number; first: number } | undefined {
  if (size <= WHOLE_BYTES) return undefined;
  // (a small layer is sampled at most every other block: half of it is deflated, not all)
  const samples = Math.min(MAX_SAMPLES, Math.max(MIN_SAMPLES, Math.ceil(size / SAMPLE_EVERY)), Math.floor(size / (2 * SAMPLE_BYTES)));
  const stride = Math.max(2 * SAMPLE_BYTES, Math.floor(size / samples));
  // each sample in the middle of its stride: not biased to the tar headers at stride starts
  return { stride, first: Math.floor((stride - SAMPLE_BYTES) / 2) };
}

/**
 * Fed the layer's bytes in order (or told of bytes skipped, which must not fall in a sample or its
 * window: see `untilNeeded`), finishes with the push size.
 */
export interface PushSizer {
  write(chunk: Buffer): void | Promise<void>;
  /** Bytes from here that the sizer does not need to see (for a reader that jumps). */
  readonly untilNeeded: number;
  skip(n: number): void;
  finish(): Promise<PushSize>;
}

export function createPushSizer(mode: PushSizeMode, size: number | undefined): PushSizer {
  if (mode === 'exact') return hasGzip() ? new GzipCommandSizer() : new WholeSizer('exact');
  // a stream of unknown length: a sample every 2 MiB
  const plan = size === undefined ? { stride: 2 << 20, first: (1 << 20) - SAMPLE_BYTES / 2 } : samplePlan(size);
  return plan ? new SampledSizer(plan.stride, plan.first) : new WholeSizer('whole');
}

/** Deflates the stream whole with zlib level 6 on the thread pool, counting the output. */
class WholeSizer implements PushSizer {
  readonly untilNeeded = 0;
  private readonly z = zlib.createDeflateRaw({ level: LEVEL });
  private out = 0;
  private seen = 0;
  private readonly done: Promise<void>;

  constructor(private readonly method: 'whole' | 'exact') {
    this.z.on('data', (c: Buffer) => void (this.out += c.length));
    this.done = new Promise((resolve, reject) => {
      this.z.on('end', resolve);
      this.z.on('error', reject);
    });
  }

  write(chunk: Buffer): void | Promise<void> {
    this.seen += chunk.length;
    // the zlib stream copies nothing: the caller may reuse the chunk, so hand it a copy
    if (!this.z.write(Buffer.from(chunk))) return new Promise((r) => this.z.once('drain', r));
  }

  skip(): void {
    throw new ImgsizeError('internal', 'push size', 'a layer deflated whole cannot skip bytes');
  }

  async finish(): Promise<PushSize> {
    this.z.end();
    await this.done;
    return { bytes: this.out + GZIP_FRAMING, method: this.method, sampledBytes: this.seen, by: 'zlib level 6' };
  }
}

class SampledSizer implements PushSizer {
  private pos = 0;
  /** Start of the next sample. */
  private next: number;
  /** The sample being gathered: its dictionary and its bytes so far. */
  private dict: Buffer | undefined;
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** The last bytes before `pos` (up to a window), kept only when a sample is near. */
  private tail: Buffer = Buffer.alloc(0);
  private pending = 0;
  private waiting: (() => void) | undefined;
  private error: Error | undefined;
  private deflated = 0;
  private sampled = 0;
  private readonly jobs: Promise<void>[] = [];

  constructor(
    private readonly stride: number,
    first: number,
  ) {
    this.next = first;
  }

  get untilNeeded(): number {
    if (this.dict) return 0;
    return Math.max(0, this.next - WINDOW_BYTES - this.pos);
  }

  skip(n: number): void {
    if (n > this.untilNeeded) throw new ImgsizeError('internal', 'push size', `cannot skip ${n} bytes here`);
    this.pos += n;
    this.tail = Buffer.alloc(0);
  }

  write(chunk: Buffer): void | Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const pos = this.pos + at;
      if (this.dict) {
        // inside a sample: take what it still needs
        const take = Math.min(SAMPLE_BYTES - this.partBytes, chunk.length - at);
        this.parts.push(Buffer.from(chunk.subarray(at, at + take)));
        this.partBytes += take;
        at += take;
        if (this.partBytes === SAMPLE_BYTES) this.emit();
      } else if (pos === this.next) {
        this.dict = windowBefore(this.tail, chunk, at);
      } else {
        at += Math.min(this.next - pos, chunk.length - at);
      }
    }
    this.pos += chunk.length;
    // keep the window before the next sample, if it may start in the next chunk (also while inside
    // a sample: with samples closer than a window, the next one's window holds this one's bytes)
    if (this.dict || this.next - this.pos < WINDOW_BYTES + (1 << 20)) this.tail = windowBefore(this.tail, chunk, chunk.length);
    else this.tail = Buffer.alloc(0);
    if (this.error) throw this.error;
    if (this.pending >= MAX_PENDING) return new Promise((r) => (this.waiting = r));
  }

  private emit(): void {
    const data = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const dict = this.dict!;
    this.parts = [];
    this.partBytes = 0;
    this.dict = undefined;
    this.next += this.stride;
    this.sampled += data.length;
    this.pending++;
    this.jobs.push(
      deflatedSize(dict, data).then(
        (n) => this.settle(n),
        (e: unknown) => this.settle(0, e as Error),
      ),
    );
  }

  private settle(n: number, e?: Error): void {
    if (e) this.error ??= e;
    else this.deflated += n;
    this.pending--;
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  async finish(): Promise<PushSize> {
    if (this.dict && this.partBytes > 0) this.emit(); // the stream ended inside a sample
    await Promise.all(this.jobs);
    if (this.error) throw this.error;
    const size = this.pos;
    const bytes = this.sampled === 0 ? 0 : Math.round((this.deflated / this.sampled) * size);
    return { bytes: bytes + GZIP_FRAMING, method: 'sampled', sampledBytes: this.sampled, by: 'zlib level 6' };
  }
}

/**
 * Deflating runs on a hashing worker (hasher.ts: the sample rides the ring as a record of its own,
 * synchronous zlib there): on the main thread each sample would cost ~0.7 ms of the thread that
 * parses tar headers, zlib's asynchronous API about as much again in stream machinery per call,
 * and a worker of its own ~35 MB of RSS.
 */
async function deflatedSize(dict: Buffer, data: Buffer): Promise<number> {
  try {
    return await deflateOnWorker(dict, data, LEVEL);
  } catch (e) {
    throw new ImgsizeError('internal', 'push size', `zlib could not deflate a sample (${(e as Error).message})`);
  }
}

/** The last WINDOW_BYTES before `chunk[at]`: from the chunk, topped up from the previous tail. */
function windowBefore(tail: Buffer, chunk: Buffer, at: number): Buffer {
  if (at >= WINDOW_BYTES) return Buffer.from(chunk.subarray(at - WINDOW_BYTES, at));
  const fromTail = Math.min(tail.length, WINDOW_BYTES - at);
  return Buffer.concat([tail.subarray(tail.length - fromTail), chunk.subarray(0, at)]);
}

/** Every byte through `gzip -6` (a child process), counting the output. */
class GzipCommandSizer implements PushSizer {
  readonly untilNeeded = 0;
  private readonly child = spawn('gzip', ['-6', '-c', '-n'], { stdio: ['pipe', 'pipe', 'ignore'] });
  private out = 0;
  private seen = 0;
  private readonly done: Promise<number | null>;

  constructor() {
    this.child.stdout.on('data', (c: Buffer) => void (this.out += c.length));
    this.child.stdin.on('error', () => undefined); // a gzip that died: its exit code says so
    this.done = new Promise((resolve) => {
      this.child.on('close', (code) => resolve(code));
      this.child.on('error', () => resolve(null));
    });
  }

  write(chunk: Buffer): void | Promise<void> {
    this.seen += chunk.length;
    if (!this.child.stdin.write(Buffer.from(chunk))) return new Promise((r) => this.child.stdin.once('drain', () => r()));
  }

  skip(): void {
    throw new ImgsizeError('internal', 'push size', 'an exact push size cannot skip bytes');
  }

  async finish(): Promise<PushSize> {
    this.child.stdin.end();
    const code = await this.done;
    if (code !== 0) throw new ImgsizeError('internal', 'gzip', `gzip -6 failed for --exact-push-size (${code === null ? 'cannot run it' : `exit code ${code}`})`);
    return { bytes: this.out, method: 'exact', sampledBytes: this.seen, by: 'gzip -6' };
  }
}

let gzipFound: boolean | undefined;
function hasGzip(): boolean {
  gzipFound ??= spawnSync('sh', ['-c', 'command -v gzip'], { stdio: 'ignore' }).status === 0;
  return gzipFound;
}
