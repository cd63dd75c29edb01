/**
 * Escaping for every medium imgsize writes to. File names, package names and versions, tags and
 * Dockerfile steps come from the image: whoever built it chose them. JSON escapes by itself; every
 * other renderer passes those strings through one of these before they reach the output.
 */
import type { Report } from '../analysis/report.js';
import type { DiffResult } from '../analysis/diff.js';
import type { Verdict } from '../gate/budget.js';

/**
 * Terminal: control characters (C0, DEL, C1: ANSI escape sequences, carriage returns, newlines),
 * bidirectional overrides and zero-width characters made visible as `\xNN` / `\u{NNNN}`.
 */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

/**
 * Markdown (GitHub): made visible as for a terminal, then every character Markdown or HTML could read
 * as markup escaped with a backslash — emphasis, code spans, links and images (`[`), HTML tags and
 * comments (`<`: the `<!-- imgsize -->` marker), tables' `|`, @mentions, #references, entities,
 * math (`$`), autolinks (`:` of a scheme, `www.`). The strings never start a line, so list and
 * heading markers need nothing. The text shows as it is, as plain text.
 */
export function mdText(s: string): string {
  return visible(s)
    .replace(/[\\`*_[\]<>|#~@&:$]/g, '\\$&')
    .replace(/(www)\./gi, '$1\\.');
}

/** Applies `esc` to every string of a report that the image controls (for text and Markdown renderers). */
export function escapeReport(r: Report, esc: (s: string) => string): Report {
  const opt = (s: string | null): string | null => (s === null ? null : esc(s));
  return {
    ...r,
    source: { ...r.source, path: esc(r.source.path) },
    image: { ...r.image, platform: esc(r.image.platform), repoTags: r.image.repoTags.map(esc), created: opt(r.image.created) },
    layers: r.layers.map((l) => ({ ...l, createdBy: opt(l.createdBy), ...(l.emptyLayerHistory ? { emptyLayerHistory: l.emptyLayerHistory.map(esc) } : {}) })),
    packages: r.packages.map((p) => ({ ...p, name: esc(p.name), version: opt(p.version), ...(p.location !== undefined ? { location: esc(p.location) } : {}) })),
    packageGroups: r.packageGroups.map((g) => ({ ...g, packages: g.packages.map(esc) })),
    unowned: { ...r.unowned, directories: r.unowned.directories.map((d) => ({ ...d, path: esc(d.path) })) },
    ...(r.torch ? { torch: { ...r.torch, version: opt(r.torch.version) } } : {}),
    directories: r.directories.map((d) => ({ ...d, path: esc(d.path) })),
    largestFiles: r.largestFiles.map((f) => ({ ...f, path: esc(f.path) })),
    wasted: r.wasted.map((w) => ({ ...w, path: esc(w.path) })),
    findings: r.findings.map((f) => ({ ...f, title: esc(f.title), items: f.items.map((i) => escapeItem(i, esc)) })),
    warnings: r.warnings.map((w) => ({ ...w, message: esc(w.message) })),
  };
}

function escapeItem<T extends { readonly path?: string | undefined; readonly package?: string | undefined; readonly version?: string | null | undefined }>(i: T, esc: (s: string) => string): T {
  return {
    ...i,
    ...(i.path !== undefined ? { path: esc(i.path) } : {}),
    ...(i.package !== undefined ? { package: esc(i.package) } : {}),
    ...(i.version !== undefined && i.version !== null ? { version: esc(i.version) } : {}),
  };
}

/** The same for a verdict: rule subjects (globs, labels), notes and the items behind results. */
export function escapeVerdict(v: Verdict, esc: (s: string) => string): Verdict {
  return {
    ...v,
    results: v.results.map((r) => ({
      ...r,
      subject: esc(r.subject),
      ...(r.from !== undefined ? { from: esc(r.from) } : {}),
      ...(r.note !== undefined ? { note: esc(r.note) } : {}),
      ...(r.items ? { items: r.items.map((i) => escapeItem(i, esc)) } : {}),
    })),
  };
}

/** The same for a diff. */
export function escapeDiff(d: DiffResult, esc: (s: string) => string): DiffResult {
  const side = (s: DiffResult['before']): DiffResult['before'] => ({ ...s, source: esc(s.source), tags: s.tags.map(esc), platform: esc(s.platform) });
  return {
    ...d,
    before: side(d.before),
    after: side(d.after),
    warnings: d.warnings.map((w) => ({ ...w, message: esc(w.message) })),
    layers: d.layers.map((l) => ({ ...l, createdBy: l.createdBy === null ? null : esc(l.createdBy) })),
    packages: d.packages.map((p) => ({
      ...p,
      name: esc(p.name),
      versionBefore: p.versionBefore === null ? null : esc(p.versionBefore),
      versionAfter: p.versionAfter === null ? null : esc(p.versionAfter),
    })),
    directories: d.directories.map((x) => ({ ...x, path: esc(x.path) })),
    findings: d.findings.map((f) => ({ ...f, title: esc(f.title) })),
  };
}
