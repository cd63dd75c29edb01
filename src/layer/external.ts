/**
 * A native decoder as a child process, for big blobs (spawning costs a few ms), chosen by
 * measurement (bench/RESULTS.md, "Decoders"): `igzip -dc` (Debian's isal) for gzip whenever it is
 * installed — on real layers it inflates 1.5–1.8× faster than node:zlib, and on another core while
 * this process parses and hashes; `zstd -dcq` for zstd only when neither Node (node:zlib's zstd,
 * Node ≥ 22.15) nor the optional zstd-napi addon can decode it in-process (libzstd in-process is
 * faster than the pipe). The choice `builtin` (IMGSIZE_DECODER=builtin, passed in by the CLI) turns
 * it off, `external` sends zstd to the command too. Bytes go through pipes only: nothing is written
 * to disk.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
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

export class ExternalDecoder implements Decoder {
  readonly batches = true;
  private readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  private error: Error | undefined;
  private stderr = '';
  private readonly done: Promise<void>;
  /** Chunks that came while the consumer was busy, handed over in order once it is done. */
  private readonly queue: Buffer[] = [];
  /** The consumer's work on a chunk, while it is asynchronous: end() waits for it too. */
  private busy: Promise<void> | undefined;
  private readonly onData: (chunk: Buffer) => void | Promise<void>;

  constructor(kind: Exclude<Compression, 'none'>, onData: (chunk: Buffer) => void | Promise<void>) {
    const c = COMMANDS[kind];
    this.onData = onData;
    this.child = spawn(c.cmd, c.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => undefined); // EPIPE when the decoder gives up: reported by its exit
    this.child.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < 500) this.stderr += d.toString();
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.error) return;
      // pause() does not stop a 'data' already on its way: a chunk that comes while the consumer
      // is busy waits its turn (a consumer such as the tar reader takes one chunk at a time)
      if (this.busy) this.queue.push(chunk);
      else this.deliver(chunk);
    });
    const exited = new Promise<number | null>((resolve) => {
      this.child.on('close', (code) => resolve(code));
      this.child.on('error', (e) => {
        this.fail(new ImgsizeError('internal', c.cmd, `cannot run: ${e.message}`));
        resolve(null);
      });
    });
    // all of stdout handed to the consumer: 'end' comes after the last 'data' (never while paused)
    const drained = new Promise<void>((resolve) => {
      this.child.stdout.on('end', resolve);
      this.child.stdout.on('close', resolve);
    });
    this.done = Promise.all([exited, drained]).then(([code]) => {
      if (!this.error && code !== 0) {
        this.error = new ImgsizeError('corrupt', `${kind} stream`, `invalid ${kind} data (${c.cmd}: ${this.stderr.trim().split('\n')[0] || `exit code ${code}`})`);
      }
    });
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
        this.child.stdout.pause();
        this.busy = r.then(
          () => {
            this.busy = undefined;
            const next = this.queue.shift();
            if (next) this.deliver(next);
            if (!this.busy && !this.error) this.child.stdout.resume();
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
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.error) throw this.error;
    if (!this.child.stdin.write(chunk)) {
      // an EPIPE rejects 'drain': the decoder stopped, its exit says why
      return Promise.race([once(this.child.stdin, 'drain').catch(() => this.done), this.done]).then(() => {
        if (this.error) throw this.error;
      });
    }
  }

  async end(): Promise<void> {
    if (!this.error) this.child.stdin.end();
    await this.done;
    // the child may exit before the consumer is done with its last chunks
    while (this.busy) await this.busy;
    if (this.error) throw this.error;
  }
}
