/**
 * What a finding is made of (a registry entry, one file per finding) and what it is given: the
 * final filesystem, the layers' entries, the packages, the waste, and the final paths it asked for.
 */
import type { LayerScan } from '../../layer/types.js';
import { displayPath } from '../../base/paths.js';
import type { Finding, FindingCode, FindingItem, ReportPackage } from '../../report/schema.js';
import type { FsNode } from '../squash.js';

/** Thresholds below which a finding stays quiet (their defaults in thresholds.ts, stated in the titles). */
export interface Thresholds {
  readonly modelFileMinBytes: number;
  readonly cacheMinBytes: number;
  readonly wasteMinBytes: number;
  readonly wasteMinShare: number;
}

/** A file of the final filesystem (path normalised, no leading /; layer index from 0). */
export interface FinalFile {
  readonly path: string;
  readonly bytes: number;
  readonly layer: number;
}

export interface FindingsInput {
  readonly thresholds?: Partial<Thresholds>;
  /** torchCudaLibraries(root), when the caller already has it. */
  readonly torchCudaLibraries?: readonly FinalFile[];
  readonly root: FsNode;
  readonly layers: readonly Pick<LayerScan, 'files'>[];
  readonly packages: readonly ReportPackage[];
  readonly contentBytes: number;
  readonly wastedBytes: number;
  /** Wasted paths (layer indexes, 0-based, as squash() gives them). */
  readonly wasted: readonly { path: string; bytes: number; layer: number; by: number }[];
}

/** What a finding's rule looks at: the input, the thresholds in force, and the final files it wanted. */
export interface FindingContext {
  readonly input: FindingsInput;
  readonly th: Thresholds;
  /** Final files (and symlinks) whose path matches this finding's `paths`. */
  readonly finals: readonly FinalFile[];
}

/** A finding's figures when it fires; code and fix come from its definition. */
export type Detected = Pick<Finding, 'bytes' | 'title' | 'items'> & { readonly severity?: Finding['severity'] };

export interface FindingDefinition {
  readonly code: FindingCode;
  readonly severity: Finding['severity'];
  /** When it fires, for people (the README's findings table is made from it: npm run generate). */
  readonly when: string;
  /** The fix suggested with it. */
  readonly fix: string;
  /** The fix in a few words, for the README's table. */
  readonly fixInShort: string;
  /** Final paths it looks at: one walk of the final filesystem keeps only the paths some finding wants. */
  readonly paths?: RegExp;
  /** The thresholds it uses. */
  readonly thresholds?: readonly (keyof Thresholds)[];
  detect(ctx: FindingContext): Detected | undefined;
}

/** Largest first (sorts in place and returns the array). */
export function byBytes<T extends { bytes: number }>(xs: T[]): T[] {
  return xs.sort((a, b) => b.bytes - a.bytes);
}

export function pkgItem(p: ReportPackage): FindingItem {
  return { package: p.name, version: p.version, bytes: p.bytes };
}

export function fileItem(f: FinalFile): FindingItem {
  return { path: `/${displayPath(f.path)}`, bytes: f.bytes, layer: f.layer + 1 };
}

/** The folders (up to 4 levels deep) holding the files, with their bytes, largest first. */
export function topFolders(files: readonly { path: string; bytes: number }[]): FindingItem[] {
  const dirs = new Map<string, number>();
  for (const f of files) {
    const parts = f.path.split('/');
    const key = parts.slice(0, Math.min(parts.length - 1, 4)).join('/');
    dirs.set(key, (dirs.get(key) ?? 0) + f.bytes);
  }
  return [...dirs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p, bytes]) => ({ path: `/${displayPath(p)}`, bytes }));
}

/** Installed-package folders: files there belong to a package, not copied in by hand. */
export const PKG_DIR = /(^|\/)((site|dist)-packages|node_modules)\//;
