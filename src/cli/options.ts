/** The options of the commands, checked and turned into values before anything is read. */
import type { ContextFiles } from '../fix/fixes.js';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ImgsizeError } from '../base/errors.js';
import type { SourceFlag } from '../source/resolve.js';
import { parseSize, SIZE_EXAMPLE } from '../base/size.js';
import type { DecoderChoice } from '../layer/decoder.js';
import type { OutputFormat } from '../render/output.js';
import { MAX_TREE_NODES } from '../report/limits.js';
import { type Io, inCwd } from './io.js';

export interface CommonOptions {
  platform?: string;
  /** --image, repeatable: diff takes one per side (one names both). */
  image?: string[];
  json?: boolean;
  format?: OutputFormat;
  top?: string;
  depth: string;
  treeNodes: string;
  verify: boolean;
  maxRatio: string;
  quiet?: boolean;
  progress: boolean;
  debug?: boolean;
  exactPushSize?: boolean;
  manifestOnly?: boolean;
  insecureRegistry?: string[];
  html?: string;
  source?: SourceFlag;
  context?: string;
  fixPatch?: string;
  /** --cache DIR (a string), --no-cache (false), neither (undefined: IMGSIZE_CACHE, else the platform's cache folder). */
  cache?: string | false;
}

export interface GateOptions {
  budget?: string;
  metric?: string;
  maxLayers?: string;
  baseline?: string;
  maxGrowth?: string;
  config?: string;
}

export function outputFormat(o: CommonOptions): OutputFormat {
  return o.json ? 'json' : (o.format ?? 'table');
}

export function wantsHtml(o: CommonOptions): boolean {
  return o.html !== undefined || outputFormat(o) === 'html';
}

/** The output format of a manifest-only read, which has no HTML page (no files, no tree). */
export function textFormat(o: CommonOptions): Exclude<OutputFormat, 'html'> {
  const f = outputFormat(o);
  if (f === 'html' || o.html !== undefined) throw new ImgsizeError('usage', '--manifest-only', 'has no HTML report: the page shows the files, which a manifest-only read does not see');
  return f;
}

/** Rows per table in text and Markdown: --top, else 10. */
export function textTop(o: CommonOptions): number {
  return o.top === undefined ? 10 : Number(o.top);
}

/** Options every command checks before reading anything, whatever the input (archive or saved report). */
export function checkCommon(io: Io, o: CommonOptions): void {
  if (o.top !== undefined) wholeNumber(o.top, '--top');
  if (o.html === '' || o.html === '-') throw new ImgsizeError('usage', '--html', 'expects a file name; --format html writes the page to stdout');
  wholeNumber(o.depth, '--depth');
  treeNodes(o);
  wholeNumber(o.maxRatio, '--max-ratio');
  decoderChoice(io);
  contextFiles(io, o); // a context that is not a folder is said before the image is read
}

/** IMGSIZE_DECODER: which decoders the layer module may use (unset or empty: auto). */
export function decoderChoice(io: Io): DecoderChoice {
  const decoder = io.env.IMGSIZE_DECODER;
  if (decoder === undefined || decoder === '') return 'auto';
  if (decoder !== 'builtin' && decoder !== 'external') {
    throw new ImgsizeError('usage', 'IMGSIZE_DECODER', `unknown decoder choice "${decoder}"; expected builtin or external (or unset)`);
  }
  return decoder;
}

export function treeNodes(o: CommonOptions): number {
  const n = wholeNumber(o.treeNodes, '--tree-nodes');
  if (n > MAX_TREE_NODES) throw new ImgsizeError('usage', '--tree-nodes', `at most ${MAX_TREE_NODES}, got ${n}`);
  return n;
}

export function wholeNumber(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new ImgsizeError('usage', flag, `expected a whole number, got "${v}"`);
  return n;
}

export function size(v: string, flag: string): number {
  const n = parseSize(v);
  if (n === undefined) throw new ImgsizeError('usage', flag, `"${v}" is not a size; ${SIZE_EXAMPLE}`);
  return n;
}

export function hasGateFlags(o: GateOptions): boolean {
  return o.budget !== undefined || o.maxLayers !== undefined || o.maxGrowth !== undefined || o.config !== undefined;
}

/** The build context's .dockerignore (--context), its text; undefined without --context or when there is none. */
export function contextFiles(io: Io, o: CommonOptions): ContextFiles {
  if (o.context === undefined) return {};
  const dir = inCwd(io, o.context);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch {
    throw new ImgsizeError('usage', '--context', `${o.context}: no such folder`);
  }
  if (!st.isDirectory()) throw new ImgsizeError('usage', '--context', `${o.context}: not a folder (the build context: the folder docker build is given)`);
  const read = (name: string): string | undefined => {
    const file = path.join(dir, name);
    try {
      if (statSync(file).size > 1 << 20) throw new ImgsizeError('input', file, `larger than 1 MiB: not a ${name} imgsize reads`);
      return readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof ImgsizeError) throw e;
      return undefined;
    }
  };
  return { dockerignore: read('.dockerignore'), dockerfile: read('Dockerfile') };
}
