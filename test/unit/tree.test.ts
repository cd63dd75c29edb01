import { describe, expect, it } from 'vitest';
import { squash, lookup } from '../../src/analysis/squash.js';
import { buildTree, MAX_CHILDREN } from '../../src/analysis/tree.js';
import type { LayerEntry } from '../../src/layer/types.js';
import { ReportTreeSchema } from '../../src/report/schema.js';
import type { ReportTree } from '../../src/report/schema.js';

const f = (path: string, size: number): LayerEntry => ({ path, kind: 'file', size });
const fsOf = (...layers: LayerEntry[][]) => squash(layers.map((files) => ({ files, opaqueDirs: [], deletions: [] }))).root;
const pathOf = (t: ReportTree, i: number): string => {
  const parts: string[] = [];
  for (let n = t.nodes[i]; n && n.parent !== undefined; n = t.nodes[n.parent]) parts.unshift(n.kind === 'smaller' ? '(smaller)' : n.name);
  return `/${parts.join('/')}`;
};
const byPath = (t: ReportTree) => new Map(t.nodes.map((n, i) => [pathOf(t, i), n]));

describe('the report tree (treemap data)', () => {
  it('holds every folder and file of a small image, sizes summed, children largest first', () => {
    const t = buildTree(fsOf([f('usr/lib/a.so', 300), f('usr/lib/b.so', 500), f('app/main.py', 100)], [f('usr/bin/x', 50)]));
    expect(ReportTreeSchema.safeParse(t).success).toBe(true);
    expect(t.nodes[0]).toEqual({ name: '', kind: 'folder', bytes: 950, files: 4 });
    const p = byPath(t);
    expect(p.get('/usr')).toMatchObject({ kind: 'folder', bytes: 850, files: 3 });
    expect(p.get('/usr/lib/b.so')).toMatchObject({ kind: 'file', bytes: 500, layer: 1 });
    expect(p.get('/usr/bin/x')).toMatchObject({ kind: 'file', bytes: 50, layer: 2 });
    const usr = t.nodes.indexOf(p.get('/usr')!);
    expect(t.nodes.filter((n) => n.parent === usr).map((n) => n.name)).toEqual(['lib', 'bin']);
  });

  it('opens the largest folders first and leaves the rest whole when the budget runs out', () => {
    const big = Array.from({ length: 20 }, (_, i) => f(`big/f${i}`, 1000 + i));
    const small = Array.from({ length: 20 }, (_, i) => f(`small/f${i}`, 100 + i));
    const t = buildTree(fsOf([...big, ...small]), { nodes: 15 });
    expect(t.nodes.length).toBe(15);
    const p = byPath(t);
    expect(p.get('/big')?.partial).toBeUndefined();
    expect(p.get('/small')).toMatchObject({ partial: true, bytes: 20 * 100 + 190, files: 20, layer: 1 });
    expect(p.get('/big/f19')?.bytes).toBe(1019);
    // what did not fit under /big is one box with the bytes and files it stands for
    const fold = p.get('/big/(smaller)')!;
    const shown = t.nodes.filter((n) => n.parent === t.nodes.indexOf(p.get('/big')!) && n.kind === 'file');
    expect(fold.bytes + shown.reduce((a, n) => a + n.bytes, 0)).toBe(p.get('/big')!.bytes);
    expect(fold.folded! + shown.length).toBe(20);
  });

  it(`folds a folder's children past ${MAX_CHILDREN} and under a 1/100,000 share into "(N smaller)"`, () => {
    const many = Array.from({ length: MAX_CHILDREN + 50 }, (_, i) => f(`many/f${String(i).padStart(3, '0')}`, 100_000));
    const t = buildTree(fsOf([...many, f('huge', 1e9), f('tiny', 5), f('tiny2', 5)]));
    const p = byPath(t);
    expect(p.get('/many/(smaller)')).toMatchObject({ folded: 50, bytes: 5_000_000, files: 50 });
    expect(p.get('/(smaller)')).toMatchObject({ folded: 2, bytes: 10 });
    expect(p.has('/tiny')).toBe(false);
  });

  it('shows a lone leftover by its name rather than as a fold of one', () => {
    const t = buildTree(fsOf([f('a', 1e9), f('b', 3)]));
    expect(t.nodes.map((n) => n.name)).toEqual(['', 'a', 'b']);
  });

  it('colours a folded or partial box by the layer and the package holding most of its bytes', () => {
    const root = fsOf([f('opt/x/a', 100), f('opt/x/b', 100)], [f('opt/x/c', 300)]);
    const c = lookup(root, 'opt/x/c')!;
    const t = buildTree(root, { nodes: 2, ownerOf: (e) => (e === c ? 7 : undefined) });
    expect(t.nodes[1]).toMatchObject({ name: 'opt', partial: true, layer: 2, package: 7 });
    // a package owning less than half of the bytes does not colour the box
    const t2 = buildTree(root, { nodes: 2, ownerOf: (e) => (e === lookup(root, 'opt/x/a') ? 1 : undefined) });
    expect(t2.nodes[1]!.package).toBeUndefined();
  });

  it('keeps within the node budget on a wide and deep image, each node after its parent', () => {
    const files: LayerEntry[] = [];
    for (let i = 0; i < 3000; i++) files.push(f(`d${i % 37}/e${i % 11}/g${i % 5}/file${i}`, 1 + (i % 97) * 1000));
    const t = buildTree(fsOf(files), { nodes: 500 });
    expect(t.nodes.length).toBeLessThanOrEqual(500);
    expect(t.nodes.length).toBeGreaterThan(450);
    expect(ReportTreeSchema.safeParse(t).success).toBe(true);
    // the children of every opened folder add up to it
    t.nodes.forEach((n, i) => {
      const kids = t.nodes.filter((k) => k.parent === i);
      if (kids.length > 0) expect(kids.reduce((a, k) => a + k.bytes, 0)).toBe(n.bytes);
    });
  });

  it('an empty image is a root without children', () => {
    expect(buildTree(fsOf([])).nodes).toEqual([{ name: '', kind: 'folder', bytes: 0, files: 0 }]);
  });

  it('a tree read back must name earlier, opened folders as parents', () => {
    const bad = (nodes: unknown[]) => ReportTreeSchema.safeParse({ nodeBudget: 9, nodes }).success;
    const root = { name: '', kind: 'folder', bytes: 1, files: 1 };
    expect(bad([root, { parent: 0, name: 'a', kind: 'file', bytes: 1, files: 1 }])).toBe(true);
    expect(bad([root, { parent: 1, name: 'a', kind: 'file', bytes: 1, files: 1 }])).toBe(false);
    expect(bad([root, { parent: 0, name: 'a', kind: 'file', bytes: 1, files: 1 }, { parent: 1, name: 'b', kind: 'file', bytes: 1, files: 1 }])).toBe(false);
    expect(bad([{ ...root, parent: 0 }])).toBe(false);
  });
});
