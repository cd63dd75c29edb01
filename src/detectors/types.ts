/**
 * Package detectors are declarative: which small files they need captured while a layer streams
 * by (`wants`), and a pure parser from those files to packages and the paths each one lists.
 */
export type { Ecosystem } from '../report/schema.js';
import type { Ecosystem } from '../report/schema.js';
import { ListBudget } from './budget.js';

/** The metadata files of the final filesystem, keyed by normalised path (raw bytes as latin1). */
export type MetaFiles = ReadonlyMap<string, Buffer>;

export interface DetectedPackage {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly version: string | null;
  /** Where it is installed (site-packages, node_modules), when that says something. */
  readonly location?: string;
  /** Normalised paths the package's own metadata lists (files; directories are skipped later). */
  readonly paths?: readonly string[];
  /** For folder-based ecosystems (npm): the folder whose files belong to the package. */
  readonly folder?: string;
  /** Folders inside `folder` that belong to other packages (nested node_modules). */
  readonly excludeUnder?: string;
  /** How bytes were attributed when the package has no file list of its own. */
  readonly attribution?: string;
  /** conda: the build string (`py311h…_0`, `cuda118…`). */
  readonly build?: string;
  /** conda: the channel's name (conda-forge, pytorch, nvidia). */
  readonly channel?: string;
  /** Its metadata was not read whole (a file over its cap, a list past the image's budget): the report warns. */
  readonly limited?: boolean;
}

/** What one image gives its detectors beside the files: the bound on what parsing them expands to. */
export interface DetectContext {
  readonly budget: ListBudget;
  /** Metadata files this detector wanted that were over its cap: present, not captured (path → bytes). */
  readonly oversize: ReadonlyMap<string, number>;
}

/** A context for a detector run on files alone (unit tests): no budget but the path length. */
export function looseContext(): DetectContext {
  return { budget: ListBudget.unbounded(), oversize: new Map() };
}

export interface Detector {
  readonly ecosystem: Ecosystem;
  /** Largest metadata file captured for it; bigger ones are skipped (and said so). */
  readonly maxBytes: number;
  /** True if the file at this normalised path is metadata this detector reads. */
  wants(path: string): boolean;
  /** Loads what `detect` needs (a WebAssembly module), once; awaited before detect when it wants a captured file. */
  prepare?(): Promise<void>;
  detect(files: MetaFiles, ctx?: DetectContext): DetectedPackage[];
}
