/**
 * Two report trees merged by path, for the diff treemap: a folder is opened where both sides opened
 * it (or where only one side has it: then its whole subtree, the other side 0); where one side kept
 * it whole, it is one box with both totals. "(N smaller)" boxes match each other within a folder.
 * Pure; parents first, as in the report tree; no recursion (the image sets the depth).
 */
import type { DiffTree, DiffTreeNode, ReportTree, TreeNode } from '../report/schema.js';

type Side = { readonly tree: ReportTree; readonly kids: readonly number[][] };

function sideOf(tree: ReportTree): Side {
  const kids: number[][] = tree.nodes.map(() => []);
  tree.nodes.forEach((n, i) => {
    if (n.parent !== undefined) kids[n.parent]?.push(i);
  });
  return { tree, kids };
}

/** A child's key in its folder: its name; every fold is one "(smaller)"; a repeated name gets its count. */
function keyed(side: Side, at: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of side.kids[at] ?? []) {
    const n = side.tree.nodes[k]!;
    const base = n.kind === 'smaller' ? '\0smaller' : n.name;
    let key = base;
    for (let i = 2; out.has(key); i++) key = `${base}\0${i}`;
    out.set(key, k);
  }
  return out;
}

const opened = (n: TreeNode | undefined): boolean => n !== undefined && n.kind === 'folder' && !n.partial;

export function diffTrees(before: ReportTree, after: ReportTree): DiffTree {
  const b = sideOf(before);
  const a = sideOf(after);
  const nodes: DiffTreeNode[] = [];
  // [position in nodes, before's node, after's node]
  const queue: [number, number | undefined, number | undefined][] = [];
  const add = (parent: number | undefined, bi: number | undefined, ai: number | undefined): void => {
    const bn = bi === undefined ? undefined : before.nodes[bi];
    const an = ai === undefined ? undefined : after.nodes[ai];
    // AFTER's kind where both have the name (a folder that became a file is a file box)
    const n = (an ?? bn)!;
    const at = nodes.length;
    const open = n.kind === 'folder' && (bn === undefined || opened(bn)) && (an === undefined || opened(an));
    nodes.push({
      ...(parent !== undefined ? { parent } : {}),
      name: n.name,
      kind: n.kind,
      before: bn?.bytes ?? 0,
      after: an?.bytes ?? 0,
      ...(n.kind === 'folder' && !open ? { partial: true as const } : {}),
      ...(n.kind === 'smaller' ? { folded: Math.max(bn?.folded ?? 0, an?.folded ?? 0) } : {}),
    });
    if (open) queue.push([at, bi, ai]);
  };
  add(undefined, before.nodes.length > 0 ? 0 : undefined, after.nodes.length > 0 ? 0 : undefined);
  for (let head = 0; head < queue.length; head++) {
    const [at, bi, ai] = queue[head]!;
    const bk = bi === undefined ? new Map<string, number>() : keyed(b, bi);
    const ak = ai === undefined ? new Map<string, number>() : keyed(a, ai);
    const keys = new Set([...bk.keys(), ...ak.keys()]);
    const size = (k: string): [number, number] => [before.nodes[bk.get(k) ?? -1]?.bytes ?? 0, after.nodes[ak.get(k) ?? -1]?.bytes ?? 0];
    const order = [...keys].sort((x, y) => {
      const [xb, xa] = size(x);
      const [yb, ya] = size(y);
      return Math.abs(ya - yb) - Math.abs(xa - xb) || Math.max(ya, yb) - Math.max(xa, xb) || (x < y ? -1 : x > y ? 1 : 0);
    });
    for (const k of order) add(at, bk.get(k), ak.get(k));
  }
  return { nodes };
}
