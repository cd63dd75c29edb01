/** The findings' default thresholds. */
import type { Thresholds } from './types.js';

/** A model file smaller than this is a test fixture, not worth a finding. */
export const MODEL_FILE_MIN_BYTES = 1_000_000;
/** Caches and VCS folders smaller than this are noise. */
export const CACHE_MIN_BYTES = 100_000;
/** Waste is a finding from this many bytes, or from WASTE_MIN_SHARE of the content. */
export const WASTE_MIN_BYTES = 10_000_000;
export const WASTE_MIN_SHARE = 0.1;

export const DEFAULT_THRESHOLDS: Thresholds = {
  modelFileMinBytes: MODEL_FILE_MIN_BYTES,
  cacheMinBytes: CACHE_MIN_BYTES,
  wasteMinBytes: WASTE_MIN_BYTES,
  wasteMinShare: WASTE_MIN_SHARE,
};
