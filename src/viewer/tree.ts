/** The folder tree as the page holds it: columns, weights, paths and labels. */
import type { TreeColumns } from '../render/html-data.js';
import { count } from './format.js';

export interface Tree {
  readonly cols: TreeColumns;
  readonly kids: number[][];
  readonly diff: boolean;
  /** The weight each node is drawn with (bytes, |change| or size), leaves summed up. */
  weight: Float64Array;
}

export function makeTree(cols: TreeColumns, diff: boolean): Tree {
  const n = cols.parent.length;
  const kids: number[][] = Array.from({ length: n }, () => []);
  for (let i = 1; i < n; i++) {
    const p = cols.parent[i]!;
    if (p >= 0 && p < i) kids[p]!.push(i);
  }
  return { cols, kids, diff, weight: new Float64Array(n) };
}

export type SizeBy = 'bytes' | 'change' | 'size';

export function weigh(t: Tree, by: SizeBy): void {
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
export function shownKids(t: Tree, i: number): number[] {
  return t.kids[i]!.filter((k) => t.weight[k]! > 0).sort((x, y) => t.weight[y]! - t.weight[x]!);
}

export function pathOf(t: Tree, i: number): string {
  const parts: string[] = [];
  for (let n = i; n > 0; n = t.cols.parent[n]!) parts.unshift(label(t, n));
  return `/${parts.join('/')}`;
}

export function label(t: Tree, i: number): string {
  if (i === 0) return '/';
  return t.cols.kind[i] === 3 ? `(${count(t.cols.folded[i]!)} smaller)` : t.cols.name[i]!;
}
