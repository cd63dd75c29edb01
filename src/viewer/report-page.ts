/** One image's report. */
import type { ReportPage } from '../render/html-data.js';
import { count, exact, human } from './format.js';
import { current } from './current.js';
import { type Child, el, oneLine, sized, table, visible } from './dom.js';
import { NONE, PALETTE } from './colours.js';
import { makeTree, pathOf } from './tree.js';
import { type ColourBy, Treemap } from './treemap.js';
import { footer, layerHome, legendOf, mapSection, radios, refreshNav, revealButton, searchSection, section, swatch, verdictSection } from './page.js';
export function reportPage(d: ReportPage): void {
  const r = d.report;
  const t = r.totals;
  const title = r.image.repoTags[0] ?? r.source.path;
  document.title = visible(`imgsize: ${title}`);
  const est = t.pushEstimatedLayers.length > 0;
  const header = el(
    'header',
    {},
    el('h1', {}, `imgsize: ${title}`, el('span', { class: 'platform' }, ` (${r.image.platform})`)),
    el(
      'dl',
      { class: 'totals' },
      ...(
        [
          ['content', sized(t.contentBytes)],
          ['compressed', sized(t.pushBytes, `${est ? '~' : ''}${human(t.pushBytes)}`)],
          ['final', sized(t.finalBytes)],
          ['wasted', sized(t.wastedBytes)],
          ['layers', String(r.layers.length)],
          ['files', count(t.files)],
        ] as [string, Child][]
      ).flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
    ),
    est
      ? el(
          'p',
          { class: 'note' },
          `~ estimated (±7 %): layer${t.pushEstimatedLayers.length > 1 ? 's' : ''} ${t.pushEstimatedLayers.join(', ')} stored uncompressed; compressed is their gzip -6 size, estimated from samples.`,
        )
      : null,
  );
  const main = el('main');
  document.body.append(header, main);
  const verdict = verdictSection(d);
  if (verdict) main.append(verdict);

  const side = el('div', { class: 'side' });
  let map: Treemap | null = null;
  const layerDetail = el('div', { class: 'layer-detail', 'aria-live': 'polite' });
  const pkgName = (i: number): string => {
    const p = r.packages[i];
    return p ? `${p.name}${p.version ? ` ${p.version}` : ''} (${p.ecosystem})` : '';
  };
  if (d.tree) {
    const tree = makeTree(d.tree, false);
    const cols = tree.cols;
    const describe = (i: number): string[] => {
      const lines = [pathOf(tree, i), `${human(cols.bytes[i]!)} (${exact(cols.bytes[i]!)})`];
      if ((cols.files?.[i] ?? 0) > 1 || tree.kids[i]!.length > 0) lines.push(`${count(cols.files?.[i] ?? 0)} files`);
      const layer = cols.layer?.[i] ?? 0;
      if (layer > 0)
        lines.push(`layer ${layer}${tree.kids[i]!.length === 0 && (cols.kind[i] !== 1 || cols.partial[i]) ? ' (most of its bytes)' : ''}: ${oneLine(r.layers[layer - 1]?.createdBy ?? '', 70)}`);
      const p = cols.pkg?.[i] ?? -1;
      lines.push(p >= 0 ? `package: ${pkgName(p)}` : tree.kids[i]!.length === 0 ? 'no package' : '');
      if (cols.partial[i]) lines.push('not opened: past the node budget (--tree-nodes)');
      if (cols.kind[i] === 3) lines.push(`${count(cols.folded[i]!)} entries too small to draw, folded`);
      if (cols.kind[i] === 2) lines.push('symlink');
      return lines.filter(Boolean);
    };
    const colourOf = (i: number, by: ColourBy): [string, number] => {
      const v = by === 'layer' ? (cols.layer?.[i] ?? 0) - 1 : by === 'package' ? (cols.pkg?.[i] ?? -1) : -1;
      if (v < 0) return [NONE, 0];
      return [PALETTE[v % 8]!, Math.floor(v / 8) % 3];
    };
    const m = new Treemap(tree, describe, colourOf, { root: 0, colourBy: 'layer', sizeBy: 'bytes', highlight: 0 });
    map = m;
    current.map = m;
    const legend = el('div');
    const showLegend = (): void => {
      const by = m.state.colourBy;
      if (by === 'layer') legend.replaceChildren(legendOf(r.layers.map((l) => [`${l.number}`, PALETTE[(l.number - 1) % 8]!, Math.floor((l.number - 1) / 8) % 3] as [string, string, number])));
      else if (by === 'package') legend.replaceChildren(legendOf([...r.packages.slice(0, 8).map((p, k) => [p.name, PALETTE[k]!, 0] as [string, string, number]), ['no package', NONE, 0]]));
      else legend.replaceChildren();
    };
    showLegend();
    const controls = radios(
      'Colour by',
      [
        ['layer', 'layer'],
        ['package', 'package'],
        ['none', 'none'],
      ],
      'layer',
      (v) => {
        m.set({ colourBy: v as ColourBy });
        showLegend();
      },
    );
    m.onChange = () => refreshNav(m, (i) => human(cols.bytes[i]!));
    main.append(
      mapSection(
        m,
        controls,
        legend,
        `Area = bytes in the final filesystem. Click a folder to open it; the path above goes back. ${count(cols.parent.length)} boxes (at most ${count(cols.nodeBudget)}: --tree-nodes).`,
      ),
    );
    m.onChange();
  } else {
    main.append(
      el('section', { class: 'map' }, el('p', { class: 'note' }, 'This report has no tree (saved with --tree-nodes 0, or by imgsize before 0.3): save it again with --json to see the treemap.')),
    );
  }
  main.append(side);
  side.append(searchSection(map, r.packages));

  // layers
  const layerButtons: HTMLButtonElement[] = [];
  const showLayer = (n: number): void => {
    const lit = map?.state.highlight === n ? 0 : n;
    map?.set({ highlight: lit });
    // the map goes to where the layer's bytes are (a layer lit in another folder would dim it all)
    if (map && lit !== 0) map.zoom(layerHome(map.tree, lit));
    for (const b of layerButtons) b.setAttribute('aria-pressed', String(Number(b.dataset.layer) === lit));
    if (lit === 0) {
      layerDetail.replaceChildren();
      return;
    }
    const l = r.layers[lit - 1]!;
    const added: [string, number][] = [];
    if (map && d.tree) {
      const tr = map.tree;
      for (let i = 0; i < tr.cols.parent.length; i++) if (tr.kids[i]!.length === 0 && tr.cols.layer?.[i] === lit) added.push([pathOf(tr, i), tr.cols.bytes[i]!]);
      added.sort((a, b) => b[1] - a[1]);
    }
    const removed = r.wasted.filter((w) => w.layer === lit);
    layerDetail.replaceChildren(
      el('h3', {}, `Layer ${lit}`),
      el('p', { class: 'step' }, l.createdBy ?? '(no step recorded)'),
      added.length
        ? table(
            ['added (largest)', 'size'],
            added.slice(0, 10).map(([p, b]) => [map ? revealButton(map, p, p) : p, sized(b)]),
            'lr',
          )
        : el('p', { class: 'note' }, d.tree ? 'None of its files is in the final filesystem.' : 'This report has no tree: what the layer added is not known here.'),
      removed.length
        ? table(
            ['removed or overwritten later', 'size', 'by layer'],
            removed.slice(0, 10).map((w) => [map ? revealButton(map, w.path, w.path) : w.path, sized(w.bytes), String(w.by)]),
            'lrr',
          )
        : el('p', { class: 'note' }, l.wastedBytes > 0 ? `${human(l.wastedBytes)} of it removed or overwritten by later layers.` : 'Nothing of it is removed or overwritten later.'),
    );
  };
  const layerRows = r.layers.map((l) => {
    const b = el(
      'button',
      { type: 'button', class: 'layer', 'aria-pressed': 'false', 'data-layer': String(l.number) },
      swatch(PALETTE[(l.number - 1) % 8]!, Math.floor((l.number - 1) / 8) % 3),
      `${l.number}`,
    );
    b.addEventListener('click', () => showLayer(l.number));
    layerButtons.push(b);
    return [
      b,
      el('span', { class: 'step', title: l.createdBy ?? '' }, oneLine(l.createdBy ?? '', 90)),
      sized(l.contentBytes),
      sized(l.pushBytes, `${l.pushSize?.estimated ? '~' : ''}${human(l.pushBytes)}`),
      sized(l.wastedBytes),
    ] as Child[];
  });
  side.append(section('Layers', table(['#', 'created by', 'content', 'compressed', 'wasted later'], layerRows, 'llrrr'), layerDetail));

  // packages
  if (r.packages.length > 0) {
    const groups = r.packageGroups.map((g) => el('p', { class: 'group' }, `${g.name}: ${g.count} packages, `, sized(g.bytes)));
    const torch = r.torch
      ? el('p', { class: 'group' }, `torch ${r.torch.version ?? ''}: ${r.torch.variant} build${r.torch.cudaLibraries ? `, ${r.torch.cudaLibraries} CUDA libraries (${human(r.torch.cudaBytes)})` : ''}`)
      : null;
    const body = el('div');
    let order: 'bytes' | 'name' = 'bytes';
    const render = (): void => {
      const list = [...r.packages].sort((a, b) => (order === 'bytes' ? b.bytes - a.bytes : a.name.localeCompare(b.name)));
      body.replaceChildren(
        table(
          ['package', 'version', 'ecosystem', 'size', 'files'],
          list
            .slice(0, 100)
            .map((p) => [
              p.name,
              [p.version ?? '', p.build ?? ''].filter(Boolean).join(' '),
              p.ecosystem,
              p.compiled
                ? el('span', { title: `${exact(p.bytes)}, of which ${human(p.compiled.bytes)} bytecode compiled after install (${count(p.compiled.files)} .pyc files)` }, `${human(p.bytes)}*`)
                : sized(p.bytes),
              count(p.files),
            ]),
          'lvlrr',
          r.packages.length > 100 ? `The 100 ${order === 'bytes' ? 'largest' : 'first'} of ${r.packages.length}` : undefined,
        ),
      );
    };
    const sort = radios(
      'Sort by',
      [
        ['bytes', 'size'],
        ['name', 'name'],
      ],
      'bytes',
      (v) => {
        order = v as 'bytes' | 'name';
        render();
      },
    );
    render();
    const kinds = (r.unowned.kinds ?? []).slice(0, 5).map((k) => `${k.kind.replace(/-/g, ' ')} ${human(k.bytes)}`);
    const compiled = r.packages.some((p) => p.compiled)
      ? el('p', { class: 'note' }, '* includes Python bytecode compiled after install (__pycache__) that the package’s file list does not name.')
      : null;
    side.append(
      section(
        'Packages',
        ...groups,
        torch,
        el('p', { class: 'note' }, `${human(r.unowned.bytes)} in ${count(r.unowned.files)} files belong to no package${kinds.length ? `: ${kinds.join(', ')}` : ''}.`),
        sort,
        body,
        compiled,
      ),
    );
  }

  // what was wasted, and the largest files: each path opens its folder in the treemap
  const pathCell = (path: string): Child => (map ? revealButton(map, path, path) : path);
  if (r.wasted.length > 0) {
    side.append(
      section(
        'Wasted bytes',
        table(
          ['path', 'size', 'from', 'removed by'],
          r.wasted.slice(0, 20).map((w) => [pathCell(w.path), sized(w.bytes), `layer ${w.layer}`, `layer ${w.by}`]),
          'lrrr',
          r.wasted.length > 20 ? `The 20 largest of ${count(r.wasted.length)}` : undefined,
        ),
      ),
    );
  }
  if (r.largestFiles.length > 0) {
    side.append(
      section(
        'Largest files',
        table(
          ['file', 'size', 'layer'],
          r.largestFiles.slice(0, 20).map((f) => [pathCell(f.path), sized(f.bytes), `layer ${f.layer}`]),
          'lrr',
        ),
      ),
    );
  }

  // findings: what to fix is the point of the page, so they come first, under the verdict
  if (r.findings.length > 0) {
    const findings = section(
      'Findings',
      el(
        'ul',
        { class: 'findings' },
        ...r.findings.map((f, k) =>
          el(
            'li',
            { class: f.severity },
            el('strong', {}, f.code),
            ' ',
            sized(f.bytes),
            ': ',
            f.title,
            el('p', { class: 'fix' }, `Fix: ${f.fix}`),
            el('ul', {}, ...(d.findingItems[k] ?? []).map((item) => el('li', {}, item.path !== undefined && map ? revealButton(map, item.path, item.text) : item.text))),
          ),
        ),
      ),
    );
    findings.classList.add('top-findings');
    if (verdict) verdict.after(findings);
    else main.prepend(findings);
    // the changes that remove them, under them: suggestions, as the CLI's Fixes section says
    const fixes = r.fixes ?? [];
    const after = d.afterFixes;
    if (fixes.length > 0 && after) {
      const panel = section(
        'Fixes',
        el(
          'p',
          { class: 'note' },
          'Suggestions: nothing is changed. With all of them the image is about ',
          sized(after.contentBytes),
          ' content, ',
          sized(after.compressedBytes),
          ' compressed (an estimate from the same layers, no rebuild).',
        ),
        el(
          'ul',
          { class: 'findings fixes' },
          ...fixes.map((f) =>
            el(
              'li',
              {},
              el('strong', {}, f.file),
              f.line !== null ? ` line ${f.line}` : '',
              ` (${f.findings.join(', ')}, `,
              sized(f.bytes),
              '): ',
              f.why,
              ...(f.at !== null ? [el('p', { class: 'fix' }, `now: ${oneLine(f.at, 120)}`)] : []),
              el('pre', { class: 'step' }, ...f.lines.flatMap((l, i) => (i === 0 ? [l] : [document.createTextNode('\n'), l]))),
              ...f.notes.map((n) => el('p', { class: 'note' }, n)),
            ),
          ),
        ),
      );
      panel.classList.add('top-findings');
      findings.after(panel);
    }
  }
  if (r.warnings.length > 0) side.append(section('Warnings', el('ul', {}, ...r.warnings.map((w) => el('li', {}, w.message)))));
  footer(d);
}

/**
 * A page of several images (an archive's overview, a fleet): `#image-K` in the URL shows image K's
 * own report with a link back (the browser's back button returns too), anything else `home`.
 */
export function imagePages(images: readonly ReportPage[], back: string, home: () => void): void {
  const show = (): void => {
    document.body.replaceChildren();
    const page = images[Number(/^#image-(\d+)$/.exec(location.hash)?.[1] ?? -1)];
    if (!page) {
      home();
      return;
    }
    reportPage(page);
    document.querySelector('header')?.prepend(el('a', { href: '#', class: 'back' }, back));
  };
  window.addEventListener('hashchange', show);
  show();
}
