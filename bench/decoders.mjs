#!/usr/bin/env node
// How fast each decoder inflates the same layer blobs here, decoding only (no tar, no hashing):
// node:zlib (gunzip) and igzip for gzip blobs; libzstd in-process (zstd-napi, or node:zlib's zstd on
// Node ≥ 22.15) and the zstd command for zstd blobs. The ratios node:zlib ÷ igzip and zstd ÷ zlib
// tell whether data behaves like real images (bench/RESULTS.md, "Decoders"). Median of `runs`.
// Usage: node bench/decoders.mjs --gzip a.gz b.gz --zstd a.zst b.zst [--runs 3]
import { spawnSync } from 'node:child_process';
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function readAll(file) {
  const fd = openSync(file, 'r');
  const b = Buffer.allocUnsafe(fstatSync(fd).size);
  let at = 0;
  while (at < b.length) at += readSync(fd, b, at, b.length - at, at);
  closeSync(fd);
  return b;
}

/** Decodes a blob in-process with imgsize's own decoder (dist/layer/decompress.js), 1 MiB writes; seconds. */
async function inProcess(kind, blob) {
  const { createDecoder } = await import('../dist/layer/decompress.js');
  const t = process.hrtime.bigint();
  // in-process only: node:zlib for gzip; for zstd what imgsize takes in-process here (small size hint)
  const d = createDecoder(kind, () => undefined, { choice: kind === 'gzip' ? 'builtin' : 'auto', reuseOutput: true, sizeHint: 0 });
  for (let i = 0; i < blob.length; i += 1 << 20) {
    const w = d.write(blob.subarray(i, i + (1 << 20)));
    if (w) await w;
  }
  await d.end();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function command(cmd, args, files) {
  const t = process.hrtime.bigint();
  for (const f of files) {
    const r = spawnSync('sh', ['-c', `${cmd} ${args} '${f}' > /dev/null`]);
    if (r.status !== 0) throw new Error(`${cmd} failed on ${f}`);
  }
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function measureDecoders({ gzip = [], zstd = [] }, runs = 3) {
  const { zstdDecoderName } = await import('../dist/layer/decompress.js');
  const zstdName = zstdDecoderName(0);
  const times = { 'node:zlib gunzip': [], igzip: [], [`zstd in-process (${zstdName})`]: [], 'zstd command': [] };
  for (let r = 0; r < runs; r++) {
    if (gzip.length) {
      let s = 0;
      for (const f of gzip) s += await inProcess('gzip', readAll(f));
      times['node:zlib gunzip'].push(s);
      if (has('igzip')) times.igzip.push(command('igzip', '-dc', gzip));
    }
    if (zstd.length) {
      let s = 0;
      for (const f of zstd) s += await inProcess('zstd', readAll(f));
      times[`zstd in-process (${zstdName})`].push(s);
      if (has('zstd')) times['zstd command'].push(command('zstd', '-dcq', zstd));
    }
  }
  const out = {};
  for (const [k, xs] of Object.entries(times)) if (xs.length) out[k] = median(xs);
  return out;
}

const zstdIn = (t) => Object.entries(t).find(([k]) => k.startsWith('zstd in-process'))?.[1];

/** The two ratios that say whether data decodes like real images. */
export function decoderRatios(t) {
  return {
    'node:zlib ÷ igzip': t['node:zlib gunzip'] && t.igzip ? t['node:zlib gunzip'] / t.igzip : undefined,
    'zstd ÷ node:zlib': zstdIn(t) && t['node:zlib gunzip'] ? zstdIn(t) / t['node:zlib gunzip'] : undefined,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const list = (flag) => {
    const i = args.indexOf(flag);
    if (i < 0) return [];
    const out = [];
    for (let j = i + 1; j < args.length && !args[j].startsWith('--'); j++) out.push(args[j]);
    return out;
  };
  const runs = Number(list('--runs')[0] ?? 3);
  const t = await measureDecoders({ gzip: list('--gzip'), zstd: list('--zstd') }, runs);
  console.log(t, decoderRatios(t));
}
