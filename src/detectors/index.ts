/** The detector registry: adding an ecosystem is one entry. */
import type { Detector } from './types.js';
import { pip } from './pip.js';
import { dpkg } from './dpkg.js';
import { apk } from './apk.js';
import { npm } from './npm.js';
import { conda } from './conda.js';
import { rpm } from './rpm.js';

export const DETECTORS: readonly Detector[] = [pip, dpkg, apk, npm, conda, rpm];

/** Prepares the detectors that want one of the captured paths (detect stays synchronous and pure). */
export async function prepareDetectors(detectors: readonly Detector[], captured: Iterable<string>): Promise<void> {
  const paths = [...captured];
  await Promise.all(detectors.filter((d) => d.prepare && paths.some((p) => d.wants(p))).map((d) => d.prepare!()));
}

/** The layer scanner's capture hook: the byte cap for a wanted file, else 0. */
export function captureFor(detectors: readonly Detector[] = DETECTORS): (path: string, size: number) => number {
  return (path) => {
    for (const d of detectors) if (d.wants(path)) return d.maxBytes;
    return 0;
  };
}

export type { Detector, DetectedPackage, Ecosystem, MetaFiles } from './types.js';
