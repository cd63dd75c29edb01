import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../src/cache/entry.js';
import { defaultCacheDir, FolderCache } from '../../src/cache/store.js';
import type { LayerScan } from '../../src/layer/types.js';
import { blobPath, buildImage, ociMembers, outerTar, type ImageSpec } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const tmp = tempFolders('imgsize-cache-');
const BLOB = `sha256:${'ab'.repeat(32)}`;

const scan: LayerScan = {
  compression: 'gzip',
  uncompressedBytes: 10_240,
  diffId: `sha256:${'cd'.repeat(32)}`,
  entries: 5,
  contentBytes: 3_010,
  whiteouts: 1,
  files: [
    { path: 'etc/', kind: 'dir', size: 0 },
    { path: 'etc/big\u00e9\u001b', kind: 'file', size: 3_000 },
    { path: 'etc/link', kind: 'symlink', size: 3, target: 'big' },
    { path: 'etc/hard', kind: 'hardlink', size: 0, target: 'etc/big\u00e9\u001b' },
    { path: 'var/lib/dpkg/status', kind: 'file', size: 7 },
  ],
  opaqueDirs: ['opt/'],
  deletions: ['usr/old'],
  captured: new Map([['var/lib/dpkg/status', Buffer.from('Package')]]),
  oversize: new Map([['usr/lib/python3/RECORD', 99_999_999]]),
  pushSize: { bytes: 1234, method: 'sampled', sampledBytes: 999, by: 'zlib level 6' },
};

const spec: ImageSpec = {
  tags: ['app:1'],
  layers: [
    {
      entries: [
        { path: 'etc/', type: 'dir' },
        { path: 'etc/big', size: 3000 },
      ],
      compression: 'gzip',
      createdBy: 'ADD base',
    },
    { entries: [{ path: 'app', size: 10 }], compression: 'gzip', createdBy: 'COPY app' },
  ],
};

describe('a layer cache entry', () => {
  it('reads back the scan it was written from', () => {
    expect(decodeEntry(encodeEntry('k1', BLOB, scan), 'k1', BLOB)).toEqual(scan);
  });

  it('is refused when a byte of it changed', () => {
    const text = encodeEntry('k1', BLOB, scan);
    text[text.length - 5]! ^= 1;
    expect(() => decodeEntry(text, 'k1', BLOB)).toThrow('its digest does not match');
  });

  it('is refused under another key or for another blob (a copy of an entry is not that layer)', () => {
    const text = encodeEntry('k1', BLOB, scan);
    expect(() => decodeEntry(text, 'k2', BLOB)).toThrow('written for another layer');
    expect(() => decodeEntry(text, 'k1', `sha256:${'ef'.repeat(32)}`)).toThrow('written for another layer');
  });

  it('is refused when its figures do not add up, even with a matching digest line', () => {
    const text = encodeEntry('k1', BLOB, { ...scan, contentBytes: 1 });
    expect(() => decodeEntry(text, 'k1', BLOB)).toThrow('sizes do not add up');
  });
});

describe('a layer cache in a folder', () => {
  it('keeps a scan by blob digest and gives it back; a damaged entry is removed and missed', () => {
    const dir = tmp();
    const c = new FolderCache(dir, { pushSize: 'sampled' });
    c.put(BLOB, scan);
    expect(c.get(BLOB)).toEqual(scan);
    const shard = path.join(c.dir, readdirSync(c.dir)[0]!);
    const file = path.join(shard, readdirSync(shard)[0]!);
    const text = readFileSync(file);
    text[70]! ^= 1;
    writeFileSync(file, text);
    expect(c.get(BLOB)).toBeUndefined();
    expect(c.damaged).toBe(1);
    expect(readdirSync(shard)).toEqual([]);
  });

  it('keeps scans made with other options apart (the push-size mode is in the key)', () => {
    const dir = tmp();
    new FolderCache(dir, { pushSize: 'sampled' }).put(BLOB, scan);
    expect(new FolderCache(dir, { pushSize: 'exact' }).get(BLOB)).toBeUndefined();
    expect(new FolderCache(dir, { pushSize: 'sampled' }).get(BLOB)).toEqual(scan);
  });

  it('evicts the entries used longest ago past its cap', () => {
    const dir = tmp();
    const c = new FolderCache(dir, { pushSize: 'sampled' });
    const blobs = ['01', '02', '03'].map((b) => `sha256:${b.repeat(32)}`);
    for (const b of blobs) c.put(b, scan);
    const files = readdirSync(c.dir).flatMap((s) => readdirSync(path.join(c.dir, s)).map((f) => path.join(c.dir, s, f)));
    const size = statSync(files[0]!).size;
    for (const f of files) utimesSync(f, new Date(1e12), new Date(1e12)); // all long ago
    expect(c.get(blobs[1]!)).toEqual(scan); // used now
    const capped = new FolderCache(dir, { pushSize: 'sampled' }, 2 * size + 10);
    const newest = `sha256:${'04'.repeat(32)}`;
    capped.put(newest, scan);
    capped.evict();
    const after = new FolderCache(dir, { pushSize: 'sampled' });
    expect([...blobs, newest].map((b) => after.get(b) !== undefined)).toEqual([false, true, false, true]);
  });

  it('keeps an entry got from a remote store only when it checks as this layer’s, under this key', () => {
    const dir = tmp();
    const c = new FolderCache(dir, { pushSize: 'sampled' });
    const good = encodeEntry(c.keyOf(BLOB), BLOB, scan);
    expect(c.writeRaw(BLOB, encodeEntry('another key', BLOB, scan))).toBe(false);
    const lying = Buffer.from(good);
    lying[lying.length - 3]! ^= 1;
    expect(c.writeRaw(BLOB, lying)).toBe(false);
    expect(c.has(BLOB)).toBe(false);
    expect(c.writeRaw(BLOB, good)).toBe(true);
    expect(c.get(BLOB)).toEqual(scan);
    expect(c.readRaw(BLOB)?.equals(good)).toBe(true);
  });

  it('lives in the platform’s cache folder', () => {
    expect(defaultCacheDir({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.cache/imgsize');
    expect(defaultCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '/x' }, 'linux')).toBe('/x/imgsize');
    expect(defaultCacheDir({ HOME: '/Users/u' }, 'darwin')).toBe('/Users/u/Library/Caches/imgsize');
    expect(defaultCacheDir({}, 'linux')).toBeUndefined();
  });
});

describe('reading an archive with a layer cache', () => {
  it('gives the same report the second time, its layers from the cache', async () => {
    const dir = tmp();
    const file = path.join(dir, 'app.tar');
    writeFileSync(file, await outerTar(ociMembers([await buildImage(spec)])));
    const cold = await run([file, '--json', '--cache', path.join(dir, 'cache')]);
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.stderr).toBe('');
    const warm = await run([file, '--json', '--cache', path.join(dir, 'cache')]);
    expect(warm.code, warm.stderr).toBe(0);
    expect(warm.stderr).toBe(`imgsize: 2 layers from the layer cache (${path.join(dir, 'cache')})\n`);
    expect(JSON.parse(warm.stdout)).toEqual(JSON.parse(cold.stdout));
  });

  it('still hashes a cached layer: a changed blob fails its digest as without the cache', async () => {
    const dir = tmp();
    const img = await buildImage(spec);
    const good = path.join(dir, 'good.tar');
    writeFileSync(good, await outerTar(ociMembers([img])));
    expect((await run([good, '--json', '--cache', path.join(dir, 'cache')])).code).toBe(0);
    // the same names, the first layer's bytes changed (one byte of its gzip trailer)
    const members = ociMembers([img]).map((m) => (m.name === blobPath(img.layers[0]!.digest) ? { ...m, data: Buffer.concat([m.data!.subarray(0, -1), Buffer.from([m.data!.at(-1)! ^ 1])]) } : m));
    const bad = path.join(dir, 'bad.tar');
    writeFileSync(bad, await outerTar(members));
    const r = await run([bad, '--json', '--cache', path.join(dir, 'cache')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/digest/);
    expect(r.stdout).toBe('');
  });

  it('only hashes a big cached layer of an archive file or a folder, and still fails a changed one', async () => {
    // a layer over 1 MiB is read after the metadata; cached, its bytes are hashed by a worker only
    const random = Buffer.alloc(2 << 20);
    for (let i = 0; i < random.length; i += 4) random.writeUInt32LE(((i * 2654435761) ^ (i >>> 7)) >>> 0, i);
    const img = await buildImage({ layers: [{ entries: [{ path: 'model.bin', content: random }], compression: 'gzip', createdBy: 'COPY model' }, spec.layers[1]!] });
    expect(img.layers[0]!.blob.length).toBeGreaterThan(1 << 20);
    const dir = tmp();
    const cache = path.join(dir, 'cache');
    const file = path.join(dir, 'app.tar');
    writeFileSync(file, await outerTar(ociMembers([img])));
    const cold = await run([file, '--json', '--cache', cache]);
    expect(cold.code, cold.stderr).toBe(0);
    const warm = await run([file, '--json', '--cache', cache]);
    expect(warm.stderr).toBe(`imgsize: 2 layers from the layer cache (${cache})\n`);
    expect(JSON.parse(warm.stdout)).toEqual(JSON.parse(cold.stdout));
    expect(JSON.parse(warm.stdout).layers[0]).toMatchObject({ digest: img.layers[0]!.digest, diffId: img.layers[0]!.diffId, contentBytes: random.length });
    // the same image as an OCI layout folder: its blobs are files of their own
    const folder = path.join(dir, 'layout');
    for (const m of ociMembers([img])) {
      if (!m.data) continue;
      mkdirSync(path.dirname(path.join(folder, m.name)), { recursive: true });
      writeFileSync(path.join(folder, m.name), m.data);
    }
    const fromFolder = await run([folder, '--json', '--cache', cache]);
    expect(fromFolder.stderr).toBe(`imgsize: 2 layers from the layer cache (${cache})\n`);
    expect(JSON.parse(fromFolder.stdout).layers).toEqual(JSON.parse(cold.stdout).layers);
    // one byte of the big layer changed, same names: its digest fails
    const members = ociMembers([img]).map((m) =>
      m.name === blobPath(img.layers[0]!.digest) ? { ...m, data: Buffer.concat([m.data!.subarray(0, 5000), Buffer.from([m.data![5000]! ^ 1]), m.data!.subarray(5001)]) } : m,
    );
    const bad = path.join(dir, 'bad.tar');
    writeFileSync(bad, await outerTar(members));
    const r = await run([bad, '--json', '--cache', cache]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/digest mismatch/);
    expect(r.stdout).toBe('');
    // and in the folder: the report is built beside the hash, and is not written when it fails
    const blobFile = path.join(folder, blobPath(img.layers[0]!.digest));
    const blob = readFileSync(blobFile);
    blob[5000]! ^= 1;
    writeFileSync(blobFile, blob);
    const html = path.join(dir, 'report.html');
    const rf = await run([folder, '--json', '--html', html, '--cache', cache]);
    expect(rf.code).toBe(2);
    expect(rf.stderr).toMatch(/digest mismatch: its name says sha256:[0-9a-f]{64}, its bytes hash to sha256:/);
    expect(rf.stdout).toBe('');
    expect(readdirSync(dir)).not.toContain('report.html');
  });

  it('reads the same image through a pipe from the cache too', async () => {
    const dir = tmp();
    const bytes = await outerTar(ociMembers([await buildImage(spec)]));
    const cache = path.join(dir, 'cache');
    const cold = await run(['-', '--json', '--cache', cache], { stdin: bytes });
    const warm = await run(['-', '--json', '--cache', cache], { stdin: bytes });
    expect(warm.stderr).toContain('2 layers from the layer cache');
    expect(JSON.parse(warm.stdout)).toEqual(JSON.parse(cold.stdout));
  });

  it('--no-cache neither reads nor fills it', async () => {
    const dir = tmp();
    const file = path.join(dir, 'app.tar');
    writeFileSync(file, await outerTar(ociMembers([await buildImage(spec)])));
    const r = await run([file, '--json', '--no-cache'], { env: { HOME: dir, IMGSIZE_CACHE: undefined } });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(dir)).toEqual(['app.tar']);
    // without it, the platform's cache folder under HOME
    expect((await run([file, '--json'], { env: { HOME: dir, IMGSIZE_CACHE: undefined } })).code).toBe(0);
    expect(readdirSync(path.join(dir, '.cache', 'imgsize'))).toEqual(['layers-v1']);
  });
});
