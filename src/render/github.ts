/**
 * GitHub Actions: workflow commands for failed and warned rules (they go to stderr, so stdout
 * keeps only the report), and the step outputs an `if:` of a later step reads ($GITHUB_OUTPUT).
 */
import type { Verdict } from '../gate/budget.js';
import { describeRule } from './verdict.js';
import { escapeVerdict, visible } from './escape.js';

/** A workflow command's message: `%`, CR and LF escaped as the runner expects. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value (title=…): also `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderAnnotations(raw: Verdict): string {
  const v = escapeVerdict(raw, visible);
  return v.results
    .filter((r) => r.status !== 'pass')
    .map((r) => `::${r.status === 'fail' ? 'error' : 'warning'} title=${escapeProperty(`imgsize ${r.kind}`)}::${escapeData(describeRule(r))}\n`)
    .join('');
}

/**
 * `name=value` lines for $GITHUB_OUTPUT: verdict (pass|fail), failed and warned rule counts, and
 * for the first budget rule its metric, measured bytes and limit (exact integers).
 */
export function renderOutputs(v: Verdict): string {
  const lines = [`verdict=${v.failed > 0 ? 'fail' : 'pass'}`, `failed=${v.failed}`, `warned=${v.warned}`];
  const budget = v.results.find((r) => r.kind === 'budget');
  if (budget) lines.push(`metric=${budget.subject}`, `bytes=${budget.measured}`, `limit=${budget.limit}`);
  return `${lines.join('\n')}\n`;
}
