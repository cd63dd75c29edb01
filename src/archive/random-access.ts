/**
 * What the two random-access readers (an archive file, an image folder) share: small members
 * (the metadata) are read first, then only the big members the chosen image needs (`plan`),
 * largest first, two at once; each byte is read at most once here, and what the member sink says
 * nobody needs is jumped over (the skip protocol, tar/reader.ts). A plain blob is hashed by a
 * hashing worker that reads its range of the file itself (from the page cache), while this thread
 * reads only its tar headers and the push-size samples.
 */
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { ImgsizeError } from '../base/errors.js';
import { bySizeDown, eachAtOnce } from '../base/pool.js';
import { cannotRead, type JsonBudget, type OuterContents, type OuterEntry, type ReadOptions } from './contents.js';
import { cachedName, looksLikeJson, memberSink, withDiffId, type BlobSink } from './member-sink.js';
import { hashFileRange } from '../layer/hasher.js';
import { digestInName } from './metadata.js';

/** Members up to this size are read first from a file or folder: metadata lives among them. */
export const SMALL_FILE_BYTES = 1 << 20;
/** Bytes per read from a file. */
const READ_BYTES = 1 << 20;
/** Reads of the outer tar's headers and small members. */
export const INDEX_READ_BYTES = 64 << 10;
/** Bytes per read while skipping file contents: enough for the headers and small files between jumps. */
const SKIP_READ_BYTES = 64 << 10;
/** Big blobs read at once: inflating, parsing and hashing two layers keeps two cores busy. */
const CONCURRENT_BLOBS = Math.max(1, Math.min(2, availableParallelism()));

export type PlanOptions = ReadOptions & {
  /** Which big members the image needs, once the small ones (the metadata) are read; undefined: all. */
  readonly plan?: (small: OuterContents) => Set<string> | undefined;
};

/** A member too big to be metadata, read after the plan says it is needed. */
export interface BigMember {
  readonly name: string;
  readonly size: number;
  /** Where its bytes are: an open file and the range in it. */
  readonly open: () => Promise<{ fh: FileHandle; start: number; close: boolean }>;
}

/** Counts bytes read, and reports how far the reading got (bytes read or jumped over). */
export class Progress {
  private done = 0;
  /** Bytes actually read. */
  total = 0;
  constructor(private readonly report?: (bytesRead: number) => void) {}
  /** Bytes handled so far: read or jumped over. */
  get handled(): number {
    return this.done;
  }
  add(n: number): void {
    this.total += n;
    this.skipped(n);
  }
  skipped(n: number): void {
    this.done += n;
    this.report?.(this.done);
  }
}

export async function openForReading(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (e) {
    throw cannotRead(file, e);
  }
}

/**
 * Feeds `length` bytes at `start` of a file to a blob sink, jumping over what the sink says
 * nobody needs. Each byte is read at most once, into one buffer used again for every read: a blob
 * sink is done with a chunk when its write returns (or its promise settles) and copies what it
 * keeps (member-sink.ts), so a gigabyte costs no gigabyte of fresh buffers for the collector.
 * While the sink skips (a plain layer that is not hashed), reads are small and synchronous: they
 * fetch tar headers between jumps, and a round trip through the thread pool would cost more than
 * the read.
 */
export async function pump(fh: FileHandle, start: number, length: number, sink: BlobSink, progress: Progress, what: string, stop: { failed: boolean }): Promise<void> {
  let pos = start;
  const end = start + length;
  let own: Buffer | undefined;
  while (pos < end && !stop.failed) {
    const skipping = sink.skipping;
    const want = Math.min(skipping ? SKIP_READ_BYTES : READ_BYTES, end - pos);
    own ??= Buffer.allocUnsafe(Math.min(READ_BYTES, length));
    const bytesRead = skipping ? readAtSync(fh, own, want, pos, what) : await readAt(fh, own, want, pos, what);
    if (bytesRead === 0) throw new ImgsizeError('truncated', what, `truncated: the file ends ${end - pos} bytes early`);
    pos += bytesRead;
    progress.add(bytesRead);
    const r = sink.write(own.subarray(0, bytesRead));
    if (r) await r;
    const gap = Math.min(sink.skippable, end - pos);
    if (gap > 0) {
      sink.skip(gap);
      pos += gap;
      progress.skipped(gap);
    }
  }
  await sink.end();
}

export function readAtSync(fh: FileHandle, buf: Buffer, want: number, pos: number, what: string): number {
  try {
    return readSync(fh.fd, buf, 0, want, pos);
  } catch (e) {
    throw cannotRead(what, e);
  }
}

export async function readAt(fh: FileHandle, buf: Buffer, want: number, pos: number, what: string): Promise<number> {
  try {
    return (await fh.read(buf, 0, want, pos)).bytesRead;
  } catch (e) {
    throw cannotRead(what, e);
  }
}

/**
 * Reads the big members the plan asks for (all when it cannot tell), largest first, a few at once.
 * A needed member reached through a link is not known by name here: then all are read.
 */
export async function readBig(big: readonly BigMember[], entries: Map<string, OuterEntry>, json: JsonBudget, contents: () => OuterContents, opts: PlanOptions, progress: Progress): Promise<void> {
  if (big.length === 0) return;
  let needed = opts.plan?.(contents());
  if (needed && [...needed].some((n) => !big.some((b) => b.name === n) && entries.get(n)?.kind !== 'file')) needed = undefined;
  const todo = bySizeDown(big.filter((b) => !needed || needed.has(b.name)));
  await opts.cache?.prefetch?.(todo.map((b) => digestInName(b.name)).filter((d): d is string => d !== undefined));
  const stop = { failed: false };
  let finished = 0;
  const bytes = progress.handled + todo.reduce((a, b) => a + b.size, 0);
  opts.onPhase?.({ done: 0, of: todo.length, bytes });
  const one = async (b: BigMember): Promise<void> => {
    // not verified and its scan cached: not read at all
    const named = opts.verify === false && opts.cache ? digestInName(b.name) : undefined;
    const hit = named ? opts.cache!.get(named) : undefined;
    if (hit) {
      entries.set(b.name, { kind: 'file', blob: { name: b.name, size: b.size, digest: undefined, scan: hit } });
      progress.skipped(b.size);
      return;
    }
    const { fh, start, close } = await b.open();
    /** A check left running that reads `fh`: it is closed once that ends. */
    let reading: Promise<void> | undefined;
    try {
      const named = cachedName(b.name, opts.cache);
      if (named && !startsLikeJson(fh, start, b.size, displayName(b.name))) {
        // its scan is cached: only hashed, by a hashing worker reading the file itself while the
        // entry is read here
        const hashing = hashRange(fh, start, b.size, displayName(b.name));
        const cached = opts.cache!.get(named);
        if (cached) {
          progress.add(b.size);
          entries.set(b.name, { kind: 'file', blob: { name: b.name, size: b.size, digest: named, scan: withDiffId(cached, named) } });
          const check = hashing.then((digest) => {
            if (digest !== named) throw new ImgsizeError('digest-mismatch', displayName(b.name), `digest mismatch: its name says ${named}, its bytes hash to ${digest}`);
          });
          if (!opts.pending) return await check;
          check.catch(() => undefined); // awaited by the front door, later
          opts.pending.push(check);
          reading = check;
          return;
        }
        // the entry was damaged (and is gone): the member is read as if nothing were cached
        await hashing.catch(() => undefined);
      }
      // a plain blob is hashed by a hashing worker reading the file (see BlobSink's rangeHash)
      let hashed: Promise<string> | undefined;
      const rangeHash = opts.verify === false ? undefined : () => (hashed = hashRange(fh, start, b.size, displayName(b.name)));
      const sink = memberSink(entries, json, b.name, opts.scan, { size: b.size, skipContents: opts.verify === false, cache: opts.cache, rangeHash });
      try {
        await pump(fh, start, b.size, sink, progress, displayName(b.name), stop);
      } finally {
        // the worker reads `fh`: it is closed (or read on) only after the worker is done with it
        await hashed?.catch(() => undefined);
      }
    } finally {
      if (close) await closeAfter(fh, reading && [reading]);
    }
  };
  await eachAtOnce(
    todo,
    CONCURRENT_BLOBS,
    async (b) => {
      await one(b);
      opts.onPhase?.({ done: ++finished, of: todo.length, bytes });
    },
    stop,
  );
}

/**
 * Closes `fh` — once the checks that may still read it have ended, when there are any (then not
 * waited for here: the front door waits for the checks).
 */
export async function closeAfter(fh: FileHandle, checks: readonly Promise<void>[] | undefined): Promise<void> {
  if (!checks || checks.length === 0) return fh.close();
  void Promise.allSettled(checks)
    .then(() => fh.close())
    .catch(() => undefined);
}

/** Whether a member begins like JSON (then it is read through its sink, which keeps JSON). */
function startsLikeJson(fh: FileHandle, start: number, size: number, what: string): boolean {
  const head = Buffer.alloc(Math.min(64, size));
  return looksLikeJson(head.subarray(0, readAtSync(fh, head, head.length, start, what)));
}

/** The sha256 of a member's bytes, read and hashed on a hashing worker. */
async function hashRange(fh: FileHandle, start: number, size: number, what: string): Promise<string> {
  try {
    return await hashFileRange(fh.fd, start, size);
  } catch (e) {
    const message = (e as Error).message;
    if (message.startsWith('truncated')) throw new ImgsizeError('truncated', what, message);
    throw cannotRead(what, e);
  }
}

export function displayName(name: string): string {
  return Buffer.from(name, 'latin1').toString('utf8');
}
