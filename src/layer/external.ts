/**
 * A native decoder as a child process, for big blobs (spawning costs a few ms), chosen by
 * measurement (bench/RESULTS.md, "Decoders"): `igzip -dc` (Debian's isal) for gzip whenever it is
 * installed — on real layers it inflates 1.5–1.8× faster than node:zlib, and on another core while
 * this process parses and hashes; `zstd -dcq` for zstd only when neither Node (node:zlib's zstd,
 * Node ≥ 22.15) nor the optional zstd-napi addon can decode it in-process (libzstd in-process is
 * faster than the pipe). The choice `builtin` (IMGSIZE_DECODER=builtin, passed in by the CLI) turns
 * it off, `external` sends zstd to the command too. Bytes go through pipes only (of 1 MiB where
 * base/pipe-size.ts can make them so): nothing is written to disk.
 *
 * The decoded bytes come back through a FIFO read into one buffer used again and again (net.Socket's
 * `onread`), when the consumer copies what it keeps (`reuseOutput`): a child's stdout pipe hands
 * every 64 KiB read over in a new Buffer, and 2 GB of those cost 1.3 s more CPU and 15 MB more
 * peak RSS (four 500 MB gzip layers, igzip). Without `mkfifo`, off the main thread, or when the
 * consumer keeps chunks, the plain pipe.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, unlinkSync } from 'node:fs';
import type { Socket } from 'node:net';
import { reuseReader } from '../base/fd-reader.js';
import { withBigPipes } from '../base/pipe-size.js';
import { isMainThread, threadId } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ImgsizeError } from '../base/errors.js';
import type { Compression, Decoder, DecoderChoice } from './decoder.js';

const COMMANDS: Record<Exclude<Compression, 'none'>, { cmd: string; args: string[] }> = {
  gzip: { cmd: 'igzip', args: ['-dc'] },
  zstd: { cmd: 'zstd', args: ['-dcq', '--no-progress'] },
};

const found = new Map<string, boolean>();

function available(cmd: string): boolean {
  let ok = found.get(cmd);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
    found.set(cmd, ok);
  }
  return ok;
}

/** The external command that would decode this compression here, if any. */
export function externalDecoderFor(kind: Exclude<Compression, 'none'>, nativeZstd: boolean, choice: DecoderChoice = 'auto'): string | undefined {
  if (choice === 'builtin') return undefined;
  if (kind === 'zstd' && nativeZstd && choice !== 'external') return undefined;
  const c = COMMANDS[kind];
  return available(c.cmd) ? c.cmd : undefined;
}

/** Output read through a FIFO into this many bytes, used again for every read. */
const FIFO_READ_BYTES = 1 << 20;
let fifos = 0;

/**
 * A FIFO for a child's stdout: the read end (non-blocking, for a net.Socket) and the write end
 * (blocking, the child's stdout); its name is unlinked as soon as both are open. Undefined where
 * FIFOs cannot be made.
 */
function openFifo(): { read: number; write: number } | undefined {
  // (on the main thread only: in worker threads — vitest's, a library caller's — Node 20 aborted in
  // libuv's signal handler when such a socket's worker ended, now and then)
  if (!isMainThread || process.platform === 'win32' || !available('mkfifo')) return undefined;
  const name = path.join(tmpdir(), `imgsize-${process.pid}-${threadId}-${fifos++}.fifo`);
  if (spawnSync('mkfifo', ['-m', '600', name], { stdio: 'ignore' }).status !== 0) return undefined;
  let read: number | undefined;
  try {
    read = openSync(name, constants.O_RDONLY | constants.O_NONBLOCK);
    return { read, write: openSync(name, constants.O_WRONLY) };
  } catch {
    if (read !== undefined) closeSync(read);
    return undefined;
  } finally {
    try {
      unlinkSync(name);
    } catch {
      /* gone already */
    }
  }
}

export class ExternalDecoder implements Decoder {
  readonly batches = true;
  /** write's promise settles once the child's stdin is done with the chunk. */
  readonly keepsInput = false;
  private readonly child: ChildProcess & { stdin: Writable; stderr: Readable };
  /** Where the decoded bytes come from: the child's stdout, or the read end of its FIFO. */
  private readonly out: Socket | Readable;
  /** Which of the two (for the tests). */
  readonly via: 'fifo' | 'pipe';
  private error: Error | undefined;
  private stderr = '';
  private readonly done: Promise<void>;
  /** Chunks that came while the consumer was busy, handed over in order once it is done. */
  private readonly queue: Buffer[] = [];
  /** The consumer's work on a chunk, while it is asynchronous: end() waits for it too. */
  private busy: Promise<void> | undefined;
  private readonly onData: (chunk: Buffer) => void | Promise<void>;

  /** `reuseOutput`: the consumer copies what it keeps, so one buffer can take every read (a FIFO). */
  constructor(kind: Exclude<Compression, 'none'>, onData: (chunk: Buffer) => void | Promise<void>, reuseOutput = false) {
    const c = COMMANDS[kind];
    this.onData = onData;
    const fifo = reuseOutput ? openFifo() : undefined;
    this.via = fifo ? 'fifo' : 'pipe';
    const run = withBigPipes(c.cmd, c.args);
    this.child = spawn(run.cmd, run.args, { stdio: ['pipe', fifo ? fifo.write : 'pipe', 'pipe'] }) as ChildProcess & { stdin: Writable; stderr: Readable };
    this.child.stdin.on('error', () => undefined); // EPIPE when the decoder gives up: reported by its exit
    this.child.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < 500) this.stderr += d.toString();
    });
    if (fifo) {
      closeSync(fifo.write); // the child holds it now: its exit ends the stream
      // the buffer is read into again after the callback returns, unless it says false (paused until resumed)
      const sock = reuseReader(fifo.read, FIFO_READ_BYTES, (chunk, socket) => (this.error ? false : this.deliverNow(chunk, socket)));
      this.out = sock;
    } else {
      const stdout = this.child.stdout!;
      stdout.on('data', (chunk: Buffer) => {
        if (this.error) return;
        // pause() does not stop a 'data' already on its way: a chunk that comes while the consumer
        // is busy waits its turn (a consumer such as the tar reader takes one chunk at a time)
        if (this.busy) this.queue.push(chunk);
        else this.deliver(chunk);
      });
      this.out = stdout;
    }
    this.out.on('error', (e: Error) => this.fail(new ImgsizeError('internal', c.cmd, `cannot read its output: ${e.message}`)));
    const exited = new Promise<number | null>((resolve) => {
      this.child.on('close', (code) => resolve(code));
      this.child.on('error', (e) => {
        this.fail(new ImgsizeError('internal', c.cmd, `cannot run: ${e.message}`));
        resolve(null);
      });
    });
    // all of stdout handed to the consumer: 'end' comes after the last 'data' (never while paused)
    const drained = new Promise<void>((resolve) => {
      this.out.on('end', resolve);
      this.out.on('close', resolve);
    });
    this.done = Promise.all([exited, drained]).then(([code]) => {
      if (!this.error && code !== 0) {
        this.error = new ImgsizeError('corrupt', `${kind} stream`, `invalid ${kind} data (${c.cmd}: ${this.stderr.trim().split('\n')[0] || `exit code ${code}`})`);
      }
    });
  }

  /**
   * A chunk read into the FIFO's buffer, handed over at once; while the consumer works on it
   * asynchronously the socket is paused (false), and resumed when it is done with the buffer.
   */
  private deliverNow(chunk: Buffer, sock: Socket): boolean {
    let r: void | Promise<void>;
    try {
      r = this.onData(chunk);
    } catch (e) {
      this.fail(e as Error);
      return false;
    }
    if (!r) return true;
    this.busy = r.then(
      () => {
        this.busy = undefined;
        if (!this.error) sock.resume();
      },
      (e: unknown) => {
        this.busy = undefined;
        this.fail(e as Error);
      },
    );
    return false;
  }

  /** Hands chunks to the consumer in order; while it works asynchronously, stdout is paused. */
  private deliver(first: Buffer): void {
    let chunk: Buffer | undefined = first;
    while (chunk && !this.error) {
      let r: void | Promise<void>;
      try {
        r = this.onData(chunk);
      } catch (e) {
        this.fail(e as Error);
        return;
      }
      if (r) {
        this.out.pause();
        this.busy = r.then(
          () => {
            this.busy = undefined;
            const next = this.queue.shift();
            if (next) this.deliver(next);
            if (!this.busy && !this.error) this.out.resume();
          },
          (e: unknown) => {
            this.busy = undefined;
            this.queue.length = 0;
            this.fail(e as Error);
          },
        );
        return;
      }
      chunk = this.queue.shift();
    }
  }

  private fail(e: Error): void {
    this.error ??= e;
    this.child.kill();
    this.out.destroy();
  }

  write(chunk: Buffer): Promise<void> {
    return this.writeChunks([chunk]);
  }

  /**
   * Settles once the child's stdin has handed the chunks to the kernel (their write callbacks, in
   * order): the caller may then write into them again, so nobody copies them for the child.
   */
  writeChunks(chunks: Buffer[]): Promise<void> {
    if (this.error) throw this.error;
    const stdin = this.child.stdin;
    let taken: Promise<void> = Promise.resolve();
    if (chunks.length > 1) stdin.cork();
    // (an EPIPE when the decoder gave up fails the write: its exit says why)
    for (const c of chunks) taken = new Promise((resolve) => stdin.write(c, () => resolve()));
    if (chunks.length > 1) stdin.uncork();
    return Promise.race([taken, this.done]).then(() => {
      if (this.error) throw this.error;
    });
  }

  async end(): Promise<void> {
    if (!this.error) this.child.stdin.end();
    await this.done;
    // the child may exit before the consumer is done with its last chunks
    while (this.busy) await this.busy;
    if (this.error) throw this.error;
  }
}
