/**
 * sha256 on the second core. Layer bytes are hashed twice (the blob as stored, the tar as
 * decompressed); doing it on the main thread serialises it with inflating and parsing. Chunks go
 * to one worker thread in order; the worker acknowledges what it hashed so that the bytes in
 * flight stay bounded (backpressure), and `digest()` resolves with `sha256:<hex>`.
 * Small inputs (tests, metadata) are hashed inline: a worker only pays off for big streams.
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(new Uint8Array(m.buf, m.off, m.len));
    parentPort.postMessage({ op: 'ack', len: m.len });
  } else if (m.op === 'digest') {
    const h = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ op: 'digest', id: m.id, hex: h.digest('hex') });
  }
});
`;

/** Bytes queued to the worker before producers are asked to wait. */
const MAX_IN_FLIGHT = 32 << 20;
/** Streams shorter than this are hashed on the main thread. */
const INLINE_BYTES = 4 << 20;

class HashWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private readonly digests = new Map<number, (hex: string) => void>();
  private pending = 0;
  private failure: Error | undefined;

  private get w(): Worker {
    if (!this.worker) {
      this.worker = new Worker(WORKER_SOURCE, { eval: true });
      this.worker.on('message', (m: { op: string; len?: number; id?: number; hex?: string }) => {
        if (m.op === 'ack') {
          this.inFlight -= m.len!;
          if (this.inFlight <= MAX_IN_FLIGHT / 2) this.wake();
        } else if (m.op === 'digest') {
          this.pending--;
          const r = this.digests.get(m.id!);
          this.digests.delete(m.id!);
          r?.(m.hex!);
          if (this.pending === 0) this.worker?.unref();
        }
      });
      this.worker.on('error', (e) => {
        this.failure = e;
        this.wake();
        for (const r of this.digests.values()) r('');
      });
      this.worker.unref();
    }
    return this.worker;
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  open(): number {
    return this.nextId++;
  }

  /** Queues a copy of the bytes; returns a promise when the caller should wait. */
  update(id: number, chunk: Uint8Array): void | Promise<void> {
    if (this.failure) throw this.failure;
    const w = this.w;
    if (this.pending === 0 && this.inFlight === 0) w.ref();
    const copy = new Uint8Array(chunk.byteLength);
    copy.set(chunk);
    this.inFlight += copy.byteLength;
    w.postMessage({ op: 'update', id, buf: copy.buffer, off: 0, len: copy.byteLength }, [copy.buffer]);
    if (this.inFlight > MAX_IN_FLIGHT) return new Promise((r) => this.waiters.push(r));
  }

  digest(id: number): Promise<string> {
    const w = this.w;
    this.pending++;
    w.ref();
    return new Promise((resolve, reject) => {
      this.digests.set(id, (hex) => (this.failure ? reject(this.failure) : resolve(`sha256:${hex}`)));
      w.postMessage({ op: 'digest', id });
    });
  }
}

let shared: HashWorker | undefined;

/**
 * A streaming sha256. Starts inline; once the stream passes INLINE_BYTES it moves to the worker
 * (the inline part is handed over as a first chunk, so order is kept).
 */
export class StreamHash {
  private inline: Hash | undefined = createHash('sha256');
  private inlineParts: Buffer[] = [];
  private inlineBytes = 0;
  private id = 0;

  update(chunk: Buffer): void | Promise<void> {
    if (this.inline) {
      this.inlineParts.push(Buffer.from(chunk));
      this.inline.update(chunk);
      this.inlineBytes += chunk.length;
      if (this.inlineBytes < INLINE_BYTES) {
        // keep references only while small; they are handed to the worker on the switch
        return;
      }
      // switch to the worker: replay what was seen so far
      shared ??= new HashWorker();
      this.id = shared.open();
      this.inline = undefined;
      const parts = this.inlineParts;
      this.inlineParts = [];
      let wait: void | Promise<void> = undefined;
      for (const p of parts) wait = shared.update(this.id, p) ?? wait;
      return wait;
    }
    return shared!.update(this.id, chunk);
  }

  async digest(): Promise<string> {
    if (this.inline) return `sha256:${this.inline.digest('hex')}`;
    return shared!.digest(this.id);
  }
}
