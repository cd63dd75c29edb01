/**
 * The HTML report's page: reads the data render/html.ts embedded, builds the panels and draws the
 * treemap on a canvas (squarified, laid out again on every zoom, boxes under 3 px left out). Every
 * string from the image reaches the page as text (textContent), never as markup. Runs offline: no
 * request of any kind. A small hook (window.imgsize) lets the browser tests read what was drawn.
 */
import type { DiffPage, OverviewPage, PageData, ReportPage, TreeColumns } from '../render/html-data.js';

// ---------------------------------------------------------------------------------------------
// sizes, as the CLI writes them (pretty-bytes: SI units, three significant digits)

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

function decimal(x: number): string {
  if (x >= 1e-6 && x < 1e21) return String(x);
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const point = Number(exp) + 1;
  const padded = point > 0 ? digits.padEnd(point, '0') : '0'.repeat(1 - point) + digits;
  const int = padded.slice(0, point > 0 ? point : 1);
  const frac = padded.slice(point > 0 ? point : 1).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

function human(bytes: number): string {
  let n = Math.abs(bytes);
  let e = n >= 1 ? Math.min(Math.floor(Math.log10(n) / 3), UNITS.length - 1) : 0;
  n /= 1000 ** e;
  if (n < 1 && e > 0) {
    n *= 1000;
    e -= 1;
  }
  n = Number(n.toPrecision(Math.max(3, Math.floor(n).toString().length)));
  if (n >= 1000 && e < UNITS.length - 1) {
    n /= 1000;
    e += 1;
  }
  return `${bytes < 0 ? '-' : ''}${decimal(n)} ${UNITS[e]}`;
}

const signed = (bytes: number): string => (bytes === 0 ? '0 B' : `${bytes > 0 ? '+' : ''}${human(bytes)}`);
const exact = (bytes: number): string => `${bytes.toLocaleString('en-US')} bytes`;
const count = (n: number): string => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// DOM, text only

/**
 * Control characters, bidirectional overrides and zero-width characters made visible (`\x1b`,
 * `\u{202e}`), as the terminal output shows them: a name cannot reorder or hide what is around it.
 */
function visible(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, visible(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(visible(c)) : c);
  return e;
}

/** `align`: one letter per column — l text, r a figure (right, no wrap), t a short tag (no wrap), v a version (breaks only between versions). */
function table(head: readonly string[], rows: readonly (readonly Child[])[], align: string, caption?: string): HTMLTableElement {
  const cls = (i: number): string => (align[i] === 'r' ? 'num' : align[i] === 't' ? 'tag' : align[i] === 'v' ? 'ver' : '');
  const t = el('table');
  if (caption) t.append(el('caption', {}, caption));
  t.append(el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { scope: 'col', class: cls(i) }, h)))));
  const body = el('tbody');
  for (const r of rows) body.append(el('tr', {}, ...r.map((c, i) => el('td', { class: cls(i) }, c))));
  t.append(body);
  return t;
}

const sized = (bytes: number, text = human(bytes)): HTMLElement => el('span', { title: exact(bytes) }, text);
const signedSized = (bytes: number): HTMLElement => el('span', { title: `${bytes > 0 ? '+' : ''}${exact(bytes)}`, class: bytes > 0 ? 'grew' : bytes < 0 ? 'shrank' : '' }, signed(bytes));

function oneLine(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, Math.max(1, n - 1))}…` : one;
}

// ---------------------------------------------------------------------------------------------
// colours: Okabe–Ito (told apart with the common colour-vision deficiencies), patterns past 8

const PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7', '#8C8C8C'];
const GREW = '#D55E00';
const SHRANK = '#0072B2';
const SAME = '#BDBDBD';
const NONE = '#D9D9D9';

function darkText(hex: string): boolean {
  const n = Number.parseInt(hex.slice(1), 16);
  const lum = (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  return lum > 0.55;
}

/** A fill: a colour, and past the palette's 8 a stripe or dot pattern over it. */
function makeFill(ctx: CanvasRenderingContext2D, colour: string, pattern: number): string | CanvasPattern {
  if (pattern === 0) return colour;
  const c = document.createElement('canvas');
  c.width = 8;
  c.height = 8;
  const g = c.getContext('2d')!;
  g.fillStyle = colour;
  g.fillRect(0, 0, 8, 8);
  g.fillStyle = 'rgba(255,255,255,0.55)';
  if (pattern === 1) {
    g.beginPath();
    g.moveTo(0, 8);
    g.lineTo(8, 0);
    g.lineTo(8, 3);
    g.lineTo(3, 8);
    g.closePath();
    g.moveTo(0, 0);
    g.lineTo(0, 3);
    g.lineTo(3, 0);
    g.closePath();
    g.fill();
  } else {
    g.fillRect(1, 1, 3, 3);
    g.fillRect(5, 5, 2, 2);
  }
  return ctx.createPattern(c, 'repeat') ?? colour;
}

// ---------------------------------------------------------------------------------------------
// squarified layout (Bruls, Huizing, van Wijk)

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Lays out `weights` (largest first, all > 0) in `r`; each rect's area is its share of r's area. */
function squarify(weights: readonly number[], r: Rect): Rect[] {
  const out: Rect[] = [];
  const total = weights.reduce((a, w) => a + w, 0);
  if (total <= 0 || r.w <= 0 || r.h <= 0) return weights.map(() => ({ x: r.x, y: r.y, w: 0, h: 0 }));
  const scale = (r.w * r.h) / total;
  const areas = weights.map((w) => w * scale);
  let { x, y, w, h } = r;
  let i = 0;
  const worst = (sum: number, min: number, max: number, side: number): number => Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
  while (i < areas.length) {
    const side = Math.min(w, h);
    let sum = areas[i]!;
    let min = sum;
    let max = sum;
    let j = i + 1;
    let current = worst(sum, min, max, side);
    while (j < areas.length) {
      const a = areas[j]!;
      const next = worst(sum + a, Math.min(min, a), Math.max(max, a), side);
      if (next > current) break;
      sum += a;
      min = Math.min(min, a);
      max = Math.max(max, a);
      current = next;
      j++;
    }
    const last = j >= areas.length;
    if (w >= h) {
      const rowW = last ? w : sum / h;
      let yy = y;
      for (let k = i; k < j; k++) {
        const hh = k === j - 1 ? y + h - yy : areas[k]! / rowW;
        out.push({ x, y: yy, w: rowW, h: hh });
        yy += hh;
      }
      x += rowW;
      w -= rowW;
    } else {
      const rowH = last ? h : sum / w;
      let xx = x;
      for (let k = i; k < j; k++) {
        const ww = k === j - 1 ? x + w - xx : areas[k]! / rowH;
        out.push({ x: xx, y, w: ww, h: rowH });
        xx += ww;
      }
      y += rowH;
      h -= rowH;
    }
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// the tree

interface Tree {
  readonly cols: TreeColumns;
  readonly kids: number[][];
  readonly diff: boolean;
  /** The weight each node is drawn with (bytes, |change| or size), leaves summed up. */
  weight: Float64Array;
}

function makeTree(cols: TreeColumns, diff: boolean): Tree {
  const n = cols.parent.length;
  const kids: number[][] = Array.from({ length: n }, () => []);
  for (let i = 1; i < n; i++) {
    const p = cols.parent[i]!;
    if (p >= 0 && p < i) kids[p]!.push(i);
  }
  return { cols, kids, diff, weight: new Float64Array(n) };
}

type SizeBy = 'bytes' | 'change' | 'size';

function weigh(t: Tree, by: SizeBy): void {
  const { cols, kids, weight } = t;
  for (let i = cols.parent.length - 1; i >= 0; i--) {
    if (kids[i]!.length > 0) {
      let s = 0;
      for (const k of kids[i]!) s += weight[k]!;
      weight[i] = s;
    } else {
      const after = cols.bytes[i]!;
      const before = cols.before?.[i] ?? 0;
      weight[i] = by === 'change' ? Math.abs(after - before) : by === 'size' ? Math.max(after, before) : after;
    }
  }
}

/** A folder's children that have a box (weight > 0), heaviest first. */
function shownKids(t: Tree, i: number): number[] {
  return t.kids[i]!.filter((k) => t.weight[k]! > 0).sort((x, y) => t.weight[y]! - t.weight[x]!);
}

function pathOf(t: Tree, i: number): string {
  const parts: string[] = [];
  for (let n = i; n > 0; n = t.cols.parent[n]!) parts.unshift(label(t, n));
  return `/${parts.join('/')}`;
}

function label(t: Tree, i: number): string {
  if (i === 0) return '/';
  return t.cols.kind[i] === 3 ? `(${count(t.cols.folded[i]!)} smaller)` : t.cols.name[i]!;
}

// ---------------------------------------------------------------------------------------------
// the treemap

interface Box extends Rect {
  /** The node drawn: for a chain of folders each holding one folder, the innermost. */
  readonly node: number;
  /** Its label: the names of the chain, "usr/local/lib". */
  readonly name: string;
  readonly depth: number;
  readonly folder: boolean;
}

type ColourBy = 'layer' | 'package' | 'none' | 'change';

interface MapState {
  root: number;
  colourBy: ColourBy;
  sizeBy: SizeBy;
  /** A layer number whose boxes stay lit, the others dimmed; 0: none. */
  highlight: number;
}

const HEADER = 18;
const PAD = 2;
const MIN_BOX = 3;
/** A revealed box smaller than this is zoomed into until it is not. */
const MIN_VISIBLE = 8;

class Treemap {
  readonly canvas = el('canvas', { tabindex: '0', role: 'img' });
  readonly crumbs = el('nav', { class: 'crumbs', 'aria-label': 'Folder path' });
  readonly contents = el('ol', { class: 'contents' });
  readonly tip = el('div', { class: 'tip', role: 'tooltip' });
  readonly state: MapState;
  boxes: Box[] = [];
  private fills = new Map<string, string | CanvasPattern>();
  private hover = -1;
  /** A node to outline (reveal()), -1 for none. */
  private focus = -1;
  private byName: Map<string, number>[] | undefined;
  private frame = 0;
  onChange: () => void = () => {};

  constructor(
    readonly tree: Tree,
    readonly describe: (i: number) => string[],
    readonly colourOf: (i: number, by: ColourBy) => [colour: string, pattern: number],
    initial: MapState,
  ) {
    this.state = initial;
    weigh(tree, initial.sizeBy);
    this.canvas.addEventListener('mousemove', (e) => this.move(e));
    this.canvas.addEventListener('mouseleave', () => this.hideTip());
    this.canvas.addEventListener('click', (e) => this.click(e));
    this.canvas.addEventListener('keydown', (e) => {
      if ((e.key === 'Backspace' || e.key === 'Escape') && this.state.root !== 0) {
        e.preventDefault();
        this.zoom(this.tree.cols.parent[this.state.root]!);
      }
    });
    new ResizeObserver(() => this.schedule()).observe(this.canvas);
  }

  set(change: Partial<MapState>): void {
    const sizeChanged = change.sizeBy !== undefined && change.sizeBy !== this.state.sizeBy;
    Object.assign(this.state, change);
    if (sizeChanged) {
      weigh(this.tree, this.state.sizeBy);
      this.onChange(); // the folder list is ordered by the new sizes
    }
    this.schedule();
  }

  /**
   * Shows a path of the image: opens the deepest folder of the tree on it and outlines the box
   * (a path the tree does not hold, deleted or folded, shows its nearest ancestor that it holds).
   */
  reveal(path: string): void {
    const { cols, kids } = this.tree;
    this.byName ??= kids.map((list) => new Map(list.filter((k) => cols.kind[k] !== 3).map((k) => [cols.name[k]!, k])));
    let node = 0;
    for (const part of path.split('/').filter(Boolean)) {
      const next = this.byName[node]!.get(part);
      if (next === undefined) break;
      node = next;
    }
    this.focus = node;
    // its folder; and when the box would still be a sliver there, the node itself, filling the map
    this.state.root = kids[node]!.length > 0 || node === 0 ? node : cols.parent[node]!;
    const box = this.layout(this.canvas.clientWidth || 600, this.canvas.clientHeight || 400).find((b) => b.node === node);
    this.zoom(!box || box.w < MIN_VISIBLE || box.h < MIN_VISIBLE ? node : this.state.root);
    this.canvas.scrollIntoView({ block: 'nearest' });
  }

  zoom(node: number): void {
    this.state.root = node;
    this.hideTip();
    this.schedule();
    this.onChange();
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private fill(ctx: CanvasRenderingContext2D, colour: string, pattern: number): string | CanvasPattern {
    const key = `${colour}/${pattern}`;
    let f = this.fills.get(key);
    if (!f) this.fills.set(key, (f = makeFill(ctx, colour, pattern)));
    return f;
  }

  /** The boxes of the current folder, outermost first. */
  private layout(width: number, height: number): Box[] {
    const { kids, weight } = this.tree;
    const out: Box[] = [];
    const todo: Box[] = [{ node: this.state.root, name: label(this.tree, this.state.root), x: 0, y: 0, w: width, h: height, depth: 0, folder: kids[this.state.root]!.length > 0 }];
    // a folder holding nothing but one folder is drawn as one box named by both (no empty frames)
    const chain = (k: number): [number, string] => {
      let node = k;
      let name = label(this.tree, k);
      for (;;) {
        const shown = kids[node]!.filter((c) => weight[c]! > 0);
        if (shown.length !== 1 || kids[shown[0]!]!.length === 0) return [node, name];
        node = shown[0]!;
        name = `${name}/${label(this.tree, node)}`;
      }
    };
    while (todo.length > 0) {
      const b = todo.pop()!;
      out.push(b);
      if (!b.folder) continue;
      const head = b.depth === 0 ? 0 : b.h > HEADER * 2 && b.w > 40 ? HEADER : 0;
      const inner = { x: b.x + PAD, y: b.y + PAD + head, w: b.w - 2 * PAD, h: b.h - 2 * PAD - head };
      if (inner.w < MIN_BOX || inner.h < MIN_BOX) continue;
      const list = shownKids(this.tree, b.node);
      const rects = squarify(
        list.map((k) => weight[k]!),
        inner,
      );
      list.forEach((k, i) => {
        const r = rects[i]!;
        if (r.w < MIN_BOX || r.h < MIN_BOX) return;
        const [node, name] = chain(k);
        todo.push({ node, name, ...r, depth: b.depth + 1, folder: kids[node]!.length > 0 });
      });
    }
    return out;
  }

  draw(): void {
    const c = this.canvas;
    const w = c.clientWidth;
    const h = c.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const ctx = c.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    this.boxes = this.layout(w, h);
    const { cols } = this.tree;
    const lit = this.state.highlight;
    for (const b of this.boxes) {
      if (b.depth === 0 && b.folder) continue;
      if (b.folder) {
        ctx.fillStyle = b.depth % 2 ? '#F2F2F2' : '#E6E6E6';
        ctx.fillRect(b.x, b.y, b.w, b.h);
        ctx.strokeStyle = '#8A8A8A';
        ctx.lineWidth = 1;
        ctx.strokeRect(b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1);
        if (b.h > HEADER * 2 && b.w > 40) this.text(ctx, `${b.name}  ${this.sizeText(b.node)}`, b.x + 4, b.y + 3, b.w - 8, '#222', true);
        continue;
      }
      const [colour, pattern] = this.colourOf(b.node, this.state.colourBy);
      const dim = lit !== 0 && (cols.layer?.[b.node] ?? 0) !== lit;
      ctx.globalAlpha = dim ? 0.18 : 1;
      ctx.fillStyle = this.fill(ctx, colour, pattern);
      ctx.fillRect(b.x, b.y, b.w, b.h);
      ctx.strokeStyle = 'rgba(0,0,0,0.35)';
      ctx.strokeRect(b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1);
      if (b.w > 46 && b.h > 16) {
        const ink = darkText(colour) ? '#111' : '#FFF';
        this.text(ctx, b.name, b.x + 4, b.y + 3, b.w - 8, ink, false);
        if (b.h > 32) this.text(ctx, this.sizeText(b.node), b.x + 4, b.y + 17, b.w - 8, ink, false);
      }
      ctx.globalAlpha = 1;
    }
    const focused = this.boxes.find((b) => b.node === this.focus);
    if (focused) {
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 3;
      ctx.setLineDash([6, 3]);
      ctx.strokeRect(focused.x + 1.5, focused.y + 1.5, focused.w - 3, focused.h - 3);
      ctx.setLineDash([]);
    }
    if (this.hover >= 0) {
      const b = this.boxes[this.hover];
      if (b) {
        ctx.strokeStyle = '#000';
        ctx.lineWidth = 2;
        ctx.strokeRect(b.x + 1, b.y + 1, b.w - 2, b.h - 2);
      }
    }
    document.body.dataset.drawn = String(Number(document.body.dataset.drawn ?? '0') + 1);
  }

  private sizeText(i: number): string {
    const { cols } = this.tree;
    if (!this.tree.diff) return human(cols.bytes[i]!);
    return signed(cols.bytes[i]! - (cols.before?.[i] ?? 0));
  }

  private text(ctx: CanvasRenderingContext2D, s: string, x: number, y: number, max: number, colour: string, bold: boolean): void {
    ctx.font = `${bold ? '600 ' : ''}12px system-ui, sans-serif`;
    ctx.fillStyle = colour;
    let t = visible(s);
    if (ctx.measureText(t).width > max) {
      while (t.length > 1 && ctx.measureText(`${t}…`).width > max) t = t.slice(0, -1);
      t = `${t}…`;
      if (ctx.measureText(t).width > max) return;
    }
    ctx.fillText(t, x, y);
  }

  /** The outlined node's path, for the tests. */
  focused(): string | null {
    return this.focus < 0 ? null : pathOf(this.tree, this.focus);
  }

  /** The innermost box under a point (the boxes are listed outermost first). */
  hit(x: number, y: number): number {
    for (let i = this.boxes.length - 1; i >= 0; i--) {
      const b = this.boxes[i]!;
      if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) return i;
    }
    return -1;
  }

  private point(e: MouseEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private move(e: MouseEvent): void {
    const [x, y] = this.point(e);
    const i = this.hit(x, y);
    if (i !== this.hover) {
      this.hover = i;
      this.schedule();
    }
    const b = this.boxes[i];
    if (!b || (b.depth === 0 && b.folder)) {
      this.hideTip();
      return;
    }
    this.tip.replaceChildren(...this.describe(b.node).map((line, k) => el(k === 0 ? 'strong' : 'div', {}, line)));
    this.tip.hidden = false;
    const host = this.canvas.getBoundingClientRect();
    const tw = this.tip.offsetWidth;
    const th = this.tip.offsetHeight;
    this.tip.style.left = `${Math.min(x + 14, host.width - tw - 4)}px`;
    this.tip.style.top = `${y + 18 + th > host.height ? Math.max(0, y - th - 10) : y + 18}px`;
  }

  hideTip(): void {
    this.tip.hidden = true;
    if (this.hover !== -1) {
      this.hover = -1;
      this.schedule();
    }
  }

  private click(e: MouseEvent): void {
    const [x, y] = this.point(e);
    let i = this.hit(x, y);
    // one level at a time: the folder under the pointer that the shown folder holds directly
    while (i >= 0 && this.boxes[i]!.depth > 1) i = this.parentBox(i);
    const b = this.boxes[i];
    if (b?.folder && b.node !== this.state.root) this.zoom(b.node);
  }

  /** The box holding box i: the nearest earlier box whose node is an ancestor of i's. */
  private parentBox(i: number): number {
    const { parent } = this.tree.cols;
    const up = new Set<number>();
    for (let n = this.boxes[i]!.node; n > 0; ) up.add((n = parent[n]!));
    for (let k = i - 1; k >= 0; k--) if (up.has(this.boxes[k]!.node)) return k;
    return -1;
  }
}

// ---------------------------------------------------------------------------------------------
// the page

function readData(): PageData {
  const text = document.getElementById('data')?.textContent ?? 'null';
  return JSON.parse(text) as PageData;
}

function section(title: string, ...children: Child[]): HTMLElement {
  return el('section', { 'aria-label': title }, el('h2', {}, title), ...children);
}

function mapSection(map: Treemap, controls: HTMLElement, legend: HTMLElement, note: string): HTMLElement {
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

function radios(name: string, options: readonly [string, string][], current: string, on: (v: string) => void): HTMLElement {
  const box = el('fieldset', { class: 'switch' }, el('legend', {}, name));
  for (const [value, text] of options) {
    const input = el('input', { type: 'radio', name, value });
    input.checked = value === current;
    input.addEventListener('change', () => on(value));
    box.append(el('label', {}, input, text));
  }
  return box;
}

function refreshNav(map: Treemap, total: (i: number) => string): void {
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

function swatch(colour: string, pattern: number): HTMLElement {
  const s = el('span', { class: `swatch p${pattern}`, 'aria-hidden': 'true' });
  s.style.backgroundColor = colour; // CSSOM: a style attribute would break the page's CSP
  return s;
}

function legendOf(entries: readonly [string, string, number][]): HTMLElement {
  return el('ul', { class: 'legend' }, ...entries.map(([text, colour, pattern]) => el('li', {}, swatch(colour, pattern), text)));
}

/** A path the treemap can show: a button that opens its folder there and outlines it. */
function revealButton(map: Treemap, path: string, text: string): HTMLElement {
  const b = el('button', { type: 'button', class: 'reveal', title: 'show it in the treemap' }, text);
  b.addEventListener('click', () => map.reveal(path));
  return b;
}

function verdictSection(d: PageData): HTMLElement | null {
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
function layerHome(t: Tree, layer: number): number {
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
function searchSection(map: Treemap | null, packages: ReportPage['report']['packages']): HTMLElement {
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

function reportPage(d: ReportPage): void {
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
    shown = m;
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
    if (fixes.length > 0) {
      const all = fixes.reduce((a, f) => a + f.bytes, 0);
      const allCompressed = fixes.reduce((a, f) => a + f.compressedBytes, 0);
      const panel = section(
        'Fixes',
        el(
          'p',
          { class: 'note' },
          'Suggestions: nothing is changed. With all of them the image is about ',
          sized(Math.max(0, t.contentBytes - all)),
          ' content, ',
          sized(Math.max(0, t.pushBytes - allCompressed)),
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

function diffPage(d: DiffPage): void {
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
    shown = m;
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

function footer(d: PageData): void {
  document.body.append(el('footer', {}, `Made by imgsize ${d.version}. This page makes no network request; everything it shows is in this file.`));
}

/** The treemap on the page, for the test hook. */
let shown: Treemap | null = null;

/**
 * An archive of several images: each image, what it has alone and shares, the archive in all; a
 * click on an image shows its own report (the browser's back button returns: the image is in the
 * URL's fragment).
 */
function overviewPage(d: OverviewPage): void {
  const o = d.overview;
  const name = (i: number): string => o.images[i]!.tags[0] ?? o.images[i]!.configDigest.slice(0, 19);
  const show = (): void => {
    document.body.replaceChildren();
    const k = Number(/^#image-(\d+)$/.exec(location.hash)?.[1] ?? -1);
    const page = d.images[k];
    if (page) {
      reportPage(page);
      const back = el('a', { href: '#', class: 'back' }, `← all ${count(o.images.length)} images of ${o.source.path}`);
      document.querySelector('header')?.prepend(back);
      return;
    }
    document.title = visible(`imgsize: ${o.source.path} (${o.images.length} images)`);
    document.body.append(
      el(
        'header',
        {},
        el('h1', {}, `imgsize: ${o.source.path}`, el('span', { class: 'platform' }, ` (${count(o.images.length)} images)`)),
        el(
          'dl',
          { class: 'totals' },
          ...(
            [
              ['distinct layers', count(o.totals.layers)],
              ['content, each layer once', sized(o.totals.contentBytes)],
              ['compressed, each layer once', sized(o.totals.compressedBytes)],
            ] as [string, Child][]
          ).flatMap(([k2, v]) => [el('dt', {}, k2), el('dd', {}, v)]),
        ),
      ),
      el(
        'main',
        { class: 'overview' },
        section(
          'Images',
          table(
            ['image', 'platform', 'layers', 'content', 'compressed', 'alone', 'shared'],
            o.images.map((img, i) => [
              el('a', { href: `#image-${i}`, class: 'image' }, name(i)),
              img.platform,
              count(img.layers),
              sized(img.contentBytes),
              sized(img.compressedBytes, `${img.compressedEstimated ? '~' : ''}${human(img.compressedBytes)}`),
              sized(img.aloneContentBytes),
              sized(img.sharedContentBytes),
            ]),
            'ltrrrrr',
          ),
          el(
            'p',
            { class: 'note' },
            'alone: the content of its layers no other image here has; shared: of layers another image has too. Open an image for its layers, packages, folders and findings.',
          ),
        ),
      ),
    );
    footer(d);
  };
  window.addEventListener('hashchange', show);
  show();
}

const data = readData();
if (data.page === 'diff') diffPage(data);
else if (data.page === 'overview') overviewPage(data);
else reportPage(data);
// what the browser tests read: the formatting, the layout and the boxes as drawn (CSS pixels)
(window as unknown as { imgsize: unknown }).imgsize = {
  human,
  signed,
  visible,
  squarify,
  root: () => (shown ? pathOf(shown.tree, shown.state.root) : null),
  focus: () => (shown ? shown.focused() : null),
  reveal: (path: string) => shown?.reveal(path),
  boxes: () => (shown ? shown.boxes.map((b) => ({ path: pathOf(shown!.tree, b.node), node: b.node, x: b.x, y: b.y, w: b.w, h: b.h, depth: b.depth, folder: b.folder })) : []),
};
document.body.dataset.ready = '1';
