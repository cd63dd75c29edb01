#!/usr/bin/env node
// Writes samples/hello.oci.tar: a small, deterministic oci-archive (3 gzip layers) used by
// `npm start`. Contents are synthetic; the format is what skopeo/buildah write.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const bytes = (n, seed) => {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = i % 4 === 0 ? x >>> 24 : 0x20 + (i % 64);
  }
  return b;
};

async function tar(entries) {
  const p = pack();
  const chunks = [];
  p.on('data', (c) => chunks.push(c));
  const done = new Promise((r) => p.on('end', r));
  for (const e of entries) {
    const h = { name: e.name, mtime: new Date(0), uid: 0, gid: 0, mode: e.dir ? 0o755 : 0o644 };
    if (e.dir) p.entry({ ...h, type: 'directory' });
    else if (e.link) p.entry({ ...h, type: 'symlink', linkname: e.link });
    else await new Promise((r) => p.entry({ ...h, size: e.data.length }, e.data, r));
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

const layers = [
  {
    by: 'ADD rootfs.tar.gz / # buildkit',
    entries: [
      { name: 'bin/', dir: true },
      { name: 'bin/busybox', data: bytes(900_000, 1) },
      { name: 'bin/sh', link: 'busybox' },
      { name: 'etc/', dir: true },
      { name: 'etc/os-release', data: Buffer.from('NAME="hello"\nID=hello\n') },
    ],
  },
  {
    by: 'RUN fetch-assets && build # buildkit',
    entries: [
      { name: 'app/', dir: true },
      { name: 'app/server', data: bytes(2_400_000, 2) },
      { name: 'tmp/', dir: true },
      { name: 'tmp/build-cache.tar', data: bytes(1_500_000, 3) },
    ],
  },
  {
    by: 'RUN rm -rf /tmp/build-cache.tar # buildkit',
    entries: [
      { name: 'tmp/', dir: true },
      { name: 'tmp/.wh.build-cache.tar', data: Buffer.alloc(0) },
    ],
  },
];

const blobs = new Map();
const descs = [];
const diffIds = [];
for (const l of layers) {
  const t = await tar(l.entries);
  const gz = gzipSync(t, { level: 6 });
  diffIds.push(sha(t));
  blobs.set(sha(gz), gz);
  descs.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length });
}
const config = Buffer.from(
  JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['/app/server'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: [...layers.map((l) => ({ created: '2024-01-01T00:00:00Z', created_by: l.by })), { created: '2024-01-01T00:00:00Z', created_by: 'CMD ["/app/server"]', empty_layer: true }],
  }),
);
blobs.set(sha(config), config);
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
    layers: descs,
  }),
);
blobs.set(sha(manifest), manifest);
const index = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'hello:latest' } }],
  }),
);
const outer = await tar([
  { name: 'blobs/', dir: true },
  { name: 'blobs/sha256/', dir: true },
  ...[...blobs.keys()].sort().map((d) => ({ name: `blobs/sha256/${d.slice(7)}`, data: blobs.get(d) })),
  { name: 'index.json', data: index },
  { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
]);
const out = new URL('../samples/hello.oci.tar', import.meta.url);
writeFileSync(out, outer);
console.log(`wrote ${out.pathname} (${outer.length} bytes)`);
