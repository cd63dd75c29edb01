#!/usr/bin/env node
// `npm run bench`: imgsize against the machine's own limits, on the archives of bench/generate.mjs
// (content cut from this machine's installed files) and, with --real DIR, on the real images that
// ../shared/tools/build-real-images.sh builds. For each archive: imgsize from a file and from a
// pipe, several runs, round-robin with baselines on the same bytes — cat (read floor), sha256sum
// (what verification costs), tar -t over the layers, and the decompression floor with the fastest
// decoders here (igzip -dc | tar -t, zstd -dc | tar -t over the layer blobs). Median wall time, CPU
// time and peak RSS from /usr/bin/time -v; ratios to each baseline, the targets, and how each
// decoder does on the same blobs go to bench/RESULTS.md. Missing tools and missing real images are
// reported as missing, never skipped silently. What follows the KEEP marker in RESULTS.md is kept.
// Usage: node bench/run.mjs [--runs N] [--sizes 1GB,3GB] [--equal4 2GB] [--real DIR] [--seed DIR] [--only-real]
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decoderRatios, measureDecoders } from './decoders.mjs';
import { generate, has, OUT } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const bin = path.join(root, 'bin', 'imgsize.js');
// every row cold (the layer cache is measured in rows of its own)
process.env.IMGSIZE_CACHE = 'off';
const args = process.argv.slice(2);
const opt = (flag, dflt) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : dflt);
const runs = Number(opt('--runs', 3)) || 3;
const sizes = args.includes('--only-real') ? [] : opt('--sizes', '1GB,3GB').split(',');
const realDir = opt('--real', undefined);
const KEEP = '<!-- kept: sections below are not written by npm run bench -->';

if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
if (!has('/usr/bin/time')) {
  console.error('bench: /usr/bin/time is missing (Debian package "time")');
  process.exit(2);
}

/** Runs a shell command under /usr/bin/time -v; returns wall s, cpu s, peak RSS MB. */
function measure(cmd) {
  const r = spawnSync('/usr/bin/time', ['-v', 'bash', '-o', 'pipefail', '-c', `${cmd} > /dev/null`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const err = r.stderr;
  const num = (re) => Number((re.exec(err) ?? [])[1]);
  const wallText = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/.exec(err)?.[1] ?? '0';
  const wall = wallText.split(':').reduce((a, x) => a * 60 + Number(x), 0);
  const cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  const rss = num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024;
  if (r.status !== 0) throw new Error(`failed (${r.status}): ${cmd}\n${err.split('\n').slice(0, 5).join('\n')}`);
  return { wall, cpu, rss };
}

/**
 * Runs every command of one archive `runs` times, round-robin (baseline, imgsize, baseline, ...),
 * so that a noisy neighbour slows all of them alike; median wall and CPU, largest RSS.
 * A command given as undefined is a missing tool: reported, not run.
 */
function medians(cmds) {
  const seen = Object.fromEntries(Object.keys(cmds).map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (const [k, cmd] of Object.entries(cmds)) if (cmd) seen[k].push(measure(cmd));
  }
  const out = {};
  for (const [k, xs] of Object.entries(seen)) {
    if (!cmds[k]) {
      out[k] = undefined;
      continue;
    }
    const mid = (f) => xs.map((x) => x[f]).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    out[k] = { wall: mid('wall'), cpu: mid('cpu'), rss: Math.max(...xs.map((x) => x.rss)) };
  }
  return out;
}

const cell = (k) => k.replace(/\|/g, '\\|');
const fmt = (m) => `${m.wall.toFixed(2)} s | ${m.cpu.toFixed(2)} s | ${m.rss.toFixed(0)} MB`;

/**
 * The issues' targets (#27), as ratios of wall time in one run. F is the raw floor (the fastest
 * decoder here piped into tar -t over the layers, one after another); W the same work as imgsize by
 * standard tools (each blob hashed, the decoder's output hashed through tee into tar -t), shown for
 * context; L the largest layer alone through F's pipe (no single-stream decoder goes below it).
 * The targets are on F: on 2 cores hashing can overlap decoding.
 */
const TARGETS = {
  none: [
    { me: 'imgsize FILE', base: 'sha256sum', max: 1.2 },
    { me: 'imgsize < pipe', base: 'openssl dgst -sha256', max: 1.2 },
  ],
  gzip: [
    { me: 'imgsize FILE', base: 'F: igzip -dc | tar -t', max: 1.2 },
    { me: 'imgsize < pipe', base: 'F: igzip -dc | tar -t', max: 1.4 },
  ],
  zstd: [
    { me: 'imgsize FILE', base: 'F: zstd -dc | tar -t', max: 1.3 },
    { me: 'imgsize < pipe', base: 'F: zstd -dc | tar -t', max: 2 },
  ],
  equal4: [{ me: 'imgsize FILE', base: 'F: igzip -dc | tar -t', max: 0.6 }],
  warm: [{ me: 'imgsize FILE, warm layer cache', base: 'imgsize FILE', max: 0.2, mine: true }],
};

/** Whether the CPU hashes sha256 in hardware (x86 SHA-NI, Arm's sha2): hashing costs 3–5× more without. */
const shaExtensions = (() => {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8');
    return /^(flags|Features)\s*:.*\b(sha_ni|sha2)\b/m.test(flags) ? 'with SHA extensions' : 'without SHA extensions';
  } catch {
    return 'SHA extensions unknown';
  }
})();
const env = `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}, ${shaExtensions}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
const tools = ['igzip', 'zstd', 'gzip', 'openssl'].map((t) => `${t} ${has(t) ? 'present' : 'missing'}`).join(', ');
const summary = ['## Targets', '', '| data | archive | ratio | target | measured | |', '|---|---|---|---:|---:|---|'];
const decoderRows = [
  '## Decoders on the same blobs (decoding only, no tar, no hashing)',
  '',
  "Whether the benchmark data decodes like real images: node:zlib ÷ igzip and zstd ÷ node:zlib should be within 10 % of the real image's. Seconds, median of the runs, measured in the same run, after the archives.",
  '',
  '| data | node:zlib gunzip | igzip | zstd in-process | zstd command | node:zlib ÷ igzip | zstd ÷ node:zlib |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
const sections = [];

/** One archive: baselines and imgsize, round-robin; its rows of the targets and its section. */
function benchArchive({ data, name, kind, archive, layers, real, targets = kind, extra = {}, extraTargets = [] }) {
  console.log(`\n## ${data}: ${name}`);
  const blobs = layers.map((l) => `'${l}'`).join(' ');
  const baseCmds = { cat: `cat '${archive}'`, sha256sum: has('sha256sum') ? `sha256sum '${archive}'` : undefined };
  const decoder = kind === 'zstd' ? (has('zstd') ? 'zstd -dcq' : undefined) : kind !== 'none' ? (has('igzip') ? 'igzip -dc' : undefined) : undefined;
  const floorName = kind === 'zstd' ? 'zstd -dc | tar -t' : 'igzip -dc | tar -t';
  if (kind !== 'none') {
    const largest = layers.map((l) => [l, statSync(l).size]).sort((a, b) => b[1] - a[1])[0][0];
    baseCmds[`F: ${floorName}`] = decoder ? `for f in ${blobs}; do ${decoder} "$f" | tar -t; done` : undefined;
    baseCmds[`W: same work (sha256 of blob and of tar, tee) ${floorName}`] =
      decoder && has('openssl') ? `for f in ${blobs}; do openssl dgst -sha256 "$f" > /dev/null; ${decoder} "$f" | tee >(openssl dgst -sha256 > /dev/null) | tar -t; done` : undefined;
    baseCmds[`L: largest layer alone, ${floorName}`] = decoder ? `${decoder} '${largest}' | tar -t` : undefined;
    if (kind === 'gzip' && !real) baseCmds['gzip -dc | tar -t'] = `for f in ${blobs}; do gzip -dc "$f" | tar -t; done`;
  }
  if (kind === 'none') {
    baseCmds['openssl dgst -sha256'] = has('openssl') ? `openssl dgst -sha256 '${archive}'` : undefined;
    // the same hash through the same pipe as `imgsize < pipe`: what the pipe itself costs
    baseCmds['cat | openssl dgst -sha256'] = has('openssl') ? `cat '${archive}' | openssl dgst -sha256` : undefined;
    // --no-verify's floor: listing the same layers in C (GNU tar seeks past file contents in a
    // regular file) plus starting Node itself
    baseCmds['tar -t + node -e 0'] = `node -e 0; for f in ${blobs}; do tar -tf "$f"; done`;
  }
  const meCmds = {
    'imgsize FILE': `node '${bin}' '${archive}' --json`,
    'imgsize < pipe': `cat '${archive}' | node '${bin}' - --json`,
    'imgsize FILE --no-verify': `node '${bin}' '${archive}' --json --no-verify`,
  };
  Object.assign(meCmds, extra);
  if (kind === 'gzip') meCmds['imgsize FILE, node:zlib only'] = `IMGSIZE_DECODER=builtin node '${bin}' '${archive}' --json`;
  if (kind === 'zstd') meCmds['imgsize FILE, zstd through the zstd command'] = `IMGSIZE_DECODER=external node '${bin}' '${archive}' --json`;
  // warm the page cache first: the first command of the first round must not pay the disk
  spawnSync('bash', ['-c', `cat '${archive}' ${blobs} > /dev/null`]);
  const all = medians({ ...baseCmds, ...meCmds });
  const base = Object.fromEntries(Object.keys(baseCmds).map((k) => [k, all[k]]));
  const me = Object.fromEntries(Object.keys(meCmds).map((k) => [k, all[k]]));
  for (const t of [targets, ...extraTargets].flatMap((k) => TARGETS[k])) {
    const max = t.max;
    const m = me[t.me];
    const b = t.mine ? me[t.base] : base[t.base];
    const ratio = m && b ? m.wall / b.wall : undefined;
    summary.push(
      `| ${data} | ${name} | ${cell(t.me)} ÷ ${cell(t.base)} | ≤ ${max}× | ${ratio === undefined ? 'baseline missing' : `${ratio.toFixed(2)}×`} | ${ratio === undefined ? '—' : ratio <= max ? 'met' : 'not met'} |`,
    );
  }
  // the default decoders: the three plain commands, not the variants that force another decoder
  const rss = Math.max(
    ...Object.entries(me)
      .filter(([k, m]) => m && !k.includes(','))
      .map(([, m]) => m.rss),
  );
  summary.push(`| ${data} | ${name} | peak RSS, default decoders | ≤ 200 MB | ${rss.toFixed(0)} MB | ${rss <= 200 ? 'met' : 'not met'} |`);
  const lines = [`## ${data}: ${name} (${kind === 'none' ? 'uncompressed' : kind} layers)`, '', '| command | wall | CPU | peak RSS |', '|---|---:|---:|---:|'];
  for (const [k, m] of Object.entries(base)) lines.push(m ? `| ${cell(k)} | ${fmt(m)} |` : `| ${cell(k)} | tool missing on this machine | | |`);
  for (const [k, m] of Object.entries(me)) if (m) lines.push(`| ${cell(k)} | ${fmt(m)} |`);
  lines.push('', '| imgsize vs baseline | wall ratio |', '|---|---:|');
  for (const [mk, m] of Object.entries(me)) {
    if (!m) continue;
    for (const [bk, b] of Object.entries(base)) if (b) lines.push(`| ${cell(mk)} ÷ ${cell(bk)} | ${(m.wall / b.wall).toFixed(2)}× |`);
  }
  lines.push('');
  sections.push(...lines);
  console.log(lines.join('\n'));
}

async function decoders(data, gzip, zstd) {
  const t = await measureDecoders({ gzip, zstd }, runs);
  const r = decoderRatios(t);
  const zin = Object.entries(t).find(([k]) => k.startsWith('zstd in-process'));
  const s = (x) => (x === undefined ? '—' : `${x.toFixed(2)} s`);
  const x = (v) => (v === undefined ? '—' : `${v.toFixed(2)}`);
  decoderRows.push(
    `| ${data} | ${s(t['node:zlib gunzip'])} | ${s(t.igzip)} | ${zin ? `${s(zin[1])} (${zin[0].slice(17, -1)})` : '—'} | ${s(t['zstd command'])} | ${x(r['node:zlib ÷ igzip'])} | ${x(r['zstd ÷ node:zlib'])} |`,
  );
  console.log(data, t, r);
}

/** A layer cache folder primed with the archive's layers (one run), for the warm rows. */
function warmCache(archive) {
  const dir = path.join(OUT, 'layer-cache');
  rmSync(dir, { recursive: true, force: true }); // made by this build, not an older one
  const r = spawnSync('node', [bin, archive, '--json', '--cache', dir], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`cannot prime the layer cache with ${archive}`);
  return dir;
}

/** The layer blobs of an archive as files (for the floors' commands): extracted once into bench/out/real-blobs/. */
function layerBlobs(archive) {
  const dir = path.join(OUT, 'real-blobs', path.basename(archive));
  if (!existsSync(path.join(dir, '.done'))) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('tar', ['-xf', archive, '-C', dir]);
    if (r.status !== 0) throw new Error(`cannot extract ${archive}`);
    writeFileSync(path.join(dir, '.done'), '');
  }
  const j = (p) => JSON.parse(readFileSync(path.join(dir, p), 'utf8'));
  if (existsSync(path.join(dir, 'index.json')) && !existsSync(path.join(dir, 'manifest.json'))) {
    const d = j('index.json').manifests[0].digest.split(':')[1];
    return j(`blobs/sha256/${d}`).layers.map((l) => path.join(dir, 'blobs/sha256', l.digest.split(':')[1]));
  }
  return j('manifest.json')[0].Layers.map((l) => path.join(dir, l));
}

for (const size of sizes) {
  const made = await generate(size);
  for (const [kind, { archive, layers }] of Object.entries(made)) benchArchive({ data: `synthetic ${size}`, name: path.basename(archive), kind, archive, layers, real: false });
  if (made.gzip && made.zstd) await decoders(`synthetic ${size}`, made.gzip.layers, made.zstd.layers);
}
if (!args.includes('--only-real')) {
  // four equal gzip layers read from a file: what layers decoded in parallel can win (#27)
  const four = (await generate(opt('--equal4', '2GB'), 'equal4')).gzip;
  benchArchive({ data: 'synthetic, 4 equal layers', name: path.basename(four.archive), kind: 'gzip', targets: 'equal4', archive: four.archive, layers: four.layers, real: false });
}

const REAL = [
  { kind: 'gzip', file: 'built__before.skopeo.oci-archive.gzip.tar' },
  { kind: 'zstd', file: 'built__before.skopeo.oci-archive.zstd.tar' },
  { kind: 'none', file: 'built__before.skopeo.docker-archive.tar' },
];
const realNote = [];
if (!realDir) realNote.push('Real images: not measured in this run (`npm run bench -- --real DIR` with the images of `../shared/tools/build-real-images.sh`).');
else {
  const missing = REAL.filter((r) => !existsSync(path.join(realDir, r.file)));
  if (missing.length) {
    const msg = `real images missing in ${realDir}: ${missing.map((m) => m.file).join(', ')} (build them with ../shared/tools/build-real-images.sh, about 13 minutes)`;
    console.error(`bench: ${msg}`);
    realNote.push(`Real images: ${msg}.`);
  }
  const blobsOf = {};
  for (const r of REAL.filter((x) => !missing.includes(x))) {
    const archive = path.join(realDir, r.file);
    blobsOf[r.kind] = layerBlobs(archive);
    // the gzip image again with a warm layer cache (#26: ≤ 0.2× the cold read), primed once
    const warm = r.kind === 'gzip' ? warmCache(archive) : undefined;
    benchArchive({
      data: 'real',
      name: r.file,
      kind: r.kind,
      archive,
      layers: blobsOf[r.kind],
      real: true,
      ...(warm ? { extra: { 'imgsize FILE, warm layer cache': `IMGSIZE_CACHE='${warm}' node '${bin}' '${archive}' --json` }, extraTargets: ['warm'] } : {}),
    });
  }
  if (blobsOf.gzip && blobsOf.zstd) await decoders('real (built__before)', blobsOf.gzip, blobsOf.zstd);
}

/**
 * The same image from a registry on loopback (Debian's docker-registry, pushed by skopeo) against
 * its archive file (#27: ≤ 1.2×). Needs docker-registry and skopeo; said when they are missing.
 */
async function benchRegistry(archive) {
  if (!has('docker-registry') || !has('skopeo')) {
    realNote.push('Registry row: docker-registry or skopeo missing, not measured.');
    return;
  }
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { spawn } = await import('node:child_process');
  const { createServer, connect } = await import('node:net');
  const dir = mkdtempSync(path.join(tmpdir(), 'imgsize-bench-registry-'));
  const port = await new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
  writeFileSync(path.join(dir, 'config.yml'), `version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: ${dir}/data}}\nhttp: {addr: 127.0.0.1:${port}}\n`);
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 200; i++) {
      const up = await new Promise((resolve) => {
        const c = connect(port, '127.0.0.1', () => (c.end(), resolve(true)));
        c.on('error', () => resolve(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const ref = `127.0.0.1:${port}/bench/real:gzip`;
    push(`oci-archive:${archive}`, ref);
    console.log(`\n## registry: ${ref}`);
    const warm = warmCache(archive);
    const m = medians({
      'imgsize FILE': `node '${bin}' '${archive}' --json`,
      'imgsize REGISTRY (loopback)': `node '${bin}' '${ref}' --json`,
      'imgsize REGISTRY, warm layer cache': `IMGSIZE_CACHE='${warm}' node '${bin}' '${ref}' --json`,
    });
    const warmRatio = m['imgsize REGISTRY, warm layer cache'].wall / m['imgsize REGISTRY (loopback)'].wall;
    summary.push(`| real, registry | ${path.basename(archive)} | imgsize REGISTRY warm layer cache ÷ cold | ≤ 0.2× | ${warmRatio.toFixed(2)}× | ${warmRatio <= 0.2 ? 'met' : 'not met'} |`);
    const ratio = m['imgsize REGISTRY (loopback)'].wall / m['imgsize FILE'].wall;
    summary.push(`| real, registry | ${path.basename(archive)} | imgsize REGISTRY ÷ imgsize FILE | ≤ 1.2× | ${ratio.toFixed(2)}× | ${ratio <= 1.2 ? 'met' : 'not met'} |`);
    const rss = m['imgsize REGISTRY (loopback)'].rss;
    summary.push(`| real, registry | ${path.basename(archive)} | peak RSS, from the registry | ≤ 200 MB | ${rss.toFixed(0)} MB | ${rss <= 200 ? 'met' : 'not met'} |`);
    sections.push(
      `## real: ${path.basename(archive)} from a registry on loopback`,
      '',
      '| command | wall | CPU | peak RSS |',
      '|---|---:|---:|---:|',
      ...Object.entries(m).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
      '',
    );
    await benchFleet(archive, ref, port, dir);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Cold fleets (#26) from the registry: `fleet scan` + `fleet merge` with an empty cache against
 * reading each image alone. A fleet should cost about its unique layers' bytes, not the sum. Two
 * fleets: the real base, before and after images (they share only the base layer), and four images
 * that share their big layers (before, and three apps that add a small layer of their own to it).
 */
async function benchFleet(archive, beforeRef, port, dir) {
  const refs = [beforeRef];
  for (const [name, file] of [
    ['after', archive.replace('built__before.', 'built__after.')],
    ['base', archive.replace('built__before.', 'built__base.')],
  ]) {
    if (!existsSync(file)) {
      realNote.push(`Fleet row: ${path.basename(file)} missing, not measured.`);
      return;
    }
    const ref = `127.0.0.1:${port}/bench/${name}:gzip`;
    push(`oci-archive:${file}`, ref);
    refs.push(ref);
  }
  fleetRow('3 images (base, before, after)', refs, dir);
  const { appImages } = await import('./fleet-images.mjs');
  const layout = path.join(dir, 'apps');
  const apps = appImages(archive, 3, layout).map((tag) => {
    const ref = `127.0.0.1:${port}/bench/${tag}:gzip`;
    push(`oci:${layout}:${tag}`, ref);
    return ref;
  });
  rmSync(layout, { recursive: true, force: true });
  fleetRow('4 images sharing their big layers (before, and 3 apps on it)', [beforeRef, ...apps], dir);
}

function push(from, ref) {
  const r = spawnSync('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', from, `docker://${ref}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`skopeo push failed: ${r.stderr}`);
}

function fleetRow(label, refs, dir) {
  const plan = path.join(dir, 'plan.json');
  const planned = spawnSync('node', [bin, 'fleet', 'plan', ...refs, '-o', plan, '-q'], { encoding: 'utf8' });
  if (planned.status !== 0) throw new Error(`fleet plan failed: ${planned.stderr}`);
  const p = JSON.parse(readFileSync(plan, 'utf8'));
  const logical = p.images.reduce((a, i) => a + i.compressedBytes, 0);
  const unique = p.layers.reduce((a, l) => a + l.bytes, 0);
  const cache = path.join(dir, 'fleet-cache');
  console.log(`\n## fleet: ${label}, ${p.layers.length} unique layers`);
  const m = medians({
    'each image alone (cold)': refs.map((r) => `node '${bin}' '${r}' --json --no-cache`).join(' && '),
    'fleet scan + merge (cold cache)': `rm -rf '${cache}' && node '${bin}' fleet scan --plan '${plan}' --shard 0 --cache '${cache}' -q && node '${bin}' fleet merge --plan '${plan}' --cache '${cache}' --json -q`,
    'fleet scan alone (cold cache)': `rm -rf '${cache}' && node '${bin}' fleet scan --plan '${plan}' --shard 0 --cache '${cache}' -q`,
  });
  const timeRatio = m['fleet scan + merge (cold cache)'].wall / m['each image alone (cold)'].wall;
  const byteRatio = unique / logical;
  summary.push(
    `| real, registry | ${label} | fleet scan + merge ÷ each image alone, cold | ≈ unique ÷ Σ bytes = ${byteRatio.toFixed(2)}× | ${timeRatio.toFixed(2)}× | ${timeRatio <= byteRatio + 0.1 ? 'met' : 'not met'} |`,
  );
  sections.push(
    `## real: a fleet from a registry on loopback: ${label}`,
    '',
    `${p.images.length} images, ${(logical / 1e6).toFixed(0)} MB stored apart, ${p.layers.length} unique layers of ${(unique / 1e6).toFixed(0)} MB (${byteRatio.toFixed(2)}× of the sum).`,
    '',
    '| command | wall | CPU | peak RSS |',
    '|---|---:|---:|---:|',
    ...Object.entries(m).map(([k, v]) => `| ${k} | ${fmt(v)} |`),
    '',
  );
}

if (realDir && existsSync(path.join(realDir, REAL[0].file))) await benchRegistry(path.join(realDir, REAL[0].file));

/** The seed's own case at full size (../shared/tools/make-seed-real.sh): `--seed DIR`. */
const seedDir = opt('--seed', undefined);
if (seedDir) {
  const archive = path.join(seedDir, 'seed__before.oci-archive.gzip.tar');
  if (!existsSync(archive)) realNote.push(`Seed row: ${archive} missing (make it with ../shared/tools/make-seed-real.sh).`);
  else benchArchive({ data: 'real, the seed (torch + nvidia-*)', name: path.basename(archive), kind: 'gzip', archive, layers: layerBlobs(archive), real: true });
}

const lines = [
  '# Benchmark results',
  '',
  `Machine: ${env}; ${tools}. Median of ${runs} runs, round-robin; peak RSS is the largest seen. Quote the ratios, not the times.`,
  `Generated by \`npm run bench${realDir ? ' -- --real DIR' : ''}\` on ${new Date().toISOString().slice(0, 10)}.`,
  ...(realNote.length ? ['', ...realNote] : []),
  '',
  ...summary,
  '',
  ...decoderRows,
  '',
  ...sections,
];
const file = path.join(here, 'RESULTS.md');
const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
const kept = previous.includes(KEEP) ? previous.slice(previous.indexOf(KEEP)) : `${KEEP}\n`;
writeFileSync(file, `${lines.join('\n')}\n${kept}`);
console.log(`\n${summary.join('\n')}\n\n${decoderRows.join('\n')}`);
console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
