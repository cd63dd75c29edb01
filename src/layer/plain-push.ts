/**
 * When a plain (uncompressed) blob gets a push-size estimate: only once it shows a tar entry (junk
 * and JSON members never cost a compressor), within the archive's budget of sized layers, with the
 * bytes that came before handed over.
 */
import { createPushSizer, type PushSizer } from './push-size.js';
import type { ScanHints, ScanOptions } from './types.js';

/** Plain layers sized for a push, per archive (Docker allows 127 layers an image). */
export const MAX_SIZED_LAYERS = 1024;
/** Bytes kept while waiting for the first tar entry; past them the blob is not sized. */
const WAIT_BYTES = 2 << 20;

/** A tar header's magic or a plausible first header (not JSON, not text): worth sizing for a push. */
export function looksLikeTar(head: Buffer): boolean {
  const c = head[0];
  return c !== undefined && c !== 0x7b && c !== 0x5b && c !== 0x20 && c !== 0x0a;
}

/** Holds a plain blob's first bytes until it shows a tar entry, then starts its sizer. */
export class SizerWaiting {
  private readonly waiting: Buffer[] = [];

  constructor(
    private readonly opts: Pick<ScanOptions, 'pushSize' | 'pushBudget'>,
    private readonly hints: ScanHints,
  ) {}

  /**
   * `chunk` has been read through the tar reader: `entries` members seen, `ended` at its end, `seen`
   * bytes in all. Returns the sizer once started (it has had every chunk so far), `null` when the
   * blob will not be sized, undefined while still waiting.
   */
  next(chunk: Buffer, entries: number, ended: boolean, seen: number): PushSizer | null | undefined {
    if (entries === 0 && !ended) {
      if (seen > WAIT_BYTES) return null;
      this.waiting.push(Buffer.from(chunk));
      return undefined;
    }
    const budget = this.opts.pushBudget;
    if (budget) {
      if (budget.left <= 0) return null;
      budget.left--;
    }
    const sizer = createPushSizer(this.opts.pushSize === 'exact' ? 'exact' : 'sampled', this.hints.size);
    for (const c of this.waiting) void sizer.write(c); // (at most WAIT_BYTES: the sizer takes it without waiting)
    this.waiting.length = 0;
    return sizer;
  }
}
