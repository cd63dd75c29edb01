/**
 * The "Fixes" section: the changes that remove what the findings found (src/fix/) — the Dockerfile
 * suggestions and the `.dockerignore` lines — each with what it removes, and what the image would
 * be with all of them (an estimate from the same layers, labelled so), in text and Markdown. Lines
 * meant for the files are written as they go there; text from the image is made visible/escaped.
 */
import type { DockerfileFix } from '../fix/dockerfile.js';
import { afterFixes, type Fixes } from '../fix/fixes.js';
import type { Report } from '../report/schema.js';
import { mdText, visible } from './escape.js';
import { human } from './units.js';

const HEAD = 'Fixes (suggestions: nothing is changed)';

function totalLine(all: Fixes, report: Report): string {
  const t = report.totals;
  const after = afterFixes(all, report);
  return `With all of them, the image is about ${human(after.contentBytes)} content, ${human(after.compressedBytes)} compressed (now ${human(t.contentBytes)}, ${human(t.pushBytes)}): an estimate from the same layers, no rebuild.`;
}

function dockerfileHead(f: DockerfileFix, quote: (s: string) => string): string {
  const at = f.at.text.length > 100 ? `${f.at.text.slice(0, 99)}…` : f.at.text;
  return `Dockerfile (${f.finding}, ${human(f.bytes)}): ${f.at.lineNo !== undefined ? `line ${f.at.lineNo}` : 'the step'} ${quote(at)}`;
}

function ignoreHead(fix: NonNullable<Fixes['dockerignore']>): string {
  return `.dockerignore (${fix.findings.join(', ')}, ${human(fix.bytes)}, about ${human(fix.compressedBytes)} compressed): ${fix.lines.length} line(s) that leave ${fix.files} file(s) of the build context out`;
}

export function renderFixesText(all: Fixes | undefined, report: Report): string[] {
  if (!all) return [];
  const fix = all.dockerignore;
  return [
    HEAD,
    ...all.dockerfile.flatMap((f) => [`${dockerfileHead(f, (s) => `"${visible(s)}"`)} — ${visible(f.why)}`, ...f.suggestion.map((l) => `    ${visible(l)}`)]),
    ...(fix
      ? [
          ignoreHead(fix),
          ...fix.lines.map((l) => `  ${visible(l)}`),
          ...fix.misleading.map((m) => `  note: line ${m.lineNo} "${visible(m.line)}" ${visible(m.because)}`),
          ...(fix.stillShipped.length ? [`  note: still sent after these lines (an exception below them re-includes them): ${fix.stillShipped.slice(0, 5).map(visible).join(', ')}`] : []),
        ]
      : []),
    totalLine(all, report),
    '',
  ];
}

export function renderFixesMarkdown(all: Fixes | undefined, report: Report): string[] {
  if (!all) return [];
  const code = (s: string): string => visible(s).replace(/`/g, "'");
  const fix = all.dockerignore;
  return [
    `#### ${HEAD}`,
    '',
    ...all.dockerfile.flatMap((f) => [
      `- **Dockerfile** (${f.finding}, ${human(f.bytes)}): ${f.at.lineNo !== undefined ? `line ${f.at.lineNo}` : 'the step'} \`${code(f.at.text.length > 100 ? `${f.at.text.slice(0, 99)}…` : f.at.text)}\` — ${mdText(f.why)}`,
      '',
      '  ```dockerfile',
      ...f.suggestion.map((l) => `  ${code(l)}`),
      '  ```',
      '',
    ]),
    ...(fix
      ? [
          `- ${mdText(ignoreHead(fix))}`,
          '',
          '  ```gitignore',
          ...fix.lines.map((l) => `  ${code(l)}`),
          '  ```',
          ...fix.misleading.map((m) => `  - line ${m.lineNo} \`${code(m.line)}\` ${mdText(m.because)}`),
          '',
        ]
      : []),
    mdText(totalLine(all, report)),
    '',
  ];
}
