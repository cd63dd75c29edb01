/** Reads an image folder (an OCI layout) with random access (random-access.ts). */
import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { joinPath, normalizePath } from '../base/paths.js';
import { jsonBudget, type OuterContents, type OuterEntry } from './contents.js';
import { memberSink } from './member-sink.js';
import { openForReading, Progress, pump, readBig, SMALL_FILE_BYTES, type BigMember, type PlanOptions } from './random-access.js';

/** `blobs` or `blobs/<algorithm>` of the layout, a symlink to a folder: the layout's blob store kept elsewhere. */
async function isSharedBlobStore(name: string, abs: string): Promise<boolean> {
  if (!/^blobs(\/[a-z0-9]+)?$/.test(name)) return false;
  try {
    return (await stat(abs)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads an image folder (an OCI layout). Random access allows better than a stream: small files
 * (metadata among them) first, then, when `plan` can tell from them which big blobs the chosen
 * image needs, only those (other platforms' layers are never read). Every file read goes through
 * the same blob sink as a tar member.
 */
export async function readOuterDirectory(root: string, opts: PlanOptions = {}): Promise<OuterContents> {
  const entries = new Map<string, OuterEntry>();
  const json = jsonBudget();
  const files: { name: string; abs: string; size: number }[] = [];
  const progress = new Progress(opts.onProgress);
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 16) return;
    const names = (await readdir(path.join(root, rel))).sort();
    for (const n of names) {
      const relChild = joinPath(rel, n);
      const abs = path.join(root, relChild);
      const st = await lstat(abs);
      const name = normalizePath(Buffer.from(relChild, 'utf8').toString('latin1'));
      if (st.isSymbolicLink() && (await isSharedBlobStore(name, abs))) {
        // a shared blob store (skopeo --shared-blob-dir, a store several layouts link to): the
        // layout's own `blobs` folder, read as if it were here — its files are still regular files
        // named by their digests and verified against them; links inside it are not followed out
        entries.set(name, { kind: 'dir' });
        await walk(relChild, depth + 1);
      } else if (st.isSymbolicLink()) entries.set(name, { kind: 'symlink', target: Buffer.from(await readlink(abs), 'utf8').toString('latin1') });
      else if (st.isDirectory()) {
        entries.set(name, { kind: 'dir' });
        await walk(relChild, depth + 1);
      } else if (st.isFile()) files.push({ name, abs, size: st.size });
    }
  };
  await walk('', 0);
  const contents = (): OuterContents => ({ entries, outerCompression: 'none', isDirectory: true, inputBytes: progress.total });
  for (const f of files) {
    if (f.size > SMALL_FILE_BYTES) continue;
    const fh = await openForReading(f.abs);
    try {
      const sink = memberSink(entries, json, f.name, opts.scan, { size: f.size, cache: opts.cache });
      await pump(fh, 0, f.size, sink, progress, f.abs, { failed: false });
    } finally {
      await fh.close();
    }
  }
  const big = files.filter((f) => f.size > SMALL_FILE_BYTES).map((f): BigMember => ({ name: f.name, size: f.size, open: async () => ({ fh: await openForReading(f.abs), start: 0, close: true }) }));
  await readBig(big, entries, json, contents, opts, progress);
  return contents();
}
