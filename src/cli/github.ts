/** Under GitHub Actions: annotations on stderr, the step summary and the outputs. */
import type { ManifestReport, Report } from '../report/schema.js';
import { verdictExitCode, type Verdict } from '../gate/budget.js';
import { renderVerdictMarkdown } from '../render/verdict.js';
import { renderAnnotations, renderOutputs } from '../render/github.js';
import { messages } from './messages.js';
import type { Io } from './io.js';

/** Under GitHub Actions, a command's Markdown goes to the job's step summary too (a file that cannot be written is a warning). */
export function stepSummary(io: Io, markdown: string): void {
  if (io.env.GITHUB_ACTIONS === 'true') appendGitHub(io, 'GITHUB_STEP_SUMMARY', markdown);
}

/** Appends to the file a GitHub variable names; one that cannot be written is a warning, never a failed run. */
export function appendGitHub(io: Io, variable: string, text: string): void {
  const file = io.env[variable];
  if (!file || !io.appendFile) return;
  try {
    io.appendFile(file, text);
  } catch (e) {
    messages(io.stderr).say(`imgsize: warning: cannot write $${variable} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the verdict stands`);
  }
}

/**
 * Under GitHub Actions: annotations on stderr (stdout holds only the report), the verdict's
 * Markdown appended to the step summary and the outputs to $GITHUB_OUTPUT, once per run. A file
 * that cannot be written is a warning: the verdict's exit code stands.
 */
export function finishGate(io: Io, verdict: Verdict, report: Report | ManifestReport): number {
  if (io.env.GITHUB_ACTIONS === 'true') {
    io.stderr.write(renderAnnotations(verdict));
    appendGitHub(io, 'GITHUB_STEP_SUMMARY', renderVerdictMarkdown(verdict, report));
    appendGitHub(io, 'GITHUB_OUTPUT', renderOutputs(verdict));
  }
  return verdictExitCode(verdict);
}
