/** Reads an uncompressed archive file with random access (random-access.ts). */
import { sniffCompression } from '../layer/decompress.js';
import { normalizePath } from '../base/paths.js';
import { TarReader, type TarEntry } from '../tar/reader.js';
import { concatenated, jsonBudget, type OuterContents, type OuterEntry } from './contents.js';
import { recordNonFile, tarMemberSink } from './member-sink.js';
import { closeAfter, INDEX_READ_BYTES, openForReading, Progress, readAt, readBig, SMALL_FILE_BYTES, type BigMember, type PlanOptions } from './random-access.js';
import { pastZeroTail } from './read-stream.js';

/**
 * Reads an uncompressed archive FILE with random access: its headers and small members (the
 * metadata) first, jumping over big members, then only the big members the chosen image needs,
 * two at once (two layers keep both cores busy). Each byte is still read at most once.
 * Returns undefined when the archive needs the streaming reader (compressed, or sparse members).
 */
export async function readOuterFile(file: string, size: number, opts: PlanOptions = {}): Promise<OuterContents | undefined> {
  const fh = await openForReading(file);
  try {
    const head = Buffer.alloc(Math.min(size, 8));
    await readAt(fh, head, head.length, 0, file);
    if (size < 512 || sniffCompression(head) !== 'none') return undefined;
    const progress = new Progress(opts.onProgress);
    const entries = new Map<string, OuterEntry>();
    const json = jsonBudget();
    const big = new Map<string, BigMember>();
    let sparse = false;
    const tar: TarReader = new TarReader({
      entry: (e: TarEntry) => {
        const name = normalizePath(e.name);
        big.delete(name); // a later member of the same name wins, as when streaming
        if (e.type === 'file') {
          if (e.typeflag === 'S') sparse = true;
          if (e.dataBytes <= SMALL_FILE_BYTES) return tarMemberSink(entries, json, name, opts.scan, e.dataBytes, opts.cache);
          entries.delete(name);
          const start = tar.position;
          big.set(name, { name, size: e.dataBytes, open: async () => ({ fh, start, close: false }) });
          return undefined;
        }
        recordNonFile(entries, name, e);
        return undefined;
      },
    });
    let pos = 0;
    while (pos < size && !sparse) {
      if (pastZeroTail(tar)) break;
      const want = Math.min(INDEX_READ_BYTES, size - pos);
      const buf = Buffer.allocUnsafe(want);
      const bytesRead = await readAt(fh, buf, want, pos, file);
      if (bytesRead === 0) break;
      pos += bytesRead;
      progress.add(bytesRead);
      const r = tar.write(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      if (r) await r;
      const gap = Math.min(tar.skippable, size - pos);
      if (gap > 0) {
        tar.skip(gap);
        pos += gap;
      }
    }
    if (sparse) return undefined;
    tar.end();
    if (tar.trailingData) throw concatenated();
    const contents = (): OuterContents => ({ entries, outerCompression: 'none', isDirectory: false, inputBytes: progress.total });
    await readBig([...big.values()], entries, json, contents, opts, progress);
    return contents();
  } finally {
    await closeAfter(fh, opts.pending);
  }
}
