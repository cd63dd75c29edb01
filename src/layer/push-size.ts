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
  /** The sample being gathered, in a slot: its dictionary, then its bytes so far. */
  private slot: Buffer | undefined;
  private dictBytes = 0;
  private partBytes = 0;
  /**
   * Slots the worker's ring has taken a copy of, to gather samples in again: a reader that jumps
   * over file contents gathers samples faster than the collector frees buffers made for each.
   */
  private readonly free: Buffer[] = [];
  /**
   * The last bytes before `pos` (up to a window), kept only when a sample is near: in one buffer
   * used again (a reader that jumps over file contents hands over many small chunks).
   */
  private readonly tail = Buffer.allocUnsafe(WINDOW_BYTES);
  private tailBytes = 0;
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
    if (this.slot) return 0;
    return Math.max(0, this.next - WINDOW_BYTES - this.pos);
  }

  skip(n: number): void {
    if (n > this.untilNeeded) throw new ImgsizeError('internal', 'push size', `cannot skip ${n} bytes here`);
    this.pos += n;
    this.tailBytes = 0;
  }

  write(chunk: Buffer): void | Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const pos = this.pos + at;
      if (this.slot) {
        // inside a sample: take what it still needs
        const take = Math.min(SAMPLE_BYTES - this.partBytes, chunk.length - at);
        chunk.copy(this.slot, this.dictBytes + this.partBytes, at, at + take);
        this.partBytes += take;
        at += take;
        if (this.partBytes === SAMPLE_BYTES) this.emit();
      } else if (pos === this.next) {
        this.startSample(chunk, at);
      } else {
        at += Math.min(this.next - pos, chunk.length - at);
      }
    }
    this.pos += chunk.length;
    // keep the window before the next sample, if it may start in the next chunk (also while inside
    // a sample: with samples closer than a window, the next one's window holds this one's bytes)
    if (this.slot || this.next - this.pos < WINDOW_BYTES + (1 << 20)) this.keepTail(chunk);
    else this.tailBytes = 0;
    if (this.error) throw this.error;
    if (this.pending >= MAX_PENDING) return new Promise((r) => (this.waiting = r));
  }

  /** A sample starts at `chunk[at]`: its dictionary is the last WINDOW_BYTES before it. */
  private startSample(chunk: Buffer, at: number): void {
    const slot = (this.slot = this.free.pop() ?? Buffer.allocUnsafe(WINDOW_BYTES + SAMPLE_BYTES));
    const fromChunk = Math.min(at, WINDOW_BYTES);
    const fromTail = Math.min(this.tailBytes, WINDOW_BYTES - fromChunk);
    this.tail.copy(slot, 0, this.tailBytes - fromTail, this.tailBytes);
    chunk.copy(slot, fromTail, at - fromChunk, at);
    this.dictBytes = fromTail + fromChunk;
    this.partBytes = 0;
  }

  /** Keeps the last WINDOW_BYTES of what was seen, `chunk` being its newest bytes. */
  private keepTail(chunk: Buffer): void {
    if (chunk.length >= WINDOW_BYTES) {
      chunk.copy(this.tail, 0, chunk.length - WINDOW_BYTES);
      this.tailBytes = WINDOW_BYTES;
      return;
    }
    const keep = Math.min(this.tailBytes, WINDOW_BYTES - chunk.length);
    this.tail.copy(this.tail, 0, this.tailBytes - keep, this.tailBytes);
    chunk.copy(this.tail, keep);
    this.tailBytes = keep + chunk.length;
  }

  private emit(): void {
    const slot = this.slot!;
    const dict = slot.subarray(0, this.dictBytes);
    const data = slot.subarray(this.dictBytes, this.dictBytes + this.partBytes);
    this.slot = undefined;
    this.next += this.stride;
    this.sampled += data.length;
    this.pending++;
    const { copied, size } = deflatedSize(dict, data);
    void copied.then(
      () => this.free.push(slot),
      () => undefined,
    );
    this.jobs.push(
      size.then(
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
    if (this.slot && this.partBytes > 0) this.emit(); // the stream ended inside a sample
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
function deflatedSize(dict: Buffer, data: Buffer): { copied: Promise<void>; size: Promise<number> } {
  const job = deflateOnWorker(dict, data, LEVEL);
  const wrap = (e: unknown): never => {
    throw new ImgsizeError('internal', 'push size', `zlib could not deflate a sample (${(e as Error).message})`);
  };
  return { copied: job.copied, size: job.size.catch(wrap) };
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
