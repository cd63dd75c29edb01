import { describe, expect, it } from 'vitest';
import { squash, lookup } from '../../src/analysis/squash.js';
import type { LayerEntry } from '../../src/layer/types.js';

type L = { files: LayerEntry[]; opaqueDirs?: string[]; deletions?: string[] };
const f = (path: string, size: number): LayerEntry => ({ path, kind: 'file', size });
const d = (path: string): LayerEntry => ({ path, kind: 'dir', size: 0 });
const run = (...layers: L[]) => squash(layers.map((l) => ({ files: l.files, opaqueDirs: l.opaqueDirs ?? [], deletions: l.deletions ?? [] })));

describe('squash', () => {
  it('sums the final files', () => {
    const s = run({ files: [d('a'), f('a/x', 10), { path: 'a/l', kind: 'symlink', size: 3, target: 'x' }] });
    expect([s.finalBytes, s.finalFiles]).toEqual([13, 1]);
  });

  it('counts an overwritten file as waste of the lower layer, once', () => {
    const s = run({ files: [f('a', 100)] }, { files: [f('a', 40)] }, { files: [f('a', 5)] });
    expect(s.finalBytes).toBe(5);
    expect(s.wastedBytesByLayer).toEqual([100, 40, 0]);
  });

  it('deletes a file and everything under a deleted folder', () => {
    const s = run({ files: [f('a/x', 1), f('a/y/z', 2), f('b', 4)] }, { files: [], deletions: ['a'] });
    expect(s.finalBytes).toBe(4);
    expect(s.wastedBytesByLayer).toEqual([3, 0]);
    expect(lookup(s.root, 'a/x')).toBeUndefined();
  });

  it("applies an opaque marker to lower layers only, keeping the folder and the layer's own files", () => {
    const s = run({ files: [d('a'), f('a/old', 7)] }, { files: [d('a'), f('a/new', 3)], opaqueDirs: ['a'] });
    expect(lookup(s.root, 'a/old')).toBeUndefined();
    expect(lookup(s.root, 'a/new')?.size).toBe(3);
    expect(lookup(s.root, 'a')?.kind).toBe('dir');
    expect(s.finalBytes).toBe(3);
  });

  it("applies a whiteout to lower layers only, not to the same layer's file", () => {
    const s = run({ files: [f('a', 7)] }, { files: [f('a', 2)], deletions: ['a'] });
    expect(lookup(s.root, 'a')?.size).toBe(2);
    expect(s.wastedBytesByLayer).toEqual([7, 0]);
  });

  it("hides a folder's contents when a later layer replaces it with a file", () => {
    const s = run({ files: [d('a'), f('a/x', 9)] }, { files: [f('a', 1)] });
    expect(s.finalBytes).toBe(1);
    expect(lookup(s.root, 'a/x')).toBeUndefined();
  });

  it('counts hardlinks as 0 bytes and not as files', () => {
    const s = run({ files: [f('a', 5), { path: 'b', kind: 'hardlink', size: 0 }] });
    expect([s.finalBytes, s.finalFiles]).toEqual([5, 1]);
  });

  it('ignores a whiteout of something that is not there', () => {
    const s = run({ files: [f('a', 5)] }, { files: [], deletions: ['nope/x'] });
    expect(s.finalBytes).toBe(5);
  });
});
