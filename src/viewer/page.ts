/** What every page has: its data, sections, controls, legends, the verdict, search, the footer. */
import type { PageData, ReportPage } from '../render/html-data.js';
import { count } from './format.js';
import { type Child, el, sized } from './dom.js';
import { type Tree, label, pathOf, shownKids } from './tree.js';
import type { Treemap } from './treemap.js';
export function readData(): PageData {
  const text = document.getElementById('data')?.textContent ?? 'null';
  return JSON.parse(text) as PageData;
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return el('section', { 'aria-label': title }, el('h2', {}, title), ...children);
}

export function mapSection(map: Treemap, controls: HTMLElement, legend: HTMLElement, note: string): HTMLElement {
  const stage = el('div', { class: 'stage' }, map.canvas, map.tip);
  map.tip.hidden = true;
  return el(
    'section',
    { class: 'map', 'aria-label': 'Treemap' },
    el('div', { class: 'bar' }, map.crumbs, controls),
    stage,
    legend,
    el('p', { class: 'note' }, note),
    el('details', { class: 'list' }, el('summary', {}, 'This folder as a list (keyboard: Enter opens a folder, Escape goes up)'), map.contents),
  );
}

export function radios(name: string, options: readonly [string, string][], current: string, on: (v: string) => void): HTMLElement {
  const box = el('fieldset', { class: 'switch' }, el('legend', {}, name));
  for (const [value, text] of options) {
    const input = el('input', { type: 'radio', name, value });
    input.checked = value === current;
    input.addEventListener('change', () => on(value));
    box.append(el('label', {}, input, text));
  }
  return box;
}

export function refreshNav(map: Treemap, total: (i: number) => string): void {
  const t = map.tree;
  const chain: number[] = [];
  for (let n = map.state.root; n >= 0; n = n === 0 ? -1 : t.cols.parent[n]!) chain.unshift(n);
  map.crumbs.replaceChildren(
    ...chain.flatMap((n, k) => {
      const b = el('button', { type: 'button', class: 'crumb' }, k === 0 ? '/' : t.cols.name[n]!);
      if (n === map.state.root) b.setAttribute('aria-current', 'location');
      b.addEventListener('click', () => map.zoom(n));
      return k === 0 ? [b] : [el('span', { class: 'sep', 'aria-hidden': 'true' }, '/'), b];
    }),
    el('span', { class: 'crumb-total' }, ` — ${total(map.state.root)}`),
  );
  const list = shownKids(t, map.state.root);
  map.contents.replaceChildren(
    ...list.slice(0, 50).map((k) => {
      const opens = t.kids[k]!.length > 0;
      const item = el('li', {}, opens ? el('button', { type: 'button' }, `${label(t, k)}/`) : el('span', {}, label(t, k)), ` ${total(k)}`);
      if (opens) item.querySelector('button')!.addEventListener('click', () => map.zoom(k));
      return item;
    }),
    ...(list.length > 50 ? [el('li', {}, `… and ${list.length - 50} more`)] : []),
  );
  map.canvas.setAttribute('aria-label', `Treemap of ${pathOf(t, map.state.root)}, ${total(map.state.root)}`);
}

export function swatch(colour: string, pattern: number): HTMLElement {
  const s = el('span', { class: `swatch p${pattern}`, 'aria-hidden': 'true' });
  s.style.backgroundColor = colour; // CSSOM: a style attribute would break the page's CSP
  return s;
}

export function legendOf(entries: readonly [string, string, number][]): HTMLElement {
  return el('ul', { class: 'legend' }, ...entries.map(([text, colour, pattern]) => el('li', {}, swatch(colour, pattern), text)));
}

/** A path the treemap can show: a button that opens its folder there and outlines it. */
export function revealButton(map: Treemap, path: string, text: string): HTMLElement {
  const b = el('button', { type: 'button', class: 'reveal', title: 'show it in the treemap' }, text);
  b.addEventListener('click', () => map.reveal(path));
  return b;
}

export function verdictSection(d: PageData): HTMLElement | null {
  if (!d.verdictLines) return null;
  return el(
    'section',
    { class: `verdict ${d.verdictFailed ? 'failed' : 'passed'}`, 'aria-label': 'Verdict' },
    el('h2', {}, d.verdictFailed ? 'Check failed' : 'Check passed'),
    // one line each: a newline between them is layout, not a character of the verdict to show as \x0a
    el('pre', {}, ...d.verdictLines.flatMap((line, i) => (i === 0 ? [line] : [document.createTextNode('\n'), line]))),
  );
}

/** The deepest folder holding nearly all (90 %) of a layer's bytes in the tree (the root when none does). */
export function layerHome(t: Tree, layer: number): number {
  const { cols, kids } = t;
  const held = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < cols.parent.length; i++) {
    if (kids[i]!.length > 0 || cols.layer?.[i] !== layer) continue;
    total += cols.bytes[i]!;
    for (let n = cols.parent[i]!; n >= 0; n = cols.parent[n]!) held.set(n, (held.get(n) ?? 0) + cols.bytes[i]!);
  }
  let node = 0;
  for (;;) {
    const next = kids[node]!.find((k) => kids[k]!.length > 0 && (held.get(k) ?? 0) >= 0.9 * total);
    if (next === undefined) return node;
    node = next;
  }
}

/**
 * A search over the tree's paths and the packages (what bundle-analyzer users reach for first):
 * a path opens its folder in the treemap; a package shows its size. Case-insensitive, the 30 largest.
 */
export function searchSection(map: Treemap | null, packages: ReportPage['report']['packages']): HTMLElement {
  const input = el('input', { type: 'search', placeholder: 'a path or package, e.g. torch', 'aria-label': 'Search paths and packages', class: 'search' });
  const results = el('ul', { class: 'search-results', 'aria-live': 'polite' });
  const run = (): void => {
    const q = input.value.trim().toLowerCase();
    if (q.length < 2) return void results.replaceChildren();
    const found: [bytes: number, item: HTMLElement][] = [];
    for (const p of packages) {
      if (p.name.toLowerCase().includes(q)) found.push([p.bytes, el('li', { class: 'package' }, `package ${p.name}${p.version ? ` ${p.version}` : ''} (${p.ecosystem}) `, sized(p.bytes))]);
    }
    if (map) {
      const t = map.tree;
      for (let i = 1; i < t.cols.parent.length; i++) {
        if (t.cols.kind[i] === 3 || !t.cols.name[i]!.toLowerCase().includes(q)) continue;
        const path = pathOf(t, i);
        found.push([t.cols.bytes[i]!, el('li', {}, revealButton(map, path, path), ' ', sized(t.cols.bytes[i]!))]);
      }
    }
    found.sort((a, b) => b[0] - a[0]);
    results.replaceChildren(
      ...found.slice(0, 30).map(([, li]) => li),
      ...(found.length === 0 ? [el('li', { class: 'note' }, 'nothing matches')] : found.length > 30 ? [el('li', { class: 'note' }, `… and ${count(found.length - 30)} more`)] : []),
    );
  };
  input.addEventListener('input', run);
  return section('Search', input, results);
}

export function footer(d: PageData): void {
  document.body.append(el('footer', {}, `Made by imgsize ${d.version}. This page makes no network request; everything it shows is in this file.`));
}
