/**
 * A native decoder as a child process: `zstd -dcq` when neither Node (node:zlib's zstd, Node ≥ 22.15)
 * nor the optional zstd-napi addon can decode zstd in-process, and `igzip -dc` for gzip when asked.
 * It decodes on another core while this process parses and hashes. Only for big blobs (spawning costs
 * a few ms). The choice `builtin` (IMGSIZE_DECODER=builtin, passed in by the CLI) turns it off, `external` sends zstd and gzip to
 * these commands (measured slower than the in-process decoders here, see bench/RESULTS.md). Bytes go
 * through pipes only: nothing is written to disk.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { ImgsizeError } from '../errors.js';
import type { Compression, Decoder, DecoderChoice } from './decompress.js';

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
  if (kind === 'gzip' && choice !== 'external') return undefined;
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
  /** The consumer's work on chunks, while it is asynchronous: end() waits for it too. */
  private readonly consuming = new Set<Promise<void>>();

  constructor(kind: Exclude<Compression, 'none'>, onData: (chunk: Buffer) => void | Promise<void>) {
    const c = COMMANDS[kind];
    this.child = spawn(c.cmd, c.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => undefined); // EPIPE when the decoder gives up: reported by its exit
    this.child.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < 500) this.stderr += d.toString();
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.error) return;
      try {
        const r = onData(chunk);
        if (r) {
          // pause() may not stop a 'data' already on its way: several chunks can be in the
          // consumer's hands at once, and end() waits for all of them
          this.child.stdout.pause();
          const p: Promise<void> = r.then(
            () => {
              this.consuming.delete(p);
              if (this.consuming.size === 0) this.child.stdout.resume();
            },
            (e: unknown) => {
              this.consuming.delete(p);
              this.fail(e as Error);
            },
          );
          this.consuming.add(p);
        }
      } catch (e) {
        this.fail(e as Error);
      }
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
    while (this.consuming.size > 0) await Promise.all([...this.consuming]);
    if (this.error) throw this.error;
  }
}
