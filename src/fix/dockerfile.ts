/**
 * From findings to the Dockerfile lines to change — a suggestion, never a rewrite: CUDA wheels on a
 * CPU host (the `pip install` line and torch's CPU index), a build toolchain in the final stage (a
 * multi-stage sketch), package caches (the same-RUN cleanup), bytes a later step deletes (the steps
 * to merge). Each names the Dockerfile line when the Dockerfile is known (`--context`), else the
 * step from the image's history, and carries the bytes it removes. Pure.
 */
import type { Finding, Report } from '../report/schema.js';
import { appendPatch } from './patch.js';

export interface DockerfileInstruction {
  /** The line it starts on (1-based), its keyword and its arguments (continuations joined). */
  readonly lineNo: number;
  readonly keyword: string;
  readonly args: string;
  /** Its stage: the count of FROM lines before it, from 1. */
  readonly stage: number;
}

export interface DockerfileFix {
  readonly finding: Finding['code'];
  /** Where: the Dockerfile's line, or the image's step when the Dockerfile is not known. */
  readonly at: { readonly lineNo?: number; readonly text: string };
  /** What to write instead, or add (Dockerfile lines). */
  readonly suggestion: readonly string[];
  readonly why: string;
  readonly bytes: number;
}

/** The instructions of a Dockerfile: comments and blank lines skipped, `\` continuations joined. */
export function parseDockerfile(text: string): DockerfileInstruction[] {
  const out: DockerfileInstruction[] = [];
  const lines = text.split('\n');
  let stage = 0;
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i;
    let joined = lines[i]!.replace(/\r$/, '');
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) joined = `${joined.replace(/\\\s*$/, '').trimEnd()} ${lines[++i]!.trim()}`;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(joined);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    out.push({ lineNo: start + 1, keyword, args: m[2]!.trim(), stage: Math.max(1, stage) });
  }
  return out;
}

const CPU_INDEX = 'https://download.pytorch.org/whl/cpu';

/** A history step as a Dockerfile line: BuildKit's `RUN /bin/sh -c …` and `# buildkit` marks dropped. */
export function stepText(createdBy: string | null): string {
  return (createdBy ?? '')
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^RUN \/bin\/sh -c /, 'RUN ')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/\s+# buildkit$/, '')
    .trim();
}

/** The Dockerfile instruction that made a layer: the RUN whose command the layer's step holds (the final stage's, last first). */
function instructionFor(step: string, ins: readonly DockerfileInstruction[]): DockerfileInstruction | undefined {
  const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const want = norm(step.replace(/^[A-Z]+\s+/, ''));
  const last = ins.length ? ins[ins.length - 1]!.stage : 1;
  return [...ins].reverse().find((i) => i.stage === last && want !== '' && (norm(i.args) === want || (want.length > 12 && norm(i.args).includes(want.slice(0, 60)))));
}

function locate(report: Report, layer: number | undefined, ins: readonly DockerfileInstruction[], match?: RegExp): DockerfileFix['at'] {
  const step = stepText(layer ? (report.layers[layer - 1]?.createdBy ?? null) : null);
  const known = step ? instructionFor(step, ins) : match ? [...ins].reverse().find((i) => match.test(`${i.keyword} ${i.args}`)) : undefined;
  if (known) return { lineNo: known.lineNo, text: `${known.keyword} ${known.args}` };
  const byMatch = match ? [...ins].reverse().find((i) => match.test(`${i.keyword} ${i.args}`)) : undefined;
  if (byMatch) return { lineNo: byMatch.lineNo, text: `${byMatch.keyword} ${byMatch.args}` };
  if (step) return { text: step };
  // no layer named: the image's last step that does what the fix is about
  const fromHistory = match ? [...report.layers].reverse().find((l) => match.test(stepText(l.createdBy))) : undefined;
  return { text: fromHistory ? stepText(fromHistory.createdBy) : '(the step is not recorded)' };
}

/** The layer most of a finding's items sit in. */
function mainLayer(f: Finding): number | undefined {
  const by = new Map<number, number>();
  for (const i of f.items) if (i.layer !== undefined) by.set(i.layer, (by.get(i.layer) ?? 0) + i.bytes);
  return [...by.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export function dockerfileFixes(report: Report, dockerfile?: string): DockerfileFix[] {
  const ins = dockerfile === undefined ? [] : parseDockerfile(dockerfile);
  const out: DockerfileFix[] = [];
  const packageLayer = (names: readonly string[]): number | undefined => report.packages.find((p) => names.includes(p.name))?.layers.at(-1);
  for (const f of report.findings) {
    if (f.code === 'cuda-libraries') {
      const layer = packageLayer(['torch', ...f.items.map((i) => i.package ?? '')]) ?? mainLayer(f);
      const at = locate(report, layer, ins, /pip\d? install/);
      const torch = report.torch?.version?.replace(/\+.*$/, '');
      out.push({
        finding: f.code,
        at,
        suggestion: [`RUN pip install --no-cache-dir --index-url ${CPU_INDEX} torch${torch ? `==${torch}` : ''} && \\`, `    ${at.text.replace(/^RUN\s+/, '')}`],
        why: 'torch from the default index is the CUDA build, and brings the nvidia-* wheels and triton; from the CPU index first, the requirements then find it installed',
        bytes: f.bytes,
      });
    } else if (f.code === 'build-toolchain') {
      const base = ins.find((i) => i.keyword === 'FROM')?.args.split(/\s+/)[0] ?? '<base image>';
      out.push({
        finding: f.code,
        at: locate(report, mainLayer(f) ?? packageLayer(f.items.map((i) => i.package ?? '')), ins, /apt-get install|apk add|yum install|dnf install/),
        suggestion: [
          `FROM ${base} AS build`,
          '# … the compilers and the steps that need them (apt-get install gcc …, pip install into a venv)',
          'RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir -r requirements.txt',
          `FROM ${base}`,
          'COPY --from=build /venv /venv',
          'ENV PATH=/venv/bin:$PATH',
        ],
        why: 'a multi-stage build: the toolchain stays in the build stage, the final image gets what it built',
        bytes: f.bytes,
      });
    } else if (f.code === 'package-cache') {
      const apt = f.items.some((i) => i.path?.startsWith('/var/lib/apt/lists') || i.path?.startsWith('/var/cache/apt'));
      const at = locate(report, mainLayer(f), ins, apt ? /apt-get install/ : /pip\d? install|npm (ci|install)/);
      out.push({
        finding: f.code,
        at,
        suggestion: [
          apt
            ? `${at.text.replace(/\s*$/, '')} && rm -rf /var/lib/apt/lists/*`
            : at.text.replace(/pip(\d?) install(?! --no-cache-dir)/, 'pip$1 install --no-cache-dir').replace(/npm (ci|install)\b(.*)$/, 'npm $1$2 && npm cache clean --force'),
        ],
        why: 'the cache removed in the same RUN that makes it never reaches a layer',
        bytes: f.bytes,
      });
    } else if (f.code === 'wasted-bytes') {
      const pairs = new Map<string, { from: number; by: number; bytes: number }>();
      for (const i of f.items) {
        if (i.layer === undefined || i.removedBy === undefined) continue;
        const k = `${i.layer}>${i.removedBy}`;
        const p = pairs.get(k) ?? { from: i.layer, by: i.removedBy, bytes: 0 };
        p.bytes += i.bytes;
        pairs.set(k, p);
      }
      const top = [...pairs.values()].sort((a, b) => b.bytes - a.bytes)[0];
      if (!top) continue;
      const a = locate(report, top.from, ins);
      const b = locate(report, top.by, ins);
      out.push({
        finding: f.code,
        at: a,
        suggestion: [`${a.text.replace(/\s*$/, '')} && \\`, `    ${b.text.replace(/^RUN\s+/, '')}`],
        why: `layer ${top.from} adds what layer ${top.by} deletes${b.lineNo ? ` (line ${b.lineNo})` : ''}: in one RUN the bytes never reach a layer`,
        bytes: top.bytes,
      });
    }
  }
  return out;
}

/** The suggestions as a block of comments appended to the Dockerfile (a unified diff; the Dockerfile's behaviour is unchanged). */
export function dockerfileSuggestionPatch(fixes: readonly DockerfileFix[], dockerfile: string, file = 'Dockerfile'): string {
  return appendPatch(file, dockerfile, [
    '',
    '# imgsize: suggested changes (`imgsize … --context`); nothing above is changed',
    ...fixes.flatMap((f) => [`# ${f.finding}: ${f.at.lineNo !== undefined ? `line ${f.at.lineNo}` : 'a step'} — ${f.why}`, ...f.suggestion.map((l) => `#   ${l}`)]),
  ]);
}
