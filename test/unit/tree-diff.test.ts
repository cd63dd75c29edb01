import { describe, expect, it } from 'vitest';
import { squash } from '../../src/analysis/squash.js';
import { buildTree } from '../../src/analysis/tree.js';
import { diffTrees } from '../../src/analysis/tree-diff.js';
import type { LayerEntry } from '../../src/layer/types.js';
import { DiffTreeSchema, type DiffTree } from '../../src/report/schema.js';

const f = (path: string, size: number): LayerEntry => ({ path, kind: 'file', size });
const tree = (files: LayerEntry[], nodes?: number) => buildTree(squash([{ files, opaqueDirs: [], deletions: [] }]).root, nodes ? { nodes } : {});
const byPath = (t: DiffTree) => {
  const pathOf = (i: number): string => {
    const parts: string[] = [];
    for (let n = t.nodes[i]; n && n.parent !== undefined; n = t.nodes[n.parent]) parts.unshift(n.kind === 'smaller' ? '(smaller)' : n.name);
    return `/${parts.join('/')}`;
  };
  return new Map(t.nodes.map((n, i) => [pathOf(i), n]));
};

describe('the diff tree', () => {
  const before = tree([f('torch/lib/libtorch_cuda.so', 900), f('torch/lib/libc10.so', 50), f('nvidia/cudnn/lib/libcudnn.so', 700), f('app/main.py', 10)]);
  const after = tree([f('torch/lib/libtorch_cpu.so', 200), f('torch/lib/libc10.so', 55), f('app/main.py', 10)]);
  const d = diffTrees(before, after);
  const p = byPath(d);

  it('merges both trees by path, with the bytes of each side', () => {
    expect(DiffTreeSchema.safeParse(d).success).toBe(true);
    expect(d.nodes[0]).toMatchObject({ kind: 'folder', before: 1660, after: 265 });
    expect(p.get('/torch/lib/libc10.so')).toMatchObject({ kind: 'file', before: 50, after: 55 });
    expect(p.get('/app/main.py')).toMatchObject({ before: 10, after: 10 });
  });

  it('keeps what was removed, whole subtrees too, with 0 after', () => {
    expect(p.get('/torch/lib/libtorch_cuda.so')).toMatchObject({ before: 900, after: 0 });
    expect(p.get('/nvidia/cudnn/lib/libcudnn.so')).toMatchObject({ before: 700, after: 0 });
    expect(p.get('/torch/lib/libtorch_cpu.so')).toMatchObject({ before: 0, after: 200 });
  });

  it('lists the largest change first in each folder', () => {
    expect(d.nodes.filter((n) => n.parent === 0).map((n) => n.name)).toEqual(['nvidia', 'torch', 'app']);
  });

  it('keeps a folder whole where one side kept it whole', () => {
    const wide = Array.from({ length: 30 }, (_, i) => f(`lib/f${i}`, 100 + i));
    const d2 = diffTrees(tree(wide, 3), tree(wide));
    expect(byPath(d2).get('/lib')).toMatchObject({ kind: 'folder', partial: true, before: 3435, after: 3435 });
    expect(d2.nodes.some((n) => n.parent === 1)).toBe(false);
  });

  it('matches the "(N smaller)" boxes of a folder with each other', () => {
    const many = (extra: number) => [f('big', 1e9), ...Array.from({ length: 5 }, (_, i) => f(`t${i}`, 1 + extra))];
    const d3 = byPath(diffTrees(tree(many(0)), tree(many(1))));
    expect(d3.get('/(smaller)')).toMatchObject({ kind: 'smaller', before: 5, after: 10, folded: 5 });
  });
});
