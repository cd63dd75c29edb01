/** The treemap: laid out again on every zoom, drawn on a canvas, boxes under 3 px left out. */
import { human, signed } from './format.js';
import { el, visible } from './dom.js';
import { darkText, makeFill } from './colours.js';
import { type Rect, squarify } from './squarify.js';
import { type SizeBy, type Tree, label, pathOf, shownKids, weigh } from './tree.js';

export interface Box extends Rect {
  /** The node drawn: for a chain of folders each holding one folder, the innermost. */
  readonly node: number;
  /** Its label: the names of the chain, "usr/local/lib". */
  readonly name: string;
  readonly depth: number;
  readonly folder: boolean;
}

export type ColourBy = 'layer' | 'package' | 'none' | 'change';

export interface MapState {
  root: number;
  colourBy: ColourBy;
  sizeBy: SizeBy;
  /** A layer number whose boxes stay lit, the others dimmed; 0: none. */
  highlight: number;
}

export const HEADER = 18;
export const PAD = 2;
export const MIN_BOX = 3;
/** A revealed box smaller than this is zoomed into until it is not. */
export const MIN_VISIBLE = 8;

export class Treemap {
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
