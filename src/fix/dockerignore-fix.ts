/**
 * From a finding to the `.dockerignore` lines that remove its files: model and data files, `.git`,
 * `.env` and other secrets that a `COPY` brought in from the build context. Each file is traced
 * back to its path in the context through the step that added it (`COPY . /app`, a WORKDIR before
 * a `COPY . .`), the lines proposed use Docker's own anchoring (`**\/*.pth`, which matches in every
 * folder — not `*.pth`, which matches at the context's root only) and are checked with the same
 * matcher against the existing file: a file they would not remove is said, and so is an existing
 * line that looks as if it removed a file but does not. Pure.
 */
import type { Finding, Report } from '../report/schema.js';
import { ignoredBy, parseDockerignore, type IgnorePattern } from './dockerignore.js';
import { appendPatch } from './patch.js';
import { stepText } from './dockerfile.js';

export interface IgnoreTarget {
  /** In the image (`/app/models/m.pth`) and in the build context (`models/m.pth`, when the step says). */
  readonly imagePath: string;
  readonly contextPath: string | undefined;
  readonly bytes: number;
  readonly layer: number;
}

export interface DockerignoreFix {
  /** The findings it answers. */
  readonly findings: readonly Finding['code'][];
  /** The lines to add to .dockerignore, in order. */
  readonly lines: readonly string[];
  /** What they remove: content bytes, and about what a pull moves (each layer's compression ratio). */
  readonly bytes: number;
  readonly compressedBytes: number;
  readonly files: number;
  /** Existing lines that look as if they removed one of these files, and do not. */
  readonly misleading: readonly { readonly line: string; readonly lineNo: number; readonly path: string; readonly because: string }[];
  /** Files the new lines would still not remove (an exception `!…` below them re-includes them). */
  readonly stillShipped: readonly string[];
  readonly targets: readonly IgnoreTarget[];
}

/** The findings whose files come from the build context. */
const CONTEXT_FINDINGS: ReadonlySet<Finding['code']> = new Set(['model-files', 'vcs-metadata', 'secrets']);

/** `COPY <src> <dest>` of a history step (BuildKit's `COPY . /app # buildkit`, the classic builder's `COPY dir:… in /app`). */
export function copyStep(createdBy: string | null): { src: string; dest: string } | undefined {
  if (!createdBy) return undefined;
  const s = stepText(createdBy);
  const classic = /^(?:COPY|ADD) (?:dir|file|multi):[0-9a-f]+ in (\S+)/.exec(s);
  if (classic) return { src: '.', dest: classic[1]! };
  const m = /^(?:COPY|ADD)((?:\s+--[a-z-]+=\S+)*)\s+(.+)$/.exec(s);
  if (!m || /--from=/.test(m[1] ?? '')) return undefined;
  const args = m[2]!.trim().split(/\s+/);
  if (args.length < 2) return undefined;
  return { src: args.length === 2 ? args[0]! : '.', dest: args[args.length - 1]! };
}

/** The WORKDIR in force at each layer (from the config's history as the report carries it). */
function workdirs(report: Report): string[] {
  let wd = '/';
  return report.layers.map((l) => {
    for (const step of [...(l.emptyLayerHistory ?? []), l.createdBy ?? '']) {
      const m = /WORKDIR\s+(\S+)/.exec(step);
      if (m) wd = m[1]!.startsWith('/') ? m[1]! : `${wd.replace(/\/$/, '')}/${m[1]}`;
    }
    return wd;
  });
}

/** Where an image path came from in the build context, when its layer's step says. */
function contextPathOf(report: Report, imagePath: string, layer: number, wds: readonly string[]): string | undefined {
  const step = copyStep(report.layers[layer - 1]?.createdBy ?? null);
  if (!step || (step.src !== '.' && step.src !== './')) return undefined;
  const dest = step.dest.startsWith('/') ? step.dest : `${(wds[layer - 1] ?? '/').replace(/\/$/, '')}/${step.dest === '.' ? '' : step.dest}`;
  const root = `${dest.replace(/\/+$/, '')}/`;
  return imagePath.startsWith(root) ? imagePath.slice(root.length) : undefined;
}

/** The last layer whose COPY of the context could have brought this path in. */
function lastCopyHolding(report: Report, imagePath: string, wds: readonly string[]): number | undefined {
  for (let n = report.layers.length; n >= 1; n--) if (contextPathOf(report, imagePath, n, wds) !== undefined) return n;
  return undefined;
}

/** The line that removes a file wherever it is in the context: by extension, by name, or the path itself. */
function lineFor(t: IgnoreTarget, code: Finding['code']): string {
  const name = t.imagePath.slice(t.imagePath.lastIndexOf('/') + 1);
  if (code === 'model-files') {
    const ext = /(\.[A-Za-z0-9]+)$/.exec(name)?.[1];
    if (ext && ext !== '.bin') return `**/*${ext}`;
  }
  if (code === 'vcs-metadata' || name.startsWith('.')) return `**/${name}`;
  return t.contextPath ?? `**/${name}`;
}

/**
 * The .dockerignore lines for a report's context findings, checked against the existing file
 * (`existing`: its text, or undefined when there is none or it is not known).
 */
export function dockerignoreFix(report: Report, existing?: string): DockerignoreFix | undefined {
  const patterns = parseDockerignore(existing ?? '');
  const wds = workdirs(report);
  const ratio = (layer: number): number => {
    const l = report.layers[layer - 1];
    return l && l.contentBytes > 0 ? Math.min(1, l.pushBytes / l.contentBytes) : 1;
  };
  const targets: IgnoreTarget[] = [];
  const lines: string[] = [];
  const codes = new Set<Finding['code']>();
  for (const f of report.findings) {
    if (!CONTEXT_FINDINGS.has(f.code)) continue;
    for (const item of f.items) {
      if (item.path === undefined) continue;
      // a folder (.git) names no layer: the last COPY of the context that holds it
      const layer = item.layer ?? lastCopyHolding(report, item.path, wds);
      if (layer === undefined) continue;
      const contextPath = contextPathOf(report, item.path, layer, wds);
      // only what a COPY of the context brought in (a file a RUN made is not the .dockerignore's)
      if (contextPath === undefined) continue;
      const t: IgnoreTarget = { imagePath: item.path, contextPath, bytes: item.bytes, layer };
      if (ignoredBy(contextPath, patterns).ignored) continue; // the file says so already (an older image)
      targets.push(t);
      codes.add(f.code);
      const line = lineFor(t, f.code);
      if (!lines.includes(line)) lines.push(line);
    }
  }
  if (targets.length === 0) return undefined;
  const after = [...patterns, ...parseDockerignore(lines.join('\n'))];
  return {
    findings: [...codes],
    lines,
    bytes: targets.reduce((a, t) => a + t.bytes, 0),
    compressedBytes: Math.round(targets.reduce((a, t) => a + t.bytes * ratio(t.layer), 0)),
    files: targets.length,
    misleading: misleadingLines(patterns, targets),
    stillShipped: targets.filter((t) => !ignoredBy(t.contextPath!, after).ignored).map((t) => t.contextPath!),
    targets,
  };
}

/** Existing lines whose pattern matches a file's name but not where the file is: anchored at the root. */
function misleadingLines(patterns: readonly IgnorePattern[], targets: readonly IgnoreTarget[]): DockerignoreFix['misleading'] {
  const out: { line: string; lineNo: number; path: string; because: string }[] = [];
  for (const p of patterns) {
    if (p.exclusion || p.cleaned.includes('/')) continue;
    const t = targets.find((x) => x.contextPath!.includes('/') && p.match(x.contextPath!.slice(x.contextPath!.lastIndexOf('/') + 1)));
    if (t && !out.some((o) => o.lineNo === p.lineNo)) {
      out.push({
        line: p.line.trim(),
        lineNo: p.lineNo,
        path: t.contextPath!,
        because: `matches only at the root of the build context, not ${t.contextPath}: **/${p.cleaned} matches in every folder`,
      });
    }
  }
  return out;
}

/** A unified diff that appends the lines to .dockerignore (`git apply` takes it). */
export function dockerignorePatch(fix: DockerignoreFix, existing: string | undefined, file = '.dockerignore'): string {
  return appendPatch(file, existing, ['# imgsize: what the build context should not send (`imgsize … --context`)', ...fix.lines]);
}
