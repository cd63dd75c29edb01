/** The two-core pipeline: hashing on the worker rings, zstd through the zstd command. */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hashFileRange, StreamHash, releaseHashing } from '../../src/layer/hasher.js';
import { tempFolders } from '../helpers/temp.js';
import { blobPath, buildImage, ociMembers, outerTar } from '../fixtures/builder.js';
import { inspect } from '../helpers/image.js';

describe('StreamHash', () => {
  it('gives the sha256 of a big stream fed in odd chunks through the worker', async () => {
    const data = Buffer.alloc(30 << 20);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const h = new StreamHash();
    for (let i = 0; i < data.length; ) {
      const n = Math.min(data.length - i, 777_777 + (i % 3) * 1_000_003);
      const w = h.update(data.subarray(i, i + n));
      if (w) await w;
      i += n;
    }
    expect(await h.digest()).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
  });

  it('keeps concurrent streams apart', async () => {
    const a = Buffer.alloc(9 << 20, 1);
    const b = Buffer.alloc(11 << 20, 2);
    const ha = new StreamHash();
    const hb = new StreamHash();
    for (let i = 0; i < 11; i++) {
      await ha.update(a.subarray(i << 20, (i + 1) << 20));
      await hb.update(b.subarray(i << 20, (i + 1) << 20));
    }
    const [da, db] = await Promise.all([ha.digest(), hb.digest()]);
    expect(da).toBe(`sha256:${createHash('sha256').update(a).digest('hex')}`);
    expect(db).toBe(`sha256:${createHash('sha256').update(b).digest('hex')}`);
  });

  it('hashes more concurrent streams than there are workers, and again after the workers stop', async () => {
    const sources = [5, 6, 7].map((mib, k) => Buffer.alloc(mib << 20, k + 1));
    for (let round = 0; round < 2; round++) {
      const hs = sources.map(() => new StreamHash());
      for (let i = 0; i < 7; i++) {
        for (const [k, h] of hs.entries()) {
          const w = h.update(sources[k]!.subarray(i << 20, (i + 1) << 20));
          if (w) await w;
        }
      }
      const got = await Promise.all(hs.map((h) => h.digest()));
      expect(got).toEqual(sources.map((b) => `sha256:${createHash('sha256').update(b).digest('hex')}`));
      await releaseHashing();
    }
  });
});

describe('hashFileRange', () => {
  const tmp = tempFolders('imgsize-range-');

  it('gives the sha256 of a byte range of an open file, read by a worker', async () => {
    const data = Buffer.alloc(3 << 20);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const file = path.join(tmp(), 'blob');
    writeFileSync(file, data);
    const fd = openSync(file, 'r');
    try {
      const start = 12_345;
      const length = (2 << 20) + 777;
      const [a, b] = await Promise.all([hashFileRange(fd, start, length), hashFileRange(fd, 0, data.length)]);
      expect(a).toBe(
        `sha256:${createHash('sha256')
          .update(data.subarray(start, start + length))
          .digest('hex')}`,
      );
      expect(b).toBe(`sha256:${createHash('sha256').update(data).digest('hex')}`);
    } finally {
      closeSync(fd);
    }
  });

  it('fails on a range past the end of the file, and the worker goes on', async () => {
    const file = path.join(tmp(), 'short');
    writeFileSync(file, Buffer.alloc(1000, 7));
    const fd = openSync(file, 'r');
    try {
      await expect(hashFileRange(fd, 500, 600)).rejects.toThrow('truncated: the file ends 100 bytes early');
      expect(await hashFileRange(fd, 0, 1000)).toBe(`sha256:${createHash('sha256').update(Buffer.alloc(1000, 7)).digest('hex')}`);
    } finally {
      closeSync(fd);
    }
  });
});

const hasZstd = spawnSync('sh', ['-c', 'command -v zstd'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasZstd)('zstd through the zstd command', () => {
  it('reads a big zstd layer the same way as the in-process decoders', async () => {
    const img = await buildImage({
      layers: [
        {
          entries: [
            { path: 'big.bin', size: 20 << 20 },
            { path: 'small', size: 3 },
          ],
          compression: 'zstd',
        },
      ],
    });
    const tar = await outerTar(ociMembers([img]));
    const external = await inspect(tar, { decoder: 'external' });
    expect(external.layers[0]).toMatchObject({ compression: 'zstd', diffId: img.layers[0]!.diffId, contentBytes: (20 << 20) + 3 });
    expect(await inspect(tar)).toEqual(external); // libzstd in-process when zstd-napi is built
    expect(await inspect(tar, { decoder: 'builtin' })).toEqual(external); // fzstd
  });

  it('reports a corrupt big zstd layer as one clear error', async () => {
    const img = await buildImage({ layers: [{ entries: [{ path: 'big.bin', size: 20 << 20 }], compression: 'zstd' }] });
    const blob = Buffer.from(img.layers[0]!.blob);
    blob.fill(0xee, 10, 2000); // break the first block's header region
    const target = blobPath(img.layers[0]!.digest);
    const tar = await outerTar(ociMembers([img]).map((m) => (m.name === target ? { ...m, data: blob } : m)));
    await expect(inspect(tar, { verify: false, decoder: 'external' })).rejects.toThrow(/invalid zstd data|not a tar|bad tar header/);
  });
});
