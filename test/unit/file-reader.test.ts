/**
 * An uncompressed archive FILE is read with random access: headers and metadata first, then only
 * the chosen image's big blobs; with --no-verify, the contents of big plain layers are skipped.
 */
import { truncateSync, writeFileSync } from 'node:fs';

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/source/read.js';
import { readOuterFile } from '../../src/archive/read-file.js';
import { memberSink } from '../../src/archive/member-sink.js';
import { jsonBudget } from '../../src/archive/contents.js';
import { ImgsizeError } from '../../src/base/errors.js';
import type { ImageModel } from '../../src/model.js';
import { blobPath, buildImage, ociMembers, outerTar, sha256, type OuterMember } from '../fixtures/builder.js';
import { failsWith } from '../helpers/errors.js';
import { model } from '../helpers/image.js';
import { tempFolders } from '../helpers/temp.js';

const MiB = 1 << 20;
const tmp = tempFolders('imgsize-file-');

async function toFile(archive: Buffer): Promise<string> {
  const file = path.join(tmp(), 'image.tar');
  writeFileSync(file, archive);
  return file;
}

/** What a model says of its layers, without the scans' file lists. */
function layerFacts(m: ImageModel): object[] {
  return m.layers.map((l) => ({
    digest: l.digest,
    diffId: l.diffId,
    compression: l.compression,
    compressedBytes: l.compressedBytes,
    uncompressedBytes: l.uncompressedBytes,
    contentBytes: l.scan.contentBytes,
    entries: l.scan.entries,
    files: l.scan.files.length,
  }));
}

async function fromFile(file: string, opts: { verify?: boolean; platform?: string } = {}): Promise<{ m: ImageModel; read: number }> {
  let read = 0;
  const m = await readImage({ path: file }, { verify: opts.verify ?? true, ...(opts.platform ? { platform: opts.platform } : {}), onProgress: (n) => (read = n) });
  return { m, read };
}

async function twoPlatforms(): Promise<Buffer> {
  const amd = await buildImage({
    architecture: 'amd64',
    layers: [
      {
        entries: [
          { path: 'usr/lib/big.so', size: 3 * MiB },
          { path: 'etc/a', content: 'a\n' },
        ],
        compression: 'gzip',
      },
      { entries: [{ path: 'opt/model.bin', size: 2 * MiB }] },
    ],
  });
  const arm = await buildImage({ architecture: 'arm64', layers: [{ entries: [{ path: 'b', size: 3 * MiB }] }] });
  return outerTar(ociMembers([amd, arm], { dockerManifest: false }));
}

describe('archive file with random access', () => {
  it("reads the same layers as the stream, without the other platform's big blob", async () => {
    const archive = await twoPlatforms();
    const file = await toFile(archive);
    const { m, read } = await fromFile(file);
    expect(layerFacts(m)).toEqual(layerFacts(await model(archive)));
    expect(m.layers.map((l) => l.scan.contentBytes)).toEqual([3 * MiB + 2, 2 * MiB]);
    expect(read).toBeLessThan(archive.length - 2.5 * MiB); // the 3 MiB arm64 layer was jumped over
  });

  it('reads the other platform when asked for it', async () => {
    const { m } = await fromFile(await toFile(await twoPlatforms()), { platform: 'linux/arm64' });
    expect(m.layers.map((l) => l.scan.contentBytes)).toEqual([3 * MiB]);
  });

  it('reads an OCI layout tarred with its folder, big layers included', async () => {
    const img = await buildImage({ layers: [{ entries: [{ path: 'big', size: 2 * MiB }] }, { entries: [{ path: 'small', content: 'x' }] }] });
    const members = ociMembers([img]).map((mb): OuterMember => ({ ...mb, name: `img/${mb.name}` }));
    const { m } = await fromFile(await toFile(await outerTar([{ name: 'img', dir: true }, ...members])));
    expect(m.layers.map((l) => l.scan.contentBytes)).toEqual([2 * MiB, 1]);
  });

  it('lets the last member of a name win, as the stream does', async () => {
    const img = await buildImage({ layers: [{ entries: [{ path: 'big', size: 2 * MiB }] }] });
    const members = ociMembers([img]);
    const layer = members.find((mb) => mb.name === blobPath(img.layers[0]!.digest))!;
    const decoy = { name: layer.name, data: Buffer.alloc(3 * MiB, 0x41) };
    const archive = await outerTar([decoy, ...members]);
    const { m } = await fromFile(await toFile(archive));
    expect(m.layers[0]!.scan.contentBytes).toBe(2 * MiB);
    expect(layerFacts(m)).toEqual(layerFacts(await model(archive)));
  });

  it('refuses a file cut inside a big blob it jumped over', async () => {
    const file = await toFile(await twoPlatforms());
    truncateSync(file, 2 * MiB);
    await failsWith(fromFile(file), /truncated/);
  });
});

describe('--no-verify on a file', () => {
  async function bigPlain(diffIds?: string[]): Promise<Buffer> {
    const img = await buildImage({
      layers: [
        {
          entries: [
            { path: 'usr/lib/libbig.so', size: 20 * MiB },
            { path: 'usr/lib/python3/dist-packages/x.py', content: 'print(1)\n' },
            { path: 'usr/lib/libbig2.so', size: 1 * MiB },
            { path: 'etc/hostname', content: 'box\n' },
          ],
        },
        { entries: [{ path: 'app/main.py', content: 'main\n' }] },
      ],
      ...(diffIds ? { diffIds } : {}),
    });
    return outerTar(ociMembers([img], { dockerManifest: true }));
  }

  it('jumps over the file contents of a big plain layer and reports the same numbers', async () => {
    const archive = await bigPlain();
    const file = await toFile(archive);
    const verified = await fromFile(file);
    const skipped = await fromFile(file, { verify: false });
    expect(layerFacts(skipped.m)).toEqual(layerFacts(verified.m));
    expect(skipped.m.layers[0]!.scan.files.map((f) => [f.path, f.size])).toEqual(verified.m.layers[0]!.scan.files.map((f) => [f.path, f.size]));
    // (without the push-size estimate, which reads its samples and their windows)
    const outer = await readOuterFile(file, archive.length, { verify: false, scan: { pushSize: 'off' } });
    expect(outer!.inputBytes).toBeLessThan(2 * MiB); // of 22 MiB: the first read, then headers
    expect(verified.m.warnings).toEqual([]);
    expect(skipped.m.warnings.map((w) => [w.code, w.message])).toEqual([['not-verified', expect.stringMatching(/^layer 1 not hashed \(--no-verify\)/)]]);
  });

  it('verifying, a big plain layer is hashed by a worker reading the file: this thread still jumps over its contents', async () => {
    const archive = await bigPlain();
    const file = await toFile(archive);
    const outer = await readOuterFile(file, archive.length, { verify: true, scan: { pushSize: 'off' } });
    expect(outer!.inputBytes).toBeLessThan(2 * MiB); // of 22 MiB
    const blobs = [...outer!.entries.values()].flatMap((e) => (e.kind === 'file' && e.blob.size > MiB ? [e.blob] : []));
    expect(blobs).toHaveLength(1);
    expect(blobs[0]!.digest).toBe(`sha256:${blobs[0]!.name.split('/').pop()}`);
  });

  it('a plain layer whose hashing worker fails early gives that one error at its end, not an unhandled rejection', async () => {
    const img = await buildImage({ layers: [{ entries: [{ path: 'usr/lib/big.so', size: 3 * MiB }] }] });
    const blob = img.layers[0]!.blob;
    const failure = new ImgsizeError('truncated', 'layer', 'truncated: the file ends 5 bytes early');
    const sink = memberSink(new Map(), jsonBudget(), blobPath(img.layers[0]!.digest), undefined, { size: blob.length, rangeHash: () => Promise.reject(failure) });
    await sink.write(blob.subarray(0, MiB));
    await new Promise((r) => setTimeout(r, 20)); // the worker's failure comes while the layer is still being read
    for (let at = MiB; at < blob.length; at += MiB) await sink.write(blob.subarray(at, at + MiB));
    await expect(sink.end()).rejects.toBe(failure);
  });

  it('says a big plain layer was not hashed, where verifying would fail on its diff_id', async () => {
    const file = await toFile(await bigPlain([sha256('x'), sha256('y')]));
    await failsWith(fromFile(file), /layer 1 .*(digest|diff_id) mismatch/);
    const { m } = await fromFile(file, { verify: false });
    // layer 2 is small: still hashed, so its mismatch is still reported
    expect(m.warnings.map((w) => w.code).sort()).toEqual(['digest-mismatch', 'not-verified']);
  });

  /** Bytes that do not compress (xorshift32), so that a gzip layer of them passes 16 MiB. */
  function noise(n: number): Buffer {
    const w = new Uint32Array(Math.ceil(n / 4));
    let x = 2463534242;
    for (let i = 0; i < w.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      w[i] = x >>> 0;
    }
    return Buffer.from(w.buffer, 0, n);
  }

  it('does not hash a big compressed layer either: same numbers, and a wrong diff_id goes unnoticed but said', async () => {
    const img = await buildImage({
      layers: [
        {
          entries: [
            { path: 'opt/model.bin', content: noise(17 * MiB) },
            { path: 'etc/hostname', content: 'box\n' },
          ],
          compression: 'gzip',
        },
        { entries: [{ path: 'app/main.py', content: 'main\n' }], compression: 'gzip' },
      ],
      diffIds: [sha256('x'), sha256('y')],
    });
    expect(img.layers[0]!.blob.length).toBeGreaterThan(16 * MiB);
    const file = await toFile(await outerTar(ociMembers([img], { dockerManifest: true })));
    await failsWith(fromFile(file), /layer 1 .*diff_id mismatch/);
    const { m } = await fromFile(file, { verify: false });
    expect(m.layers[0]).toMatchObject({ compression: 'gzip', diffId: sha256('x'), scan: { contentBytes: 17 * MiB + 4 } });
    expect(m.layers[0]!.scan.files.map((f) => [f.path, f.size])).toEqual([
      ['opt/model.bin', 17 * MiB],
      ['etc/hostname', 4],
    ]);
    // layer 2 is small: still hashed, so its mismatch is still reported
    expect(m.warnings.map((w) => [w.code, w.message])).toEqual([
      ['digest-mismatch', expect.stringMatching(/^layer 2 .*diff_id mismatch/)],
      ['not-verified', expect.stringMatching(/^layer 1 not hashed \(--no-verify\)/)],
    ]);
  });
});
