/**
 * The final filesystem pruned to a node budget, for the treemap: best-first, the largest folder not
 * yet opened is opened next (a binary heap), its children largest first; what does not fit — past
 * MAX_CHILDREN, under MIN_SHARE of the image, or past the budget — is folded into one "(N smaller)"
 * node. A folder never opened stays as one node with its totals (`partial`). Nodes are listed
 * parents first, so each names its parent by an earlier position. Pure: the squashed tree in, plain
 * data out; every entry is visited a bounded number of times (sums, then one colour walk).
 */
import { eachEntry, isContent, type FinalEntry, type FsNode } from './squash.js';
import { displayPath } from '../base/paths.js';
import type { ReportTree, TreeNode } from '../report/schema.js';
import { MAX_TREE_NODES, TREE_NODES } from '../report/limits.js';

/** Children shown per folder; the rest are folded. */
export const MAX_CHILDREN = 200;
/** Children smaller than this share of the image are folded (a box under a pixel on any screen). */
export const MIN_SHARE = 1 / 100_000;

interface Sums {
  bytes: number;
  files: number;
}

/** Per folder node: bytes (files and symlinks, as finalBytes) and regular files below it; post-order, no recursion. */
function folderSums(root: FsNode): Map<FsNode, Sums> {
  const sums = new Map<FsNode, Sums>();
  const stack: { node: FsNode; it: Iterator<FsNode>; s: Sums }[] = [];
  const open = (node: FsNode): void => {
    const s = { bytes: 0, files: 0 };
    sums.set(node, s);
    stack.push({ node, it: node.children!.values(), s });
  };
  if (root.children) open(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = top.it.next();
    if (next.done) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.s.bytes += top.s.bytes;
        parent.s.files += top.s.files;
      }
      continue;
    }
    const child = next.value;
    if (isContent(child.entry)) {
      top.s.bytes += child.entry.size;
      if (child.entry.kind === 'file') top.s.files++;
    }
    if (child.children) open(child);
  }
  return sums;
}

/** A max-heap of folders to open, largest first (ties: the one listed first). */
class Frontier {
  private readonly items: { at: number; bytes: number; node: FsNode }[] = [];
  get size(): number {
    return this.items.length;
  }
  push(item: { at: number; bytes: number; node: FsNode }): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): { at: number; bytes: number; node: FsNode } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
  private before(x: { at: number; bytes: number }, y: { at: number; bytes: number }): boolean {
    return x.bytes > y.bytes || (x.bytes === y.bytes && x.at < y.at);
  }
}

export interface TreeOptions {
  /** Most nodes in the tree (≥ 1; default TREE_NODES). */
  readonly nodes?: number;
  /** The owning package of an entry: its position in the report's packages. */
  readonly ownerOf?: (e: FinalEntry) => number | undefined;
}

type Building = { -readonly [K in keyof TreeNode]: TreeNode[K] };

export function buildTree(root: FsNode, opts: TreeOptions = {}): ReportTree {
  const budget = Math.max(1, Math.min(MAX_TREE_NODES, Math.floor(opts.nodes ?? TREE_NODES)));
  const sums = folderSums(root);
  const total = sums.get(root) ?? { bytes: 0, files: 0 };
  const nodes: Building[] = [{ name: '', kind: 'folder', bytes: total.bytes, files: total.files }];
  // what each partial folder or "(N smaller)" node stands for, coloured in one walk at the end
  const members = new Map<number, FsNode[]>();
  const frontier = new Frontier();
  if (root.children && total.bytes > 0) frontier.push({ at: 0, bytes: total.bytes, node: root });
  else if (root.children) nodes[0]!.partial = true;
  const minBytes = total.bytes * MIN_SHARE;

  for (let next = frontier.pop(); next; next = frontier.pop()) {
    const room = budget - nodes.length;
    if (room <= 0) {
      frontier.push(next);
      break;
    }
    const kids: { name: string; node: FsNode; bytes: number; files: number }[] = [];
    for (const [name, node] of next.node.children!) {
      const s = sums.get(node);
      const own = isContent(node.entry) ? node.entry : undefined;
      const bytes = (s?.bytes ?? 0) + (own?.size ?? 0);
      if (bytes === 0) continue;
      kids.push({ name, node, bytes, files: (s?.files ?? 0) + (own?.kind === 'file' ? 1 : 0) });
    }
    kids.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let keep = 0;
    while (keep < kids.length && keep < MAX_CHILDREN && kids[keep]!.bytes >= minBytes) keep++;
    // one place is kept for the fold when something is left over
    if (keep > room || (keep < kids.length && keep === room)) keep = room - 1;
    // a fold of one entry hides a name for nothing: show it instead when it fits
    else if (kids.length - keep === 1 && keep + 1 <= room) keep++;
    if (keep === 0 && kids.length > 1) {
      // opened into one fold it would say nothing more than it does whole: it stays whole
      frontier.push(next);
      break;
    }
    const parent = next.at;
    for (const k of kids.slice(0, keep)) {
      const at = nodes.length;
      const e = k.node.entry;
      if (k.node.children && sums.get(k.node)!.bytes > 0) {
        nodes.push({ parent, name: displayPath(k.name), kind: 'folder', bytes: k.bytes, files: k.files });
        frontier.push({ at, bytes: k.bytes, node: k.node });
      } else {
        // a file (or a link); a name that is both a file and a folder in the merged tree counts as the file here
        const kind = e?.kind === 'symlink' ? 'symlink' : 'file';
        nodes.push({ parent, name: displayPath(k.name), kind, bytes: k.bytes, files: k.files });
        members.set(at, [k.node]);
      }
    }
    const rest = kids.slice(keep);
    if (rest.length > 0) {
      const at = nodes.length;
      nodes.push({
        parent,
        name: '',
        kind: 'smaller',
        bytes: rest.reduce((a, k) => a + k.bytes, 0),
        files: rest.reduce((a, k) => a + k.files, 0),
        folded: rest.length,
      });
      members.set(
        at,
        rest.map((k) => k.node),
      );
    }
  }
  for (let left = frontier.pop(); left; left = frontier.pop()) {
    nodes[left.at]!.partial = true;
    members.set(left.at, [left.node]);
  }
  colour(nodes, members, opts.ownerOf);
  return { nodeBudget: budget, nodes: nodes.map(inSchemaOrder) };
}

/** The node's keys in the contract's order (report/schema.ts), whatever order they were set in. */
function inSchemaOrder(n: Building): TreeNode {
  return {
    ...(n.parent !== undefined ? { parent: n.parent } : {}),
    name: n.name,
    kind: n.kind,
    bytes: n.bytes,
    files: n.files,
    ...(n.layer !== undefined ? { layer: n.layer } : {}),
    ...(n.package !== undefined ? { package: n.package } : {}),
    ...(n.partial ? { partial: n.partial } : {}),
    ...(n.folded !== undefined ? { folded: n.folded } : {}),
  };
}

/**
 * The layer (and package) holding most of each leaf's bytes: each leaf's entries are walked once,
 * and leaves never share entries. Ties go to the lower layer / package position.
 */
function colour(nodes: Building[], members: ReadonlyMap<number, FsNode[]>, ownerOf: TreeOptions['ownerOf']): void {
  for (const [at, list] of members) {
    const byLayer = new Map<number, number>();
    const byOwner = new Map<number, number>();
    const add = (e: FinalEntry): void => {
      if (!isContent(e) || e.size === 0) return;
      byLayer.set(e.layer, (byLayer.get(e.layer) ?? 0) + e.size);
      const o = ownerOf?.(e);
      if (o !== undefined) byOwner.set(o, (byOwner.get(o) ?? 0) + e.size);
    };
    for (const node of list) eachEntry(node, add);
    const layer = largest(byLayer);
    const owner = largest(byOwner);
    const node = nodes[at]!;
    if (layer !== undefined) node.layer = layer + 1;
    // the owner of most of the bytes — of most of them, not only more than any other package
    if (owner !== undefined && 2 * byOwner.get(owner)! >= node.bytes) node.package = owner;
  }
}

function largest(m: ReadonlyMap<number, number>): number | undefined {
  let best: number | undefined;
  for (const [k, v] of m) if (best === undefined || v > m.get(best)! || (v === m.get(best)! && k < best)) best = k;
  return best;
}
