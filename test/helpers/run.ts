/** Runs the CLI in-process with fake streams. */
import { createReadStream } from 'node:fs';
import { main } from '../../src/cli/main.js';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Bytes (or a file to stream) for stdin; default: an empty, non-TTY stdin. */
  readonly stdin?: Buffer | { readonly file: string };
  readonly stdinIsTTY?: boolean;
  /** stdin is this regular file (as `imgsize < file`): the CLI may open it by path. */
  readonly stdinFile?: string;
  readonly stderrIsTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
}

async function* bufferSource(buf: Buffer, chunk = 64 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
}

export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const src =
    opts.stdin === undefined
      ? bufferSource(Buffer.alloc(0))
      : Buffer.isBuffer(opts.stdin)
        ? bufferSource(opts.stdin)
        : (createReadStream(opts.stdin.file, { highWaterMark: 37 * 1024 }) as AsyncIterable<Buffer>);
  const stdin = Object.assign(src, { isTTY: opts.stdinIsTTY ?? false });
  const code = await main({
    argv,
    stdin,
    ...(opts.stdinFile ? { stdinFile: opts.stdinFile } : {}),
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: opts.stderrIsTTY ?? false },
    // the layer cache only where a test asks for it (--cache, or IMGSIZE_CACHE in its env)
    env: { IMGSIZE_CACHE: 'off', ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}
