#!/usr/bin/env node
// Generates the benchmark archives in bench/out/ (deterministic, cached):
//   docker25-plain-<size>.tar   Docker ≥ 25 save (OCI layout + manifest.json), uncompressed layers
//   oci-gzip-<size>.tar         oci-archive, gzip layers (gzip -6, or node:zlib if gzip is missing)
//   oci-zstd-<size>.tar         oci-archive, zstd layers (zstd -3; skipped if zstd is missing)
// Shape (for 3GB): ~3 GB of content in ~150,000 files over 5 layers — many small files in
// site-packages-like trees, a few 100 MB+ shared libraries; contents are cut from this machine's
// own installed files (see machinePool), so they compress and decompress like real images.
// Usage: node bench/generate.mjs [1GB|3GB ...]
import { createHash } from 'node:crypto';
import { spawnSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { tarHeader as header } from '../scripts/tar-header.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const OUT = path.join(here, 'out');
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/**
 * The bytes files are cut from: real files of this machine, so that they inflate, hash and
 * decompress like the files of real images (shared libraries and executables, Python sources and
 * bytecode, data), ~55/30/15 % like the seed-like images. Deterministic: the roots are walked in
 * sorted order and taken until each share is full. A machine without them falls back to generated
 * bytes (said on stderr): then the decoder ratios in RESULTS.md tell how far off that is.
 */
export const CONTENT = 'machine-files-v3';
const POOL_BYTES = 256 << 20;
const SHARES = [
  { share: 0.65, roots: ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib/gcc', '/usr/bin', '/usr/libexec'], ext: /\.so(\.|$)|^[^.]+$/ },
  { share: 0.25, roots: ['/usr/lib/python3', '/usr/lib/python3.11', '/usr/local/lib', path.join(process.env.PYENV_ROOT ?? '/root/.pyenv', 'versions')], ext: /\.(py|pyc|so)$/ },
  { share: 0.1, roots: ['/usr/share/locale', '/usr/share/doc', '/usr/share/perl', '/usr/share/zoneinfo', '/usr/share/i18n', '/usr/share/misc'], ext: /./ },
];

function* walkFiles(dir, depth = 0) {
  if (depth > 12) return;
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return;
  }
  for (const e of names) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walkFiles(p, depth + 1);
    else if (e.isFile()) yield p;
  }
}

function machinePool() {
  const parts = [];
  let total = 0;
  for (const { share, roots, ext } of SHARES) {
    const want = Math.floor(POOL_BYTES * share);
    let got = 0;
    for (const root of roots) {
      for (const f of walkFiles(root)) {
        if (got >= want) break;
        if (!ext.test(path.basename(f))) continue;
        let b;
        try {
          if (statSync(f).size < 1024) continue;
          b = readFileSync(f);
        } catch {
          continue;
        }
        const take = b.subarray(0, Math.min(b.length, want - got));
        parts.push(take);
        got += take.length;
      }
    }
    total += got;
  }
  return total >= 32 << 20 ? Buffer.concat(parts) : undefined;
}

function generatedPool() {
  const b = Buffer.alloc(64 << 20);
  let x = 0x2545f491;
  const rnd = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  const words = Buffer.from('PyObject_GetAttr _Py_Dealloc GLIBCXX_3.4.29 libtorch_cpu.so at::native::add_out numpy.core.multiarray __pycache__ def __init__(self): return None\n');
  for (let i = 0; i < b.length; i += 32) {
    if (rnd() % 100 < 28) for (let j = 0; j < 32; j += 4) b.writeUInt32LE(rnd(), i + j);
    else words.copy(b, i, rnd() % (words.length - 32));
  }
  return b;
}

let pool;
function POOL_() {
  if (!pool) {
    pool = machinePool();
    if (!pool) {
      process.stderr.write('bench: too few system files here; generating content instead (decoder ratios will differ from real images)\n');
      pool = generatedPool();
    }
  }
  return pool;
}

/**
 * Layers as [name, files, bytes in small files, big libraries]. Scaled to the total asked for.
 * `equal4`: four layers of the same shape and size (what parallel layers can at best halve).
 */
function layersFor(total, shape = 'tree') {
  const k = total / 3e9;
  if (shape === 'equal4') return [0, 1, 2, 3].map((i) => ({ by: `RUN part ${i}`, root: `opt/part${i}/site-packages`, files: Math.round(25_000 * k), bytes: 0.65e9 * k, big: [50e6 * k, 30e6 * k] }));
  return [
    { by: 'debian rootfs', root: 'usr/lib/x86_64-linux-gnu', files: Math.round(20_000 * k), bytes: 220e6 * k, big: [] },
    { by: 'python', root: 'usr/local/lib/python3.11', files: Math.round(8_000 * k), bytes: 110e6 * k, big: [] },
    { by: 'pip install', root: 'opt/venv/lib/python3.11/site-packages', files: Math.round(95_000 * k), bytes: 1.05e9 * k, big: [434e6 * k, 260e6 * k, 180e6 * k, 120e6 * k] },
    { by: 'npm ci', root: 'app/node_modules', files: Math.round(26_000 * k), bytes: 520e6 * k, big: [] },
    { by: 'COPY . .', root: 'app/src', files: Math.round(1_000 * k), bytes: 100e6 * k, big: [] },
  ];
}

async function* layerTar(spec, seed) {
  let x = seed;
  const rnd = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  const dirs = new Set();
  const avg = spec.bytes / spec.files;
  const file = function* (name, size) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        yield header(`${d}/`, 0, '5');
      }
    }
    yield header(name, size);
    let left = size;
    while (left > 0) {
      const n = Math.min(left, 4 << 20);
      const POOL = POOL_();
      const off = rnd() % (POOL.length - n);
      yield POOL.subarray(off, off + n);
      left -= n;
    }
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  };
  for (let i = 0; i < spec.big.length; i++) yield* file(`${spec.root}/lib/libbig${i}.so`, Math.round(spec.big[i]));
  for (let i = 0; i < spec.files; i++) {
    // sizes spread like real trees: most small, some large
    const r = (rnd() % 1000) / 1000;
    const size = Math.max(0, Math.round(avg * (r < 0.7 ? r * 0.6 : r < 0.95 ? r * 2 : r * 8)));
    yield* file(`${spec.root}/pkg${i % 400}/sub${(i >> 3) % 20}/f${i}.${i % 3 ? 'py' : 'so'}`, size);
  }
  yield Buffer.alloc(1024);
}

async function writeBlob(gen, file, compress) {
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  let child;
  let sink = out;
  if (compress === 'gzip' && has('gzip')) {
    child = spawn('gzip', ['-6', '-n', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.pipe(out);
    sink = child.stdin;
  } else if (compress === 'gzip') {
    const z = zlib.createGzip({ level: 6 });
    z.pipe(out);
    sink = z;
  } else if (compress === 'zstd') {
    child = spawn('zstd', ['-3', '-q', '-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.pipe(out);
    sink = child.stdin;
  }
  const hash = createHash('sha256');
  for await (const b of gen) {
    hash.update(b);
    if (!sink.write(b)) await once(sink, 'drain');
  }
  sink.end();
  await once(out, 'close');
  renameSync(tmp, file);
  return `sha256:${hash.digest('hex')}`;
}

async function sha256File(file) {
  const h = createHash('sha256');
  for await (const c of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(c);
  return `sha256:${h.digest('hex')}`;
}

async function outerArchive(file, blobs, meta) {
  const out = createWriteStream(`${file}.tmp`);
  const w = async (b) => {
    if (!out.write(b)) await once(out, 'drain');
  };
  await w(header('blobs/', 0, '5'));
  await w(header('blobs/sha256/', 0, '5'));
  for (const [digest, src] of [...blobs].sort()) {
    const size = typeof src === 'string' ? statSync(src).size : src.length;
    await w(header(`blobs/sha256/${digest.slice(7)}`, size));
    if (typeof src === 'string') for await (const c of createReadStream(src, { highWaterMark: 1 << 20 })) await w(c);
    else await w(src);
    if (size % 512) await w(Buffer.alloc(512 - (size % 512)));
  }
  for (const [name, data] of meta) {
    await w(header(name, data.length));
    await w(data);
    if (data.length % 512) await w(Buffer.alloc(512 - (data.length % 512)));
  }
  await w(Buffer.alloc(1024));
  out.end();
  await once(out, 'close');
  renameSync(`${file}.tmp`, file);
}

export async function generate(label, shape = 'tree') {
  const total = Number(label.replace(/GB$/, '')) * 1e9;
  mkdirSync(OUT, { recursive: true });
  const made = {};
  const tag = shape === 'equal4' ? '4x-' : '';
  for (const compress of shape === 'equal4' ? ['gzip'] : ['none', 'gzip', 'zstd']) {
    if (compress === 'zstd' && !has('zstd')) continue;
    const name = compress === 'none' ? `docker25-plain-${label}.tar` : `oci-${compress}-${tag}${label}.tar`;
    const file = path.join(OUT, name);
    const layerFiles = layersFor(total, shape).map((_, i) => path.join(OUT, `${label}-${tag}layer${i}.${compress === 'none' ? 'tar' : compress === 'gzip' ? 'tar.gz' : 'tar.zst'}`));
    made[compress] = { archive: file, layers: layerFiles };
    // made from the same content as now: reused (the stamp says which content made it)
    const stamp = `${file}.content`;
    if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, 'utf8') === CONTENT) continue;
    process.stderr.write(`generating ${name} …\n`);
    const blobs = new Map();
    const diffIds = [];
    const descs = [];
    const specs = layersFor(total, shape);
    for (let i = 0; i < specs.length; i++) {
      const diffId = await writeBlob(layerTar(specs[i], 0x1234567 + i + (shape === 'equal4' ? 0x100 : 0)), layerFiles[i], compress);
      const digest = compress === 'none' ? diffId : await sha256File(layerFiles[i]);
      diffIds.push(diffId);
      blobs.set(digest, layerFiles[i]);
      const mt = `application/vnd.oci.image.layer.v1.tar${compress === 'none' ? '' : `+${compress}`}`;
      descs.push({ mediaType: mt, digest, size: statSync(layerFiles[i]).size });
    }
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds }, history: specs.map((s) => ({ created_by: s.by })) }));
    const cd = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    blobs.set(cd, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: config.length },
        layers: descs,
      }),
    );
    const md = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    blobs.set(md, manifest);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length, annotations: { 'io.containerd.image.name': 'docker.io/library/bench:latest' } }],
      }),
    );
    const meta = [
      ['index.json', index],
      ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
    ];
    if (compress === 'none')
      meta.push(['manifest.json', Buffer.from(JSON.stringify([{ Config: `blobs/sha256/${cd.slice(7)}`, RepoTags: ['bench:latest'], Layers: descs.map((d) => `blobs/sha256/${d.digest.slice(7)}`) }]))]);
    await outerArchive(file, blobs, meta);
    writeFileSync(stamp, CONTENT);
  }
  return made;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const label of process.argv.slice(2).length ? process.argv.slice(2) : ['3GB']) {
    const m = await generate(label);
    for (const v of Object.values(m)) console.log(v.archive, statSync(v.archive).size);
  }
}
export { has };
