/**
 * Hardlinks across layers, on real layer tars (tar-stream writes them, imgsize's reader reads them):
 * a file's data stays while one of its names does, so deleting or overwriting one name wastes
 * nothing; only the last name's going does.
 */
import { describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, outerTar, type Entry } from '../fixtures/builder.js';
import { inspect } from '../helpers/image.js';

const base: Entry[] = [
  { path: 'usr', type: 'dir' },
  { path: 'usr/bin', type: 'dir' },
  { path: 'usr/bin/perl5.36.0', size: 1000 },
  { path: 'usr/bin/perl', type: 'hardlink', target: 'usr/bin/perl5.36.0' },
  { path: 'usr/bin/other', size: 10 },
];

async function report(...later: Entry[][]) {
  const img = await buildImage({ layers: [{ entries: base }, ...later.map((entries) => ({ entries }))] });
  return inspect(await outerTar(dockerLegacyMembers([img])));
}

const figures = (r: Awaited<ReturnType<typeof report>>) => ({
  final: r.totals.finalBytes,
  wasted: r.totals.wastedBytes,
  files: r.totals.files,
  byLayer: r.layers.map((l) => l.wastedBytes),
});

describe('hardlinks across layers', () => {
  it('two names, one file: the data counts once', async () => {
    const r = await report();
    expect(figures(r)).toEqual({ final: 1010, wasted: 0, files: 2, byLayer: [0] });
  });

  it('deleting the name that came first keeps the data under the other name', async () => {
    const r = await report([{ path: 'usr/bin/.wh.perl5.36.0', size: 0 }]);
    expect(figures(r)).toEqual({ final: 1010, wasted: 0, files: 2, byLayer: [0, 0] });
    expect(r.largestFiles[0]).toEqual({ path: '/usr/bin/perl', bytes: 1000, layer: 1 });
    expect(r.wasted).toEqual([]);
    expect(r.tree!.nodes[0]!.bytes).toBe(1010);
  });

  it('deleting the link keeps the file, and wastes nothing', async () => {
    const r = await report([{ path: 'usr/bin/.wh.perl', size: 0 }]);
    expect(figures(r)).toEqual({ final: 1010, wasted: 0, files: 2, byLayer: [0, 0] });
  });

  it('overwriting one name keeps the old data under the other: both count, nothing wasted', async () => {
    const first = await report([{ path: 'usr/bin/perl5.36.0', size: 300 }]);
    expect(figures(first)).toEqual({ final: 1310, wasted: 0, files: 3, byLayer: [0, 0] });
    const link = await report([{ path: 'usr/bin/perl', size: 300 }]);
    expect(figures(link)).toEqual({ final: 1310, wasted: 0, files: 3, byLayer: [0, 0] });
  });

  it('the data is waste once its last name goes: both at once, or one layer after the other, in either order', async () => {
    const both = await report([
      { path: 'usr/bin/.wh.perl', size: 0 },
      { path: 'usr/bin/.wh.perl5.36.0', size: 0 },
    ]);
    expect(figures(both)).toEqual({ final: 10, wasted: 1000, files: 1, byLayer: [1000, 0] });
    const fileFirst = await report([{ path: 'usr/bin/.wh.perl5.36.0', size: 0 }], [{ path: 'usr/bin/.wh.perl', size: 0 }]);
    expect(figures(fileFirst)).toEqual({ final: 10, wasted: 1000, files: 1, byLayer: [1000, 0, 0] });
    expect(fileFirst.wasted).toEqual([{ path: '/usr/bin/perl', bytes: 1000, layer: 1, by: 3 }]);
    const linkFirst = await report([{ path: 'usr/bin/.wh.perl', size: 0 }], [{ path: 'usr/bin/.wh.perl5.36.0', size: 0 }]);
    expect(linkFirst.wasted).toEqual([{ path: '/usr/bin/perl5.36.0', bytes: 1000, layer: 1, by: 3 }]);
  });

  it('a folder deleted with both names in it wastes the data once', async () => {
    const r = await report([{ path: 'usr/.wh.bin', size: 0 }]);
    expect(figures(r)).toEqual({ final: 0, wasted: 1010, files: 0, byLayer: [1010, 0] });
  });

  it('an opaque folder hides both names: the data is waste once', async () => {
    const r = await report([
      { path: 'usr/bin', type: 'dir' },
      { path: 'usr/bin/.wh..wh..opq', size: 0 },
    ]);
    expect(figures(r)).toEqual({ final: 0, wasted: 1010, files: 0, byLayer: [1010, 0] });
  });
});
