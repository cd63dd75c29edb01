import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { blobPath, buildImage, dockerLegacyMembers, ociMembers, outerTar, sha256, zstdRaw, type ImageSpec } from '../fixtures/builder.js';
import { inspect, model } from '../helpers/image.js';
import { failsWith } from '../helpers/errors.js';

const twoLayers = (compression: 'none' | 'gzip' | 'zstd' = 'none'): ImageSpec => ({
  tags: ['app:1'],
  layers: [
    {
      entries: [
        { path: 'etc/', type: 'dir' },
        { path: 'etc/big', size: 3000 },
        { path: 'etc/link', type: 'symlink', target: 'big' },
      ],
      compression,
      createdBy: 'ADD base',
    },
    { entries: [{ path: 'etc/', type: 'dir' }, { path: 'etc/.wh.big' }, { path: 'app', size: 10 }], compression, createdBy: 'RUN build' },
  ],
  emptySteps: ['CMD ["app"]'],
});

describe('outer archive formats', () => {
  it('reads a docker save ≤ 24 archive (metadata after the layers)', async () => {
    const img = await buildImage(twoLayers());
    const r = await inspect(await outerTar(dockerLegacyMembers([img])));
    expect(r.source.format).toBe('docker');
    expect(r.image.repoTags).toEqual(['app:1']);
    expect(r.layers.map((l) => [l.contentBytes, l.entries, l.whiteouts, l.createdBy])).toEqual([
      [3003, 3, 0, 'ADD base'],
      [10, 3, 1, 'RUN build'],
    ]);
    expect(r.totals).toMatchObject({ contentBytes: 3013, finalBytes: 13, wastedBytes: 3000, files: 1 });
  });

  it("reports a docker layer's digest as the sha256 of its file", async () => {
    const img = await buildImage(twoLayers());
    const r = await inspect(await outerTar(dockerLegacyMembers([img])));
    expect(r.layers.map((l) => l.digest)).toEqual(img.layers.map((l) => l.digest));
    expect(r.layers.map((l) => l.diffId)).toEqual(img.layers.map((l) => l.diffId));
  });

  it('reads a Docker ≥ 25 save (OCI layout plus manifest.json) and takes tags from manifest.json', async () => {
    const img = await buildImage(twoLayers('gzip'));
    const r = await inspect(await outerTar(ociMembers([img], { dockerManifest: true })));
    expect(r.source.format).toBe('docker+oci');
    expect(r.image.repoTags).toContain('app:1');
    expect(r.layers.map((l) => [l.compression, l.compressedBytes, l.uncompressedBytes])).toEqual(img.layers.map((l) => ['gzip', l.blob.length, l.tar.length]));
  });

  it('falls back to manifest.json when index.json says "manifests": null', async () => {
    const img = await buildImage(twoLayers());
    const members = ociMembers([img], { dockerManifest: true }).map((m) => (m.name === 'index.json' ? { ...m, data: Buffer.from('{"schemaVersion":2,"manifests":null}') } : m));
    const r = await inspect(await outerTar(members));
    expect(r.totals.contentBytes).toBe(3013);
    expect(r.image.manifestDigest).toBeNull();
  });

  it('reads zstd layers', async () => {
    const img = await buildImage(twoLayers('zstd'));
    const r = await inspect(await outerTar(ociMembers([img])));
    expect(r.layers.map((l) => l.compression)).toEqual(['zstd', 'zstd']);
    expect(r.layers.map((l) => l.diffId)).toEqual(img.layers.map((l) => l.diffId));
  });

  it('reads an archive whose metadata comes first and whose names start with ./', async () => {
    const img = await buildImage(twoLayers('gzip'));
    const r = await inspect(await outerTar(ociMembers([img], { metadataFirst: true, dotSlash: true })));
    expect(r.totals.finalBytes).toBe(13);
  });

  it('reads an OCI layout tarred together with its folder', async () => {
    const img = await buildImage(twoLayers('gzip'));
    const members = ociMembers([img]).map((m) => ({ ...m, name: `myimage/${m.name}` }));
    const m = await model(await outerTar([{ name: 'myimage/', dir: true }, ...members]));
    expect(m.layers).toHaveLength(2);
    expect(m.notices).toContain("reading the image from the archive's folder myimage/");
  });

  it('reads an outer archive that is itself gzipped or zstd compressed', async () => {
    const img = await buildImage(twoLayers());
    const tar = await outerTar(dockerLegacyMembers([img]));
    expect((await inspect(gzipSync(tar))).source.outerCompression).toBe('gzip');
    expect((await inspect(zstdRaw(tar))).totals.finalBytes).toBe(13);
  });

  it('reads a zstd-compressed outer archive of gzip and zstd layers exactly as the plain one', async () => {
    // layers of ~1 MB span many decoder output chunks: members must not keep a chunk the outer
    // decoder reuses (the gzip layer's inflater holds its input until the thread pool gets to it)
    const text = (seed: number): string => Array.from({ length: 40_000 }, (_, i) => `line ${(i * seed) % 9973} of ${seed}\n`).join('');
    const img = await buildImage({
      layers: [
        {
          entries: [
            { path: 'a.txt', content: text(7) },
            { path: 'b.bin', size: 300_000 },
          ],
          compression: 'gzip',
        },
        { entries: [{ path: 'c.txt', content: text(13) }], compression: 'zstd' },
        { entries: [{ path: 'd.txt', content: text(17) }], compression: 'gzip' },
      ],
    });
    const tar = await outerTar(ociMembers([img]));
    const plain = await inspect(tar);
    const outerZstd = await inspect(zstdRaw(tar));
    expect(outerZstd.source.outerCompression).toBe('zstd');
    expect({ ...outerZstd, source: plain.source }).toEqual(plain);
    expect(plain.layers.map((l) => l.diffId)).toEqual(img.layers.map((l) => l.diffId));
  });

  it('counts a hardlink as an entry of 0 bytes, not as a file', async () => {
    const img = await buildImage({
      layers: [
        {
          entries: [
            { path: 'bin/tool', size: 700 },
            { path: 'bin/alias', type: 'hardlink', target: 'bin/tool' },
          ],
        },
      ],
    });
    const r = await inspect(await outerTar(dockerLegacyMembers([img])));
    expect(r.layers[0]).toMatchObject({ entries: 2, contentBytes: 700 });
    expect(r.totals).toMatchObject({ finalBytes: 700, files: 1 });
  });

  it('follows symlinked duplicate layers in a docker save', async () => {
    const same = { entries: [{ path: 'x', size: 100 }] };
    const img = await buildImage({ layers: [same, { entries: [{ path: 'y', size: 1 }] }, same] });
    const r = await inspect(await outerTar(dockerLegacyMembers([img])));
    expect(r.layers.map((l) => l.contentBytes)).toEqual([100, 1, 100]);
    expect(r.totals).toMatchObject({ contentBytes: 201, finalBytes: 101, wastedBytes: 100 });
  });

  it('gives the same report whatever the chunk size of the input', async () => {
    const img = await buildImage(twoLayers('gzip'));
    const tar = await outerTar(ociMembers([img]));
    const a = await inspect(tar, { chunk: 1 << 20 });
    const b = await inspect(tar, { chunk: 7 });
    expect(b).toEqual(a);
  });

  it('keeps empty-layer history steps next to the layers', async () => {
    const img = await buildImage(twoLayers());
    const r = await inspect(await outerTar(dockerLegacyMembers([img])));
    expect(r.layers[1]!.emptyLayerHistory).toEqual(['CMD ["app"]']);
  });
});

describe('image and platform selection', () => {
  const plat = (architecture: string, variant?: string): Promise<Awaited<ReturnType<typeof buildImage>>> =>
    buildImage({ architecture, ...(variant ? { variant } : {}), layers: [{ entries: [{ path: architecture, size: architecture.length }] }] });

  it('picks linux/amd64 by default from a multi-platform index', async () => {
    const r = await inspect(await outerTar(ociMembers([await plat('arm64'), await plat('amd64')], { nested: true })));
    expect(r.image.platform).toBe('linux/amd64');
    expect(r.totals.finalBytes).toBe(5);
  });

  it('picks the platform asked for, variant included', async () => {
    const tar = await outerTar(ociMembers([await plat('amd64'), await plat('arm', 'v6'), await plat('arm', 'v7')]));
    expect((await inspect(tar, { platform: 'linux/arm/v7' })).image.platform).toBe('linux/arm/v7');
  });

  it('uses the only image of another platform and says so', async () => {
    const m = await model(await outerTar(ociMembers([await plat('arm64')])));
    expect(m.image.platform).toBe('linux/arm64');
    expect(m.notices.join('\n')).toMatch(/no linux\/amd64 image in the archive; using its only image, linux\/arm64/);
  });

  it('refuses to guess among several other platforms', async () => {
    const tar = await outerTar(ociMembers([await plat('arm64'), await plat('s390x')]));
    await failsWith(inspect(tar), /no linux\/amd64 image in the archive; it holds: linux\/arm64, linux\/s390x/);
  });

  it('skips platforms whose blobs are absent, and says so', async () => {
    const m = await model(await outerTar(ociMembers([await plat('amd64'), await plat('arm64')], { nested: true, absentPlatforms: ['linux/arm64'] })));
    expect(m.image.platform).toBe('linux/amd64');
    expect(m.notices.join('\n')).toMatch(/skipped linux\/arm64/);
  });

  it('fails when the chosen platform is the absent one', async () => {
    const tar = await outerTar(ociMembers([await plat('amd64'), await plat('arm64')], { absentPlatforms: ['linux/amd64'] }));
    await failsWith(inspect(tar), /linux\/amd64 image is listed in the index but its manifest .* is not in the archive/);
  });

  it('picks one image of a multi-image docker save with --image', async () => {
    const a = await buildImage({ tags: ['a:1'], layers: [{ entries: [{ path: 'a', size: 1 }] }] });
    const b = await buildImage({ tags: ['b:1'], layers: [{ entries: [{ path: 'b', size: 2 }] }] });
    const tar = await outerTar(dockerLegacyMembers([a, b]));
    expect((await inspect(tar, { image: 'b:1' })).totals.finalBytes).toBe(2);
    await failsWith(inspect(tar, { image: 'c:1' }), /no such image in the archive; it holds: a:1, b:1/);
  });

  it('never takes an attestation manifest for an image', async () => {
    const img = await plat('amd64');
    const members = ociMembers([img]).map((m) => {
      if (m.name !== 'index.json') return m;
      const idx = JSON.parse(m.data!.toString());
      idx.manifests.unshift({ ...idx.manifests[0], platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } });
      return { ...m, data: Buffer.from(JSON.stringify(idx)) };
    });
    expect((await inspect(await outerTar(members))).image.platform).toBe('linux/amd64');
  });
});

describe('integrity', () => {
  it('fails on a diff_id that does not match the layer, naming the layer', async () => {
    const img = await buildImage({ ...twoLayers(), diffIds: [sha256('x'), sha256('y')] });
    await failsWith(inspect(await outerTar(dockerLegacyMembers([img]))), /layer 1 .*diff_id mismatch/);
  });

  it('turns a diff_id mismatch into a warning with --no-verify', async () => {
    const img = await buildImage({ ...twoLayers(), diffIds: [sha256('x'), sha256('y')] });
    const r = await inspect(await outerTar(dockerLegacyMembers([img])), { verify: false });
    expect(r.warnings.map((w) => w.code)).toEqual(['digest-mismatch', 'digest-mismatch']);
    expect(r.totals.finalBytes).toBe(13);
  });

  it('fails when the config lists more diff_ids than layers', async () => {
    const img = await buildImage({ ...twoLayers(), diffIds: [sha256('x'), sha256('y'), sha256('z')] });
    await failsWith(inspect(await outerTar(dockerLegacyMembers([img]))), /lists 3 diff_ids for 2 layers/);
  });

  it('fails when a blob does not hash to its name', async () => {
    const img = await buildImage(twoLayers('gzip'));
    const target = blobPath(img.layers[1]!.digest);
    // same tar, compressed differently: the diff_id still matches, the blob digest does not
    const other = gzipSync(img.layers[1]!.tar, { level: 1 });
    const members = ociMembers([img]).map((m) => (m.name === target ? { ...m, data: other } : m));
    await failsWith(inspect(await outerTar(members)), /layer 2 .*digest mismatch: expected sha256:.*, the blob hashes to sha256:/);
  });

  it('fails when the manifest does not hash to its descriptor', async () => {
    const img = await buildImage(twoLayers());
    const members = ociMembers([img]);
    const index = JSON.parse(members.find((m) => m.name === 'index.json')!.data!.toString());
    const target = blobPath(index.manifests[0].digest);
    const tampered = members.map((m) => (m.name === target ? { ...m, data: Buffer.from(m.data!.toString().replace('"schemaVersion":2', '"schemaVersion": 2')) } : m));
    await failsWith(inspect(await outerTar(tampered)), /manifest sha256:[0-9a-f]{12}: (digest|size) mismatch/);
    const r = await inspect(await outerTar(tampered), { verify: false });
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/manifest sha256:[0-9a-f]{12}: (digest|size) mismatch/);
  });

  it('fails on a missing layer blob, naming it', async () => {
    const img = await buildImage(twoLayers('gzip'));
    const target = blobPath(img.layers[0]!.digest);
    const members = ociMembers([img]).filter((m) => m.name !== target);
    await failsWith(inspect(await outerTar(members)), new RegExp(`layer 1 .*${img.layers[0]!.digest} is not in the archive`));
  });
});
