/**
 * Hostile images: inputs built to make the work explode, skip a check or fall back to another
 * image. Each is small and built here; each runs from a stream and from a file.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { failsWith } from '../helpers/errors.js';
import { blobPath, buildImage, ociMembers, outerTar, sha256, type OuterMember } from '../fixtures/builder.js';
import { inspector } from '../helpers/image.js';
import { forbiddenHits } from '../../src/gate/forbidden.js';
import { squash } from '../../src/analysis/squash.js';

const MT_INDEX = 'application/vnd.oci.image.index.v1+json';
const MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const hex = (d: string): string => d.slice(d.indexOf(':') + 1);

/** An OCI archive from blobs (digest → bytes) and a top index. */
function layout(blobs: Map<string, Buffer>, index: object): Promise<Buffer> {
  const members: OuterMember[] = [...blobs].map(([d, data]) => ({ name: `blobs/${d.slice(0, d.indexOf(':'))}/${hex(d)}`, data }));
  members.push({ name: 'index.json', data: Buffer.from(JSON.stringify(index)) }, { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') });
  return outerTar(members);
}

/** The blobs of one image (config, layer, manifest) and its manifest's descriptor. */
async function imageBlobs(arch = 'amd64'): Promise<{ blobs: Map<string, Buffer>; desc: { mediaType: string; digest: string; size: number; platform: object } }> {
  const img = await buildImage({ architecture: arch, layers: [{ entries: [{ path: `bin/${arch}`, size: 3000 }], compression: 'gzip' }] });
  const blobs = new Map<string, Buffer>();
  for (const m of ociMembers([img])) {
    const mm = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(m.name);
    if (mm && m.data) blobs.set(`sha256:${mm[1]}`, m.data);
  }
  const manifest = [...blobs.values()].find((b) => b.toString().includes(MT_MANIFEST))!;
  return { blobs, desc: { mediaType: MT_MANIFEST, digest: sha256(manifest), size: manifest.length, platform: { os: 'linux', architecture: arch } } };
}

describe.each(['stream', 'file'] as const)('hostile images, read from a %s', (via) => {
  const inspect = inspector(via);

  it('nested indexes listing the same child many times are walked once per distinct index', async () => {
    const { blobs, desc } = await imageBlobs();
    // 12 levels, each index lists the one below 8 times: 8^12 paths as a tree, 12 indexes as a graph
    let child: object = desc;
    for (let level = 0; level < 8; level++) {
      const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT_INDEX, manifests: Array.from({ length: 8 }, () => child) }));
      const d = sha256(body);
      blobs.set(d, body);
      child = { mediaType: MT_INDEX, digest: d, size: body.length };
    }
    const r = await inspect(await layout(blobs, { schemaVersion: 2, mediaType: MT_INDEX, manifests: [child, child, child] }));
    expect(r.image.platform).toBe('linux/amd64');
  }, 20_000); // not a speed measurement: walked without memo, 3 × 8^7 indexes would not finish

  it('a nested index whose bytes do not match its digest is an error', async () => {
    const { blobs, desc } = await imageBlobs();
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT_INDEX, manifests: [desc] }));
    const d = sha256(body);
    blobs.set(d, Buffer.from(body.toString().replace('"schemaVersion":2', '"schemaVersion":3')));
    await failsWith(inspect(await layout(blobs, { schemaVersion: 2, manifests: [{ mediaType: MT_INDEX, digest: d, size: body.length }] })), /manifest .*(digest|size) mismatch/);
  });

  it('a tampered amd64 manifest is an error, never a fallback to the arm64 image', async () => {
    const amd = await imageBlobs('amd64');
    const arm = await imageBlobs('arm64');
    const blobs = new Map([...amd.blobs, ...arm.blobs]);
    // make the amd64 manifest unreadable: same length, not JSON any more
    const orig = blobs.get(amd.desc.digest)!;
    blobs.set(amd.desc.digest, Buffer.alloc(orig.length, 0x20));
    const archive = await layout(blobs, { schemaVersion: 2, mediaType: MT_INDEX, manifests: [amd.desc, arm.desc] });
    await failsWith(inspect(archive), /manifest .*digest mismatch/);
    // with --no-verify the mismatch is a warning, but an unreadable amd64 manifest is still no reason to show arm64
    await failsWith(inspect(archive, { verify: false }), /manifest .* \(linux\/amd64\): is not (valid )?JSON/);
  });

  it('verifies sha512 descriptors, and refuses an algorithm it cannot verify', async () => {
    const img = await buildImage({ layers: [{ entries: [{ path: 'f', size: 2000 }], compression: 'gzip' }] });
    const layer = img.layers[0]!.blob;
    const d512 = `sha512:${createHash('sha512').update(layer).digest('hex')}`;
    const manifest = (layerDigest: string) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MT_MANIFEST,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: img.configDigest, size: img.config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
        }),
      );
    const archive = async (layerDigest: string, stored: Buffer) => {
      const m = manifest(layerDigest);
      const blobs = new Map<string, Buffer>([
        [img.configDigest, img.config],
        [layerDigest, stored],
        [sha256(m), m],
      ]);
      return layout(blobs, { schemaVersion: 2, manifests: [{ mediaType: MT_MANIFEST, digest: sha256(m), size: m.length, platform: { os: 'linux', architecture: 'amd64' } }] });
    };
    const ok = await inspect(await archive(d512, layer));
    expect(ok.layers[0]!.digest).toBe(d512);
    const tampered = gzipSync(img.layers[0]!.tar, { level: 1 }); // the same tar, another blob
    await failsWith(inspect(await archive(d512, tampered)), /layer 1 .*digest mismatch: expected sha512:/);
    await failsWith(inspect(await archive(`md5:${'0'.repeat(32)}`, layer)), /uses the algorithm "md5", which imgsize cannot verify/);
  });

  it('a path of thousands of components does not overflow the stack anywhere', async () => {
    const deep = `${Array.from({ length: 3500 }, () => 'a').join('/')}/f.pt`;
    const img = await buildImage({
      layers: [
        {
          entries: [
            { path: deep, size: 2_000_000 },
            { path: 'x', size: 1 },
          ],
        },
        { entries: [{ path: 'a/.wh.a', content: '' }] },
      ],
    });
    const r = await inspect(await outerTar(ociMembers([img])));
    expect(r.totals.finalBytes).toBe(1);
    expect(r.totals.wastedBytes).toBe(2_000_000);
    const layers = [{ files: [{ path: deep, kind: 'file' as const, size: 5 }], deletions: [], opaqueDirs: [] }];
    expect(forbiddenHits(['**/a/**/*.pt'], layers, squash(layers).root)).toHaveLength(1);
  });

  it('an image config over 1 MiB reads the same from a file or folder as from a pipe', async () => {
    const img = await buildImage({ layers: [{ entries: [{ path: 'f', size: 100 }] }], emptySteps: Array.from({ length: 12_000 }, (_, i) => `ENV PADDING_${i}=${'x'.repeat(90)}`) });
    expect(img.config.length).toBeGreaterThan(1 << 20);
    const r = await inspect(await outerTar(ociMembers([img])));
    expect(r.layers).toHaveLength(1);
  });
});

describe('compressed outer archives', () => {
  /** A zstd frame of RLE blocks: `blocks` × 128 KiB of zeros from 4 bytes each. */
  function zstdZeros(blocks: number): Buffer {
    const parts = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58])];
    const size = 128 * 1024 - 1;
    for (let i = 0; i < blocks; i++) {
      const last = i === blocks - 1 ? 1 : 0;
      const h = (size << 3) | (1 << 1) | last; // RLE block
      parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0]));
    }
    return Buffer.concat(parts);
  }

  it('a zstd archive that inflates over 1000:1 past the floor is refused as a bomb, from a stream', async () => {
    const bomb = zstdZeros(600); // 2.4 KB → 75 MiB, past a 64 MiB floor (1 GiB by default: bad-input.test.ts holds the rule)
    await failsWith(inspector('stream')(bomb, { chunk: 1 << 20, ratioFloor: 64 << 20 }), /decompression bomb: the zstd archive inflated to \d+ bytes/);
  });
});

describe('sizes that cannot be exact', () => {
  it('are refused, never rounded', async () => {
    const { parseSize, parseGrowth } = await import('../../src/base/size.js');
    expect(parseSize('99999999999999999999')).toBeUndefined();
    expect(parseSize('9'.repeat(400))).toBeUndefined();
    expect(parseSize('1.00000000000000000001GB')).toBeUndefined();
    expect(parseSize('424MB')).toBe(424_000_000);
    expect(parseGrowth(`${'9'.repeat(400)}%`)).toBeUndefined();
  });
});

describe('memory that would grow with bytes, not files', () => {
  it.each(['stream', 'file'] as const)('JSON-looking junk members are kept only within a total budget (%s)', async (via) => {
    const junk = Buffer.concat([Buffer.from('{"x":"'), Buffer.alloc((1 << 20) - 64, 0x61), Buffer.from('"}')]);
    const members: OuterMember[] = Array.from({ length: 70 }, (_, i) => ({ name: `junk/${i}.json`, data: junk }));
    await failsWith(inspector(via)(await outerTar(members)), /more than 64 MiB of JSON-looking members/);
  });

  it('package metadata captured from the layers has a total budget, built from concatenated gzip members', async () => {
    const { ustarHeader } = await import('../fixtures/builder.js');
    const body = gzipSync(Buffer.alloc(8 << 20)); // one 8 MiB RECORD of zeros, gzipped once, reused
    const parts: Buffer[] = [];
    for (let i = 0; i < 33; i++) {
      parts.push(gzipSync(ustarHeader(`usr/lib/python3/site-packages/p${i}-1.0.dist-info/RECORD`, { size: 8 << 20 })), body);
    }
    parts.push(gzipSync(Buffer.alloc(1024)));
    const layerBlob = Buffer.concat(parts);
    expect(layerBlob.length).toBeLessThan(2 << 20);
    const img = await buildImage({ layers: [{ entries: [{ path: 'x', size: 1 }] }] });
    // swap in the crafted layer (verification off: its digests are not the config's)
    const members = ociMembers([img]).map((m) => (m.name === blobPath(img.layers[0]!.digest) ? { ...m, data: layerBlob } : m));
    const { run } = await import('../helpers/run.js');
    const r = await run(['-', '--no-verify'], { stdin: await outerTar(members) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package metadata files pass 256 MiB in all/);
  });

  it('an outer member costs bytes, not kilobytes: 100,000 empty members read in well under 100 MB', async () => {
    const { tarHeader } = (await import('../../scripts/tar-header.mjs')) as { tarHeader: (name: string, size: number) => Buffer };
    const parts: Buffer[] = [];
    for (let i = 0; i < 100_000; i++) parts.push(tarHeader(`junk/${i}`, 0));
    parts.push(Buffer.alloc(1024));
    const archive = Buffer.concat(parts);
    const { readOuterStream } = await import('../../src/archive/read-stream.js');
    const before = process.memoryUsage().heapUsed;
    const outer = await readOuterStream(
      (async function* () {
        for (let i = 0; i < archive.length; i += 1 << 20) yield archive.subarray(i, i + (1 << 20));
      })(),
    );
    const grown = process.memoryUsage().heapUsed - before;
    expect(outer.entries.size).toBe(100_000);
    expect(grown).toBeLessThan(100 << 20);
  });
});
