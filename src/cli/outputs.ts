/** What a run writes besides stdout: the HTML page, the fix patch; and the check that stdout took the report. */
import { writeFileSync } from 'node:fs';
import { dockerignorePatch } from '../fix/dockerignore-fix.js';
import { dockerfileSuggestionPatch } from '../fix/dockerfile.js';
import { fixesContract, fixesOf, type ContextFiles, type Fixes } from '../fix/fixes.js';
import type { Report } from '../report/schema.js';
import { ImgsizeError } from '../base/errors.js';
import type { OutputFormat } from '../render/output.js';
import { human } from '../render/units.js';
import { messages } from './messages.js';
import { EXIT_ERROR, type Io, inCwd } from './io.js';
import { contextFiles, type CommonOptions } from './options.js';

/** --html FILE: the page, written once the report is complete (a run that fails writes nothing). */
export function writeHtml(io: Io, o: Pick<CommonOptions, 'html' | 'quiet'>, page: string): void {
  const file = inCwd(io, o.html!);
  try {
    writeFileSync(file, page);
  } catch (e) {
    throw new ImgsizeError('output', o.html!, `cannot write the HTML report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!o.quiet) messages(io.stderr).say(`imgsize: wrote ${o.html} (${human(Buffer.byteLength(page))}): open it in a browser, it needs no network`);
}

/** --fix-patch FILE: the .dockerignore lines as a unified diff (nothing is written when there is nothing to fix). */
export function writeFixPatch(io: Io, o: CommonOptions, fixes: Fixes | undefined, context: ContextFiles): void {
  if (!fixes) {
    if (!o.quiet) messages(io.stderr).say('imgsize: --fix-patch: nothing to fix; no patch written');
    return;
  }
  const file = inCwd(io, o.fixPatch!);
  // .dockerignore's lines, and the Dockerfile's suggestions as a block of comments (never a rewrite)
  const patch = [
    ...(fixes.dockerignore ? [dockerignorePatch(fixes.dockerignore, context.dockerignore)] : []),
    ...(fixes.dockerfile.length > 0 && context.dockerfile !== undefined ? [dockerfileSuggestionPatch(fixes.dockerfile, context.dockerfile)] : []),
  ].join('');
  try {
    writeFileSync(file, patch);
  } catch (e) {
    throw new ImgsizeError('output', o.fixPatch!, `cannot write the patch (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!o.quiet) messages(io.stderr).say(`imgsize: wrote ${o.fixPatch}: apply it in the build context with git apply (or patch -p1)`);
}

/**
 * The report must have reached stdout: a write error (a full disk, a closed stdout) is one line and
 * exit 2, never a stack trace or exit 1. A reader that closed the pipe early (`imgsize | head`)
 * is not an error for text, but is for JSON: a machine would read a cut report.
 */
export async function flushed(io: Io, code: number, format: OutputFormat): Promise<number> {
  const e = io.flush ? await io.flush() : undefined;
  if (!e) return code;
  if (e.code === 'EPIPE' && format !== 'json') return code;
  messages(io.stderr).say(`imgsize: output: cannot write the report (${e.code ?? e.message}${e.code === 'EPIPE' ? ': the reader closed the pipe' : ''})`);
  return EXIT_ERROR;
}

/**
 * The report with its fixes (src/fix/), checked against the build context's files when --context
 * is given, and --fix-patch written; a saved report keeps the fixes it was saved with unless a
 * context is given again.
 */
export function withFixes(io: Io, o: CommonOptions, read: Report): { report: Report; fix: Fixes | undefined } {
  const context = contextFiles(io, o);
  const fix = fixesOf(read, context);
  if (o.fixPatch !== undefined) writeFixPatch(io, o, fix, context);
  const report = read.fixes && o.context === undefined ? read : fix ? { ...read, fixes: fixesContract(fix, read) } : read;
  return { report, fix };
}
