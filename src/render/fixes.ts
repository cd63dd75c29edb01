/**
 * The "Fixes" section: the change that removes what the findings found — for now the `.dockerignore`
 * lines (src/fix/dockerignore-fix.ts) — with what they remove and what is left, in text and
 * Markdown. The lines are written as they go in the file; paths from the image are escaped.
 */
import type { DockerignoreFix } from '../fix/dockerignore-fix.js';
import type { Report } from '../report/schema.js';
import { mdText, visible } from './escape.js';
import { human } from './units.js';

function summary(fix: DockerignoreFix, report: Report): { head: string; after: string } {
  const t = report.totals;
  return {
    head: `.dockerignore: ${fix.lines.length} line(s) that leave ${fix.files} file(s) of the build context out (${fix.findings.join(', ')}): ${human(fix.bytes)}, about ${human(fix.compressedBytes)} compressed`,
    after: `Applied, the image is about ${human(t.contentBytes - fix.bytes)} content, ${human(Math.max(0, t.pushBytes - fix.compressedBytes))} compressed (an estimate from the same layers, no rebuild).`,
  };
}

export function renderFixesText(fix: DockerignoreFix | undefined, report: Report): string[] {
  if (!fix) return [];
  const s = summary(fix, report);
  return [
    'Fixes',
    s.head,
    ...fix.lines.map((l) => `  ${visible(l)}`),
    ...fix.misleading.map((m) => `  note: line ${m.lineNo} "${visible(m.line)}" ${visible(m.because)}`),
    ...(fix.stillShipped.length ? [`  note: still sent after these lines (an exception below them re-includes them): ${fix.stillShipped.slice(0, 5).map(visible).join(', ')}`] : []),
    s.after,
    '',
  ];
}

export function renderFixesMarkdown(fix: DockerignoreFix | undefined, report: Report): string[] {
  if (!fix) return [];
  const s = summary(fix, report);
  return [
    '#### Fixes',
    '',
    mdText(s.head),
    '',
    '```gitignore',
    // inside a code block nothing is markup; control characters are still made visible
    ...fix.lines.map((l) => visible(l).replace(/`/g, "'")),
    '```',
    ...fix.misleading.map((m) => `- line ${m.lineNo} \`${visible(m.line).replace(/`/g, "'")}\` ${mdText(m.because)}`),
    '',
    mdText(s.after),
    '',
  ];
}
