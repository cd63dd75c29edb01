#!/usr/bin/env node
// Streams a docker save (legacy layout) with one uncompressed layer of SIZE bytes to stdout,
// without touching the disk: files of 1 MiB of pseudo-random bytes, the layer's diff_id computed
// on the fly, config and manifest.json after the layer as docker writes them.
// With --files N: N small files (--file-size bytes, default 100) in a site-packages-like tree, to
// measure memory per file (bench/RESULTS.md).
// Usage: node bench/gen-stream.mjs 2GiB | imgsize -
//        node bench/gen-stream.mjs --files 1000000 | imgsize - --json
import { createHash } from 'node:crypto';

const argv = process.argv.slice(2);
const flag = (f) => (argv.includes(f) ? Number(argv[argv.indexOf(f) + 1]) : undefined);
const many = flag('--files');
const arg = many ? '0MiB' : (argv[0] ?? '1GiB');
const m = /^(\d+)(GiB|MiB)$/.exec(arg);
if (!m) throw new Error('size like 2GiB or 512MiB');
const total = Number(m[1]) * (m[2] === 'GiB' ? 1 << 30 : 1 << 20);
const FILE = many ? (flag('--file-size') ?? 100) : 1 << 20;
const files = many ?? Math.floor(total / (FILE + 512));
const nameOf = (i) => (many ? `usr/lib/python3/site-packages/pkg${i % 1000}/mod${Math.floor(i / 1000) % 50}/f${i}.py` : `data/f${i}`);

function header(name, size, type = '0') {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let s = 0;
  for (const b of h) s += b;
  h.write(`${s.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}
const block = Buffer.alloc(FILE);
let x = 12345;
for (let i = 0; i < FILE; i++) {
  x = (x * 1103515245 + 12345) >>> 0;
  block[i] = x >>> 24;
}

const out = process.stdout;
const write = (b) => new Promise((r) => (out.write(b) ? r() : out.once('drain', r)));
const layerSize = files * (512 + Math.ceil(FILE / 512) * 512) + 1024;
const id = 'a'.repeat(64);
const h = createHash('sha256');
await write(header(`${id}/`, 0, '5'));
await write(header(`${id}/layer.tar`, layerSize));
for (let i = 0; i < files; i++) {
  const hd = header(nameOf(i), FILE);
  block[0] = i & 0xff;
  block[1] = (i >> 8) & 0xff;
  const body = Buffer.concat([block.subarray(0, FILE), Buffer.alloc((512 - (FILE % 512)) % 512)]);
  h.update(hd);
  h.update(body);
  await write(hd);
  await write(body);
}
const end = Buffer.alloc(1024);
h.update(end);
await write(end);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${h.digest('hex')}`] }, history: [{ created_by: 'generated' }] }));
const cfgName = `${createHash('sha256').update(config).digest('hex')}.json`;
const pad = (n) => Buffer.alloc((512 - (n % 512)) % 512);
await write(header(cfgName, config.length));
await write(config);
await write(pad(config.length));
const manifest = Buffer.from(JSON.stringify([{ Config: cfgName, RepoTags: ['big:latest'], Layers: [`${id}/layer.tar`] }]));
await write(header('manifest.json', manifest.length));
await write(manifest);
await write(pad(manifest.length));
await write(Buffer.alloc(1024));
