/** The human report for `imgsize inspect`: a few tables, sizes in SI units. */
import type { Fixes } from '../fix/fixes.js';
import { renderFixesText } from './fixes.js';
import { PUSH_ESTIMATE_MARGIN } from '../gate/budget.js';
import { clip, fitColumn, paint, plainTable, wrap, type Terminal } from './style.js';
import type { Report } from '../analysis/report.js';
import type { UnownedKind } from '../report/schema.js';
import { human } from './units.js';
import { describeItem } from './items.js';
import { escapeReport, visible } from './escape.js';

export interface TableOptions extends Terminal {
  readonly top?: number;
  /** The change that removes what the findings found (src/fix/), shown after them. */
  readonly fix?: Fixes | undefined;
}

/**
 * A table whose rows are fitted to the terminal before they are laid out: `fit` names the column
 * that gives way (a path loses its start, text its end). Piped (no width), nothing is cut.
 */
function fitted(head: string[], aligns: ('left' | 'right')[], rows: string[][], width: number | undefined, fit?: { col: number; kind: 'path' | 'text' }): string {
  if (fit) fitColumn(head, rows, fit.col, width, fit.kind);
  const t = plainTable(head, aligns);
  for (const r of rows) t.push(r);
  return t.toString();
}

export function renderTable(raw: Report, opts: TableOptions = {}): string {
  const r = escapeReport(raw, visible);
  const out: string[] = [];
  const width = opts.width;
  const tags = r.image.repoTags.length > 0 ? r.image.repoTags.join(', ') : '(untagged)';
  out.push(`Image     ${tags}`);
  out.push(
    `Platform  ${r.image.platform}   Format ${r.source.format}${r.source.outerCompression !== 'none' ? ` (${r.source.outerCompression})` : ''}   Layers ${r.layers.length}   Files ${r.totals.files.toLocaleString('en-US')}`,
  );
  out.push('');

  const t = r.totals;
  const totals: string[][] = [];
  totals.push(['Content', human(t.contentBytes), t.contentBytes.toLocaleString('en-US'), 'what docker images shows (classic store)']);
  const push = t.pushBytes;
  const estimated = t.pushEstimatedLayers.length;
  totals.push([
    'Compressed',
    `${estimated ? '~' : ''}${human(push)}`,
    push.toLocaleString('en-US'),
    estimated
      ? `what a push uploads, a pull downloads (~ estimated: ${estimated} layer(s) stored uncompressed, gzip -6 size estimated, ±${PUSH_ESTIMATE_MARGIN * 100} %)`
      : 'what a push uploads, a pull downloads',
  ]);
  if (push !== t.compressedBytes) totals.push(['Stored', human(t.compressedBytes), t.compressedBytes.toLocaleString('en-US'), 'the layer blobs as this archive stores them']);
  totals.push(['Uncompressed', human(t.uncompressedBytes), t.uncompressedBytes.toLocaleString('en-US'), 'layer tars, headers included']);
  totals.push(['Final', human(t.finalBytes), t.finalBytes.toLocaleString('en-US'), 'the merged filesystem']);
  const pct = t.contentBytes > 0 ? ` (${((100 * t.wastedBytes) / t.contentBytes).toFixed(1)}%)` : '';
  totals.push(['Wasted', human(t.wastedBytes), t.wastedBytes.toLocaleString('en-US'), `deleted or overwritten by later layers${pct}`]);
  out.push(fitted(['', 'size', 'bytes', ''], ['left', 'right', 'right', 'left'], totals, width, { col: 3, kind: 'text' }), '');

  const layers: string[][] = [];
  // piped, a step is cut at 48 characters as ever; on a terminal the table fits its width
  const stepWidth = width === undefined ? 48 : Number.MAX_SAFE_INTEGER;
  for (const l of r.layers) {
    layers.push([
      String(l.number),
      human(l.contentBytes),
      l.compression !== 'none' ? `${human(l.compressedBytes)} ${l.compression}` : l.pushSize ? `${l.pushSize.estimated ? '~' : ''}${human(l.pushBytes)} gzip` : human(l.compressedBytes),
      l.entries.toLocaleString('en-US'),
      l.wastedBytes > 0 ? human(l.wastedBytes) : '-',
      clip(l.createdBy ?? '(no history)', stepWidth),
    ]);
  }
  out.push('Layers', fitted(['#', 'content', 'compressed', 'files', 'wasted', 'created by'], ['right', 'right', 'right', 'right', 'right', 'left'], layers, width, { col: 5, kind: 'text' }), '');

  if (r.packages.length > 0) {
    const pk = r.packages.slice(0, opts.top ?? 10).map((p) => [p.name, p.version ?? '', p.ecosystem, human(p.bytes), String(p.files)]);
    out.push('Largest packages', fitted(['package', 'version', 'ecosystem', 'size', 'files'], ['left', 'left', 'left', 'right', 'right'], pk, width, { col: 1, kind: 'text' }));
    for (const g of r.packageGroups) out.push(`${g.name}: ${g.count} packages, ${human(g.bytes)}`);
    if (r.torch) {
      const t = r.torch;
      const what =
        t.variant === 'cuda'
          ? `CUDA build${t.cudaLibraries ? `, ${t.cudaLibraries} CUDA libraries inside (${human(t.cudaBytes)})` : ''}`
          : t.variant === 'cpu'
            ? 'CPU-only build'
            : t.variant === 'rocm'
              ? 'ROCm build'
              : 'build variant unknown';
      out.push(`torch ${t.version ?? ''}: ${what}`);
    }
    const u = r.unowned;
    out.push(
      ...[
        `Unowned (no package lists them): ${human(u.bytes)} in ${u.files.toLocaleString('en-US')} files${
          u.directories.length
            ? `, mostly ${u.directories
                .slice(0, 3)
                .map((d) => `${d.path} ${human(d.bytes)}`)
                .join(', ')}`
            : ''
        }`,
        ...(u.kinds?.length
          ? [
              `  by kind: ${u.kinds
                .slice(0, 5)
                .map((k) => `${KIND_LABEL[k.kind]} ${human(k.bytes)}`)
                .join(', ')}`,
            ]
          : []),
      ].map((l) => wrap(l, width, '    ')),
      '',
    );
    const compiled = r.packages.filter((p) => p.compiled);
    if (compiled.length > 0) {
      const b = compiled.reduce((a, p) => a + p.compiled!.bytes, 0);
      out.splice(out.length - 1, 0, `Compiled bytecode counted with its packages: ${human(b)} in ${compiled.length} package(s) (__pycache__ their lists do not name)`);
    }
  }

  if (r.directories.length > 0) {
    const dirs = r.directories.slice(0, opts.top ?? 10).map((d) => [d.path, human(d.bytes), d.files.toLocaleString('en-US')]);
    out.push('Largest folders', fitted(['folder', 'size', 'files'], ['left', 'right', 'right'], dirs, width, { col: 0, kind: 'path' }), '');
  }

  if (r.largestFiles.length > 0) {
    const files = r.largestFiles.slice(0, opts.top ?? 10).map((f) => [f.path, human(f.bytes), String(f.layer)]);
    out.push('Largest files', fitted(['file', 'size', 'layer'], ['left', 'right', 'right'], files, width, { col: 0, kind: 'path' }), '');
  }

  if (r.wasted.length > 0) {
    const w = r.wasted.slice(0, opts.top ?? 10).map((x) => [x.path, human(x.bytes), `layer ${x.layer}`, `layer ${x.by}`]);
    out.push('Wasted bytes', fitted(['wasted path', 'size', 'from', 'removed by'], ['left', 'right', 'right', 'right'], w, width, { col: 0, kind: 'path' }), '');
  }

  for (const f of r.findings) {
    const mark = paint(opts, f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'dim', '!');
    out.push(wrap(`${mark} ${f.title} (${human(f.bytes)})`, width), wrap(`  fix: ${f.fix}`, width, '       '));
    for (const i of f.items.slice(0, 3)) out.push(wrap(`  ${describeItem(i)}`, width, '    '));
    if (f.items.length > 3) out.push(`  … and ${(f.items.length - 3).toLocaleString('en-US')} more (--json lists all)`);
    out.push('');
  }

  out.push(...renderFixesText(opts.fix, raw).map((l) => wrap(l, width, '    ')));
  for (const w of r.warnings) out.push(wrap(`${paint(opts, 'yellow', 'warning:')} ${w.message}`, width, '    '));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** How the kinds of unowned bytes read in text. */
export const KIND_LABEL: Record<UnownedKind, string> = {
  'package-database': 'package databases',
  'python-source': 'Python sources',
  'python-bytecode': 'Python bytecode',
  'shared-library': 'shared libraries',
  'model-or-data': 'models and data',
  documentation: 'documentation',
  executable: 'executables',
  configuration: 'configuration',
  other: 'other',
};
