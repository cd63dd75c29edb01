/**
 * sha256 on the other cores. Layer bytes are hashed twice (the blob as stored, the tar as
 * decompressed); on the main thread that would serialise with inflating and parsing. Chunks are
 * copied into a fixed shared ring buffer that a worker thread drains in order: no allocation per
 * chunk, bounded memory, and the producer waits (asynchronously) only when the ring is full.
 * Up to two rings (4 MiB each), each with its worker: a stream goes to the least busy one, so the
 * compressed and the decompressed stream of a layer (or two layers read at once) hash in parallel.
 * Streams shorter than INLINE_BYTES are hashed inline: a worker only pays off for big ones.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startWorker } from './worker.js';
import { availableParallelism } from 'node:os';

const RING_BYTES = 4 << 20;
const INLINE_BYTES = 4 << 20;
const WAKE_BYTES = 1 << 20;
const HEADER = 8;
const PAD = 0xffffffff;
const DIGEST = 0xfffffffe;
/** A record that is no stream's bytes but a push-size sample to deflate (push-size.ts). */
const SAMPLE = 0xfffffffd;
/** A sample record's own header: job, dictionary length, zlib level. */
const SAMPLE_HEADER = 12;
/** The length word of a record that asks for a byte range of a file hashed: fd, start, length. */
const RANGE = 0xfffffffc;
const RANGE_BYTES = 24;
/** Bytes per read of a range, in the worker. */
const RANGE_READ_BYTES = 1 << 20;
/** Samples deflated between two full collections of the worker's heap (see drainRing). */
const SAMPLES_PER_GC = 128;
// control words: 0 write offset, 1 read offset, 2 bytes in use, 3 worker sleeping
const W = 0;
const R = 1;
const USED = 2;
const SLEEPING = 3;

/** The ring's layout, as the worker reads it. */
const RING = { W, R, USED, SLEEPING, HEADER, PAD, DIGEST, SAMPLE, SAMPLE_HEADER, RANGE, RANGE_BYTES, RANGE_READ_BYTES, SAMPLES_PER_GC } as const;

/**
 * The worker: drains the ring in order, one sha256 per stream id, and posts each digest asked for;
 * a sample record is deflated (zlib, raw, with its dictionary) and its deflated size posted. The
 * push-size estimate's samples ride on the hashing workers: a worker of their own cost ~35 MB of RSS.
 * A range record names a byte range of an open file: the worker reads and hashes it itself (a
 * cached layer of an archive file is only hashed, and its bytes need not cross the main thread).
 * Each deflate leaves a zlib handle whose memory goes only with a full collection, which this small
 * heap seldom needs by itself: one every SAMPLES_PER_GC samples (measured on the real plain image:
 * peak RSS 200–209 → 180–188 MB, same time).
 */
function drainRing(
  wt: typeof import('node:worker_threads'),
  crypto: typeof import('node:crypto'),
  zlib: typeof import('node:zlib'),
  fs: typeof import('node:fs'),
  v8: typeof import('node:v8'),
  vm: typeof import('node:vm'),
  k: typeof RING,
): void {
  const { ctrl: ctrlBuf, data: dataBuf, size } = wt.workerData as { ctrl: SharedArrayBuffer; data: SharedArrayBuffer; size: number };
  const port = wt.parentPort!;
  const ctrl = new Int32Array(ctrlBuf);
  const data = new Uint8Array(dataBuf);
  const view = new DataView(dataBuf);
  const hashes = new Map<number, import('node:crypto').Hash>();
  let rangeBuf: Uint8Array | undefined;
  let samples = 0;
  let collect: (() => void) | undefined;
  const hashRange = (fd: number, start: number, length: number): string => {
    const h = crypto.createHash('sha256');
    rangeBuf ??= new Uint8Array(k.RANGE_READ_BYTES);
    let pos = start;
    const end = start + length;
    while (pos < end) {
      const n = fs.readSync(fd, rangeBuf, 0, Math.min(rangeBuf.length, end - pos), pos);
      if (n === 0) throw new Error(`truncated: the file ends ${end - pos} bytes early`);
      h.update(rangeBuf.subarray(0, n));
      pos += n;
    }
    return h.digest('hex');
  };
  for (;;) {
    if (Atomics.load(ctrl, k.USED) === 0) {
      // say we sleep, then look again: a producer that adds after this sees the flag and wakes us
      Atomics.store(ctrl, k.SLEEPING, 1);
      while (Atomics.load(ctrl, k.USED) === 0) Atomics.wait(ctrl, k.USED, 0);
      Atomics.store(ctrl, k.SLEEPING, 0);
    }
    let r = Atomics.load(ctrl, k.R);
    const id = view.getUint32(r, true);
    const len = view.getUint32(r + 4, true);
    let consumed: number;
    if (id === k.PAD) {
      consumed = size - r;
      r = 0;
    } else if (id === k.SAMPLE) {
      const at = r + k.HEADER;
      const job = view.getUint32(at, true);
      const dictLen = view.getUint32(at + 4, true);
      const level = view.getUint32(at + 8, true);
      const dict = data.subarray(at + k.SAMPLE_HEADER, at + k.SAMPLE_HEADER + dictLen);
      const sample = data.subarray(at + k.SAMPLE_HEADER + dictLen, at + len);
      let n = -1;
      try {
        n = zlib.deflateRawSync(sample, dictLen > 0 ? { level, dictionary: dict } : { level }).length;
      } catch {}
      if (++samples % k.SAMPLES_PER_GC === 0) {
        // (V8's gc(), exposed at run time: a context made after the flag has it)
        collect ??= (v8.setFlagsFromString('--expose-gc'), vm.runInNewContext('gc') as () => void);
        collect();
      }
      port.postMessage({ job, n });
      const rec = k.HEADER + ((len + 7) & ~7);
      consumed = rec;
      r += rec;
    } else if (len === k.RANGE) {
      const at = r + k.HEADER;
      try {
        port.postMessage({ id, hex: hashRange(view.getUint32(at, true), view.getFloat64(at + 8, true), view.getFloat64(at + 16, true)) });
      } catch (e) {
        port.postMessage({ id, hex: '', error: (e as Error).message });
      }
      consumed = k.HEADER + k.RANGE_BYTES;
      r += consumed;
    } else if (len === k.DIGEST) {
      const h = hashes.get(id) ?? crypto.createHash('sha256');
      hashes.delete(id);
      port.postMessage({ id, hex: h.digest('hex') });
      consumed = k.HEADER;
      r += k.HEADER;
    } else {
      let h = hashes.get(id);
      if (!h) hashes.set(id, (h = crypto.createHash('sha256')));
      h.update(data.subarray(r + k.HEADER, r + k.HEADER + len));
      const rec = k.HEADER + ((len + 7) & ~7);
      consumed = rec;
      r += rec;
    }
    if (r >= size) r = 0;
    Atomics.store(ctrl, k.R, r);
    Atomics.sub(ctrl, k.USED, consumed);
    Atomics.notify(ctrl, k.USED);
  }
}

class HashRing {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(16));
  private readonly dataBuf = new SharedArrayBuffer(RING_BYTES);
  private readonly data = new Uint8Array(this.dataBuf);
  private readonly view = new DataView(this.dataBuf);
  private readonly worker: Worker;
  private nextId = 1;
  private pendingDigests = new Map<number, (hex: string, error?: string) => void>();
  private pendingSamples = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  private nextJob = 1;
  private failure: Error | undefined;
  /** Writes waiting for room, in order. */
  private queue: Promise<void> | undefined;

  constructor() {
    this.worker = startWorker(['node:worker_threads', 'node:crypto', 'node:zlib', 'node:fs', 'node:v8', 'node:vm'], drainRing, RING, {
      workerData: { ctrl: this.ctrl.buffer, data: this.dataBuf, size: RING_BYTES },
      // a small young generation: the samples' zlib buffers are collected often, not by the tens of MB
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 },
    });
    this.worker.on('message', (m: { id: number; hex: string; error?: string } | { job: number; n: number }) => {
      if ('job' in m) {
        const s = this.pendingSamples.get(m.job);
        this.pendingSamples.delete(m.job);
        if (m.n < 0) s?.reject(new Error('zlib could not deflate a sample'));
        else s?.resolve(m.n);
      } else {
        const r = this.pendingDigests.get(m.id);
        this.pendingDigests.delete(m.id);
        r?.(m.hex, m.error);
      }
      if (this.pendingDigests.size === 0 && this.pendingSamples.size === 0) this.worker.unref();
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      for (const r of this.pendingDigests.values()) r('');
      for (const s of this.pendingSamples.values()) s.reject(e);
      this.pendingSamples.clear();
    });
    this.worker.unref();
  }

  /** Samples sent and not yet answered. */
  get samplesOut(): number {
    return this.pendingSamples.size;
  }

  /**
   * The size of `sample` deflated raw at `level` with `dict` as its history, by the worker;
   * `copied` settles once the ring holds a copy of both (the caller may then reuse them).
   */
  deflatedSize(dict: Uint8Array, sample: Uint8Array, level: number): { copied: Promise<void>; size: Promise<number> } {
    if (this.failure) return { copied: Promise.reject(this.failure), size: Promise.reject(this.failure) };
    const job = this.nextJob++;
    const len = SAMPLE_HEADER + dict.length + sample.length;
    const answer = new Promise<number>((resolve, reject) => this.pendingSamples.set(job, { resolve, reject }));
    answer.catch(() => undefined); // reported through `size`
    this.worker.ref();
    const copied = this.record(HEADER + ((len + 7) & ~7), (w) => {
      this.view.setUint32(w, SAMPLE, true);
      this.view.setUint32(w + 4, len, true);
      this.view.setUint32(w + HEADER, job, true);
      this.view.setUint32(w + HEADER + 4, dict.length, true);
      this.view.setUint32(w + HEADER + 8, level, true);
      this.data.set(dict, w + HEADER + SAMPLE_HEADER);
      this.data.set(sample, w + HEADER + SAMPLE_HEADER + dict.length);
    });
    copied.catch(() => this.pendingSamples.delete(job));
    return { copied, size: copied.then(() => answer) };
  }

  /** A record of `bytes` written whole by `fill` once there is room, and the worker woken for it. */
  private async record(bytes: number, fill: (w: number) => void): Promise<void> {
    for (;;) {
      const w = this.reserve(bytes);
      if (w !== undefined) {
        fill(w);
        this.commit(w, bytes, true);
        return;
      }
      await this.waitForRoom();
      if (this.failure) throw this.failure;
    }
  }

  /** Streams opened and not yet digested. */
  openStreams = 0;

  open(): number {
    this.openStreams++;
    return this.nextId++;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  /** Room for `need` contiguous bytes (plus a pad record to wrap), or undefined. */
  private reserve(need: number): number | undefined {
    const used = Atomics.load(this.ctrl, USED);
    let w = Atomics.load(this.ctrl, W);
    const tail = RING_BYTES - w;
    if (tail < need) {
      // wrap: a pad record fills the tail, if the whole of it plus `need` fits
      if (used + tail + need > RING_BYTES) return undefined;
      this.view.setUint32(w, PAD, true);
      this.view.setUint32(w + 4, 0, true);
      Atomics.store(this.ctrl, W, 0);
      Atomics.add(this.ctrl, USED, tail);
      if (Atomics.load(this.ctrl, SLEEPING) === 1) Atomics.notify(this.ctrl, USED);
      w = 0;
      return used + tail + need <= RING_BYTES ? w : undefined;
    }
    return used + need <= RING_BYTES ? w : undefined;
  }

  /**
   * Publishes a record. A sleeping worker is woken only once WAKE_BYTES wait (or when `force`d, for
   * a digest): waking it per 64 KiB pipe chunk costs a futex call and a context switch each.
   */
  private commit(w: number, bytes: number, force = false): void {
    let next = w + bytes;
    if (next >= RING_BYTES) next = 0;
    Atomics.store(this.ctrl, W, next);
    const used = Atomics.add(this.ctrl, USED, bytes) + bytes;
    if ((force || used >= WAKE_BYTES) && Atomics.load(this.ctrl, SLEEPING) === 1) Atomics.notify(this.ctrl, USED);
  }

  /** Copies as much as fits now; returns the bytes of `chunk` left to write. */
  private writeSome(id: number, chunk: Uint8Array, from: number): number {
    let off = from;
    while (off < chunk.length) {
      const maxData = Math.min(chunk.length - off, RING_BYTES / 4);
      const len = maxData;
      const rec = HEADER + ((len + 7) & ~7);
      const w = this.reserve(rec);
      if (w === undefined) return off;
      this.view.setUint32(w, id, true);
      this.view.setUint32(w + 4, len, true);
      this.data.set(chunk.subarray(off, off + len), w + HEADER);
      this.commit(w, rec);
      off += len;
    }
    return off;
  }

  /** Resolves once the worker consumed something. The timer keeps the event loop alive. */
  private async waitForRoom(): Promise<void> {
    const used = Atomics.load(this.ctrl, USED);
    if (used === 0) return;
    if (Atomics.load(this.ctrl, SLEEPING) === 1) Atomics.notify(this.ctrl, USED);
    const r = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync(this.ctrl, USED, used);
    if (!r.async) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([r.value, new Promise<void>((res) => (timer = setTimeout(res, 5)))]);
    clearTimeout(timer);
  }

  update(id: number, chunk: Uint8Array): void | Promise<void> {
    if (this.failure) throw this.failure;
    let p: Promise<void>;
    if (this.queue) {
      const c = new Uint8Array(chunk); // the caller may reuse its buffer while we wait
      p = this.queue.then(() => this.writeAll(id, c, 0));
    } else {
      const off = this.writeSome(id, chunk, 0);
      if (off === chunk.length) return;
      p = this.writeAll(id, new Uint8Array(chunk.subarray(off)), 0);
    }
    this.queue = p;
    void p.then(
      () => {
        if (this.queue === p) this.queue = undefined;
      },
      () => undefined,
    );
    return p;
  }

  private async writeAll(id: number, chunk: Uint8Array, from: number): Promise<void> {
    let off = from;
    for (;;) {
      off = this.writeSome(id, chunk, off);
      if (off === chunk.length) return;
      await this.waitForRoom();
      if (this.failure) throw this.failure;
    }
  }

  digest(id: number): Promise<string> {
    return this.ask(id, HEADER, (w) => {
      this.view.setUint32(w, id, true);
      this.view.setUint32(w + 4, DIGEST, true);
    });
  }

  /** The sha256 of `length` bytes at `start` of open file `fd`, read and hashed by the worker. */
  hashRange(fd: number, start: number, length: number): Promise<string> {
    const id = this.open();
    return this.ask(id, HEADER + RANGE_BYTES, (w) => {
      this.view.setUint32(w, id, true);
      this.view.setUint32(w + 4, RANGE, true);
      this.view.setUint32(w + HEADER, fd, true);
      this.view.setFloat64(w + HEADER + 8, start, true);
      this.view.setFloat64(w + HEADER + 16, length, true);
    });
  }

  /** Writes the record that closes stream `id` and waits for its digest. */
  private async ask(id: number, bytes: number, fill: (w: number) => void): Promise<string> {
    if (this.queue) await this.queue;
    const hex = new Promise<{ hex: string; error: string | undefined }>((resolve) => this.pendingDigests.set(id, (hex, error) => resolve({ hex, error })));
    this.worker.ref();
    let h: { hex: string; error: string | undefined };
    try {
      await this.record(bytes, fill);
      h = await hex;
    } finally {
      this.openStreams--;
    }
    if (this.failure) throw this.failure;
    if (h.error !== undefined) throw new Error(h.error);
    return `sha256:${h.hex}`;
  }
}

/** Rings with their workers, started as needed: two streams hashed at once use two cores. */
const rings: HashRing[] = [];
const MAX_RINGS = Math.max(1, Math.min(2, availableParallelism()));

/** The running ring with the least `load`, if any runs. */
function leastBusy(load: (r: HashRing) => number): HashRing | undefined {
  let best = rings[0];
  for (const r of rings) if (load(r) < load(best!)) best = r;
  return best;
}

/** The ring with the fewest open streams; a new one while fewer than MAX_RINGS run. */
function pickRing(): HashRing {
  let best = leastBusy((r) => r.openStreams);
  if (!best || (best.openStreams > 0 && rings.length < MAX_RINGS)) {
    best = new HashRing();
    rings.push(best);
  }
  return best;
}

/**
 * Stops the hashing workers and frees their rings when no stream is being hashed (a later stream
 * starts new ones): their heaps and rings need not stay for the analysis that follows reading.
 */
export async function releaseHashing(): Promise<void> {
  if (rings.some((r) => r.openStreams > 0 || r.samplesOut > 0)) return;
  const all = rings.splice(0);
  await Promise.all(all.map((r) => r.terminate()));
}

/**
 * The deflated size of a push-size sample (raw deflate at `level`, `dict` its history), on a hashing
 * worker: the least busy ring, started if none runs.
 */
export function deflateOnWorker(dict: Uint8Array, sample: Uint8Array, level: number): { copied: Promise<void>; size: Promise<number> } {
  let best = leastBusy((r) => r.openStreams + r.samplesOut);
  if (!best) {
    best = new HashRing();
    rings.push(best);
  }
  return best.deflatedSize(dict, sample, level);
}

/**
 * The sha256 of `length` bytes at `start` of the open file `fd`, read and hashed on a hashing
 * worker: the bytes never reach this thread. The caller keeps `fd` open until it settles.
 */
export function hashFileRange(fd: number, start: number, length: number): Promise<string> {
  return pickRing().hashRange(fd, start, length);
}

/**
 * A streaming sha256. Starts inline; once the stream passes INLINE_BYTES it moves to the worker
 * (what was seen so far is handed over first, so order is kept).
 */
export class StreamHash {
  private inline: Hash | undefined = createHash('sha256');
  private inlineParts: Buffer[] = [];
  private inlineBytes = 0;
  private id = 0;
  private ring: HashRing | undefined;

  update(chunk: Buffer): void | Promise<void> {
    if (this.inline) {
      this.inlineParts.push(Buffer.from(chunk));
      this.inline.update(chunk);
      this.inlineBytes += chunk.length;
      if (this.inlineBytes < INLINE_BYTES) return;
      const ring = (this.ring = pickRing());
      this.id = ring.open();
      this.inline = undefined;
      const parts = this.inlineParts;
      this.inlineParts = [];
      let wait: Promise<void> | undefined;
      for (const p of parts) wait = ring.update(this.id, p) ?? wait;
      return wait;
    }
    return this.ring!.update(this.id, chunk);
  }

  async digest(): Promise<string> {
    if (this.inline) return `sha256:${this.inline.digest('hex')}`;
    return this.ring!.digest(this.id);
  }
}
