/** The decompression-bomb rules for a layer (and for an archive compressed as a whole). */
import { ImgsizeError } from '../base/errors.js';
import type { ScanOptions } from './types.js';

/** Real layers end with at most a few KiB of zero padding; far more is a decompression bomb. */
export const DEFAULT_MAX_TRAILING_BYTES = 16 << 20;
/**
 * Past 1 GiB of output, a stream that inflated more than 1000:1 overall is refused as a bomb:
 * that takes nearly pure zeros (gzip peaks at ~1032:1, zstd reaches millions:1 on crafted input);
 * real layers, even with large zero-filled files among real ones, stay far below.
 */
export const DEFAULT_MAX_RATIO = 1_000;
/** Output a stream must pass before the ratio rule applies. */
export const RATIO_FLOOR = 1 << 30;

/** The bomb rule, for a layer and for an archive compressed as a whole: past ratioFloor of output, more than maxRatio:1 overall is refused. */
export function checkInflation(outBytes: number, inBytes: number, limits: Pick<ScanOptions, 'maxRatio' | 'ratioFloor'> | undefined, what: 'layer' | 'archive', subject: string): void {
  if (outBytes <= (limits?.ratioFloor ?? RATIO_FLOOR)) return;
  const maxRatio = limits?.maxRatio ?? DEFAULT_MAX_RATIO;
  const ratio = outBytes / Math.max(1, inBytes);
  if (ratio > maxRatio) {
    throw new ImgsizeError('limit', what, `decompression bomb: ${subject} inflated to ${outBytes} bytes from ${inBytes} (ratio over ${Math.floor(ratio)}:1)`);
  }
}

/**
 * Data after the end-of-archive marker is legal (eStargz keeps its TOC there, tar tools ignore it),
 * but gigabytes of zeros after it are a decompression bomb. `tail`: bytes after the marker, all zero.
 */
export function checkTrailing(tail: number, limits: Pick<ScanOptions, 'maxTrailingBytes'>): void {
  const max = limits.maxTrailingBytes ?? DEFAULT_MAX_TRAILING_BYTES;
  if (tail > max) {
    throw new ImgsizeError('limit', 'layer', `decompression bomb: over ${max} zero bytes after the end of the tar archive`);
  }
}
