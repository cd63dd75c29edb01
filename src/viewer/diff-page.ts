/** Two images compared. */
import type { DiffPage } from '../render/html-data.js';
import { count, exact, human, signed } from './format.js';
import { current } from './current.js';
import { type Child, el, oneLine, signedSized, sized, table, visible } from './dom.js';
import { GREW, SAME, SHRANK } from './colours.js';
import { type SizeBy, makeTree, pathOf } from './tree.js';
import { Treemap } from './treemap.js';
import { footer, legendOf, mapSection, radios, refreshNav, section, verdictSection } from './page.js';
export function diffPage(d: DiffPage): void {
  const x = d.diff;
  const name = (s: { tags: readonly string[]; source: string }): string => s.tags[0] ?? s.source;
  document.title = visible(`imgsize diff: ${name(x.before)} → ${name(x.after)}`);
  const c = x.totals.compressed;
  document.body.append(
    el(
      'header',
      {},
      el('h1', {}, `imgsize diff: ${name(x.before)} → ${name(x.after)}`),
      el(
        'dl',
        { class: 'totals' },
        // before → after beside each change: a delta alone does not say how big the image is
        ...(
          [
            ['content', x.totals.content],
            ['compressed', c],
            ['final', x.totals.final],
            ['wasted', x.totals.wasted],
          ] as const
        ).flatMap(([k, t]) => [el('dt', {}, k), el('dd', {}, sized(t.before), ' → ', sized(t.after), ' (', signedSized(t.delta), ')')]),
      ),
      ...x.warnings.map((w) => el('p', { class: 'note' }, w.message)),
    ),
  );
  const main = el('main');
  document.body.append(main);
  const verdict = verdictSection(d);
  if (verdict) main.append(verdict);
  if (d.tree) {
    const tree = makeTree(d.tree, true);
    const cols = tree.cols;
    const before = (i: number): number => cols.before?.[i] ?? 0;
    const describe = (i: number): string[] => {
      const b = before(i);
      const a = cols.bytes[i]!;
      const what = b === 0 ? 'added' : a === 0 ? 'removed' : a > b ? 'grew' : a < b ? 'shrank' : 'unchanged';
      return [
        pathOf(tree, i),
        `${what}: ${signed(a - b)} (${a - b > 0 ? '+' : ''}${exact(a - b)})`,
        `before ${human(b)} → after ${human(a)}`,
        cols.partial[i] ? 'not opened: one side kept this folder whole (its node budget)' : '',
        cols.kind[i] === 3 ? `${count(cols.folded[i]!)} entries too small to draw, folded` : '',
      ].filter(Boolean);
    };
    const colourOf = (i: number): [string, number] => {
      const b = before(i);
      const a = cols.bytes[i]!;
      const noise = Math.max(1, 0.001 * Math.max(a, b));
      if (Math.abs(a - b) < noise) return [SAME, 0];
      if (b === 0) return [GREW, 1];
      if (a === 0) return [SHRANK, 1];
      return [a > b ? GREW : SHRANK, 0];
    };
    const m = new Treemap(tree, describe, colourOf, { root: 0, colourBy: 'change', sizeBy: 'change', highlight: 0 });
    current.map = m;
    const controls = radios(
      'Size by',
      [
        ['change', 'change'],
        ['size', 'size'],
      ],
      'change',
      (v) => m.set({ sizeBy: v as SizeBy }),
    );
    m.onChange = () => refreshNav(m, (i) => signed(cols.bytes[i]! - before(i)));
    const legend = legendOf([
      ['grew', GREW, 0],
      ['added', GREW, 1],
      ['shrank', SHRANK, 0],
      ['removed', SHRANK, 1],
      ['unchanged', SAME, 0],
    ]);
    main.append(mapSection(m, controls, legend, 'Area = bytes changed (or, sized by size, the larger side); removed files stay, hatched blue. Click a folder to open it.'));
    m.onChange();
  } else {
    main.append(el('section', { class: 'map' }, el('p', { class: 'note' }, 'A side has no tree (a report saved with --tree-nodes 0 or by imgsize before 0.3): the treemap needs both.')));
  }
  const side = el('div', { class: 'side' });
  main.append(side);
  const row = (label: string, v: { before: number; after: number; delta: number; percent: number | null }): Child[] => [
    label,
    sized(v.before),
    sized(v.after),
    signedSized(v.delta),
    v.percent === null ? '' : `${v.percent > 0 ? '+' : ''}${v.percent.toFixed(1)}%`,
  ];
  side.append(
    section(
      'Totals',
      table(
        ['', 'before', 'after', 'change', '%'],
        [
          row('content', x.totals.content),
          row(`compressed${x.compressedEstimated.before || x.compressedEstimated.after ? ' (~ estimated)' : ''}`, c),
          row('uncompressed', x.totals.uncompressed),
          row('final', x.totals.final),
          row('wasted', x.totals.wasted),
        ],
        'lrrrr',
      ),
    ),
    section(
      'Layers',
      table(
        ['status', 'before', 'after', 'created by', 'content'],
        x.layers.map((l) => [
          l.status,
          l.beforeLayer === null ? '' : String(l.beforeLayer),
          l.afterLayer === null ? '' : String(l.afterLayer),
          el('span', { class: 'step', title: l.createdBy ?? '' }, oneLine(l.createdBy ?? '', 80)),
          sized(l.contentBytes),
        ]),
        'trrlr',
      ),
      el('p', { class: 'note' }, `A pull of AFTER reuses ${human(x.sharedCompressedBytes)} of BEFORE's layers.`),
    ),
  );
  if (x.packages.length > 0) {
    side.append(
      section(
        'Packages',
        table(
          ['', 'package', 'before', 'after', 'change'],
          x.packages.slice(0, 100).map((p) => [p.status, `${p.name} (${p.ecosystem})`, p.versionBefore ?? '', p.versionAfter ?? '', signedSized(p.delta)]),
          'tlvvr',
        ),
      ),
    );
  }
  if (x.findings.length > 0) {
    side.append(
      section(
        'Findings',
        el('ul', { class: 'findings' }, ...x.findings.map((f) => el('li', {}, el('strong', {}, f.code), ` ${f.status}: ${f.title} (`, sized(f.bytesBefore), ' → ', sized(f.bytesAfter), ')'))),
      ),
    );
  }
  footer(d);
}
