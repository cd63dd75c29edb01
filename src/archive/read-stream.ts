/**
 * Reads the OUTER archive (a docker save / OCI tar, as a whole plain, gzip or zstd) from a stream,
 * in one pass: every member goes through the member sink. Nothing is written to disk.
 */
import type { Compression } from '../layer/decoder.js';
import { createDecoder, sniffCompression } from '../layer/decompress.js';
import { normalizePath } from '../base/paths.js';
import { checkInflation } from '../layer/guards.js';
import { ImgsizeError } from '../base/errors.js';
import { TarReader, type TarEntry } from '../tar/reader.js';
import { concatenated, jsonBudget, type OuterContents, type OuterEntry, type ReadOptions } from './contents.js';
import { recordNonFile, tarMemberSink } from './member-sink.js';

/** Zeros read after the outer archive's end marker before the rest of the input is ignored. */
const MAX_ZERO_TAIL = 1 << 20;

/** Past the end marker only zero padding belongs to the archive: after MAX_ZERO_TAIL of it, stop reading. */
export function pastZeroTail(tar: TarReader): boolean {
  return tar.ended && !tar.trailingData && tar.position - tar.endOffset > MAX_ZERO_TAIL;
}

/**
 * Reads an outer tar archive (plain, gzip or zstd) from a stream of chunks. A chunk need only stay
 * valid until the next is asked for (stdin may read into one buffer): what is kept is copied.
 */
export async function readOuterStream(input: AsyncIterable<Buffer>, opts: ReadOptions = {}): Promise<OuterContents> {
  const entries = new Map<string, OuterEntry>();
  const json = jsonBudget();
  const tar = new TarReader({
    entry: (e: TarEntry) => {
      const name = normalizePath(e.name);
      if (e.type === 'file') return tarMemberSink(entries, json, name, opts.scan, e.dataBytes, opts.cache);
      recordNonFile(entries, name, e);
      return undefined;
    },
  });

  let outerCompression: Compression | undefined;
  let decoder: ReturnType<typeof createDecoder> | undefined;
  let inputBytes = 0;
  const head: Buffer[] = [];
  let headBytes = 0;

  const push = async (chunk: Buffer): Promise<void> => {
    if (decoder) {
      const r = decoder.write(decoder.keepsInput ? Buffer.from(chunk) : chunk);
      if (r) await r;
    } else {
      const r = tar.write(chunk);
      if (r) await r;
    }
  };

  const startWith = async (first: Buffer): Promise<void> => {
    outerCompression = sniffCompression(first);
    if (outerCompression !== 'none') {
      // the decoder pauses while the tar reader waits on a member's sink (backpressure); the same
      // bomb rule as for layers: past 1 GiB, more than maxRatio:1 overall is refused
      const subject = `the ${outerCompression} archive`;
      let outBytes = 0;
      decoder = createDecoder(
        outerCompression,
        (out) => {
          outBytes += out.length;
          checkInflation(outBytes, inputBytes, opts.scan, 'archive', subject);
          return tar.write(out);
        },
        // the archive's size is not known from a pipe: taken as big (an external decoder pays off)
        { sizeHint: Number.MAX_SAFE_INTEGER, ...(opts.scan?.decoder ? { choice: opts.scan.decoder } : {}) },
      );
    }
    await push(first);
  };

  for await (const raw of input) {
    // a little of the zero tail is checked (two archives concatenated are refused below),
    // an endless tail is not read
    if (pastZeroTail(tar)) break;
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw as Uint8Array);
    inputBytes += chunk.length;
    opts.onProgress?.(inputBytes);
    if (outerCompression === undefined) {
      head.push(Buffer.from(chunk));
      headBytes += chunk.length;
      if (headBytes < 4) continue;
      await startWith(Buffer.concat(head));
      continue;
    }
    await push(chunk);
  }
  if (outerCompression === undefined) {
    if (headBytes === 0) throw new ImgsizeError('input', 'input', 'empty input (0 bytes): not an image archive');
    await startWith(Buffer.concat(head));
  }
  const stoppedEarly = pastZeroTail(tar);
  if (decoder && !stoppedEarly) {
    await decoder.end();
  }
  tar.end();
  if (tar.trailingData) throw concatenated();
  return { entries, outerCompression: outerCompression ?? 'none', isDirectory: false, inputBytes };
}
