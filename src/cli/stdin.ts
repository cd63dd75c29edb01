/**
 * stdin for the CLI (bin/imgsize.js). A pipe (`docker save app | imgsize`) is read into one buffer
 * used again for every read (net.Socket's `onread`): a chunk is valid until the next one is asked
 * for, which the archive reader allows (archive/read-stream.ts: what it keeps it copies). A pipe
 * read through process.stdin hands every 64 KiB over in a new Buffer: gigabytes of them cost the
 * collector and the peak RSS. The pipe is made 1 MiB where it can be (base/pipe-size.ts). A
 * terminal or anything else: process.stdin as it is. Nothing of stdin is touched until it is read.
 */
import { fstatSync } from 'node:fs';
import { reuseReader } from '../base/fd-reader.js';
import { enlargePipe } from '../base/pipe-size.js';
import { isatty } from 'node:tty';

const READ_BYTES = 1 << 20;

export function stdinChunks(fd = 0): AsyncIterable<Buffer> & { readonly isTTY: boolean } {
  const isTTY = isatty(fd);
  return {
    isTTY,
    [Symbol.asyncIterator](): AsyncIterator<Buffer> {
      let pipe = false;
      try {
        const st = fstatSync(fd);
        pipe = !isTTY && (st.isFIFO() || st.isSocket()) && process.platform !== 'win32';
      } catch {
        /* no stdin: process.stdin says so */
      }
      if (pipe) enlargePipe(fd);
      return pipe ? fromPipe(fd) : (process.stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    },
  };
}

/** The chunks of a pipe, each read into the same buffer: the reading waits until the next is asked for. */
async function* fromPipe(fd: number): AsyncGenerator<Buffer> {
  let chunk: Buffer | undefined;
  let done = false;
  let error: Error | undefined;
  let wake: (() => void) | undefined;
  const woken = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const sock = reuseReader(fd, READ_BYTES, (c) => {
    chunk = c;
    woken();
    return false; // paused until this chunk is taken and the next asked for
  });
  sock.on('end', () => ((done = true), woken()));
  sock.on('close', () => ((done = true), woken()));
  sock.on('error', (e: Error) => ((error = e), woken()));
  try {
    for (;;) {
      while (!chunk && !done && !error) await new Promise<void>((r) => (wake = r));
      if (chunk) {
        const c = chunk;
        chunk = undefined;
        yield c;
        sock.resume();
        continue;
      }
      if (error) throw error;
      return;
    }
  } finally {
    sock.destroy();
  }
}
