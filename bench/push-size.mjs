#!/usr/bin/env node
// The push-size estimate against its reference: for every layer stored uncompressed in the given
// archives (docker save / docker-archive, plain layers), `gzip -6` of the layer tar (what a push
// uploads, practically) beside imgsize's estimate; the error per layer of 1 MB or more and in total.
// Usage: node bench/push-size.mjs ARCHIVE... (needs tar and gzip; build first: npm run build)
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'imgsize.js');
const rows = [];
for (const archive of process.argv.slice(2)) {
  const t0 = Date.now();
  const r = spawnSync('node', [bin, archive, '--json', '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    console.error(`${archive}: imgsize failed: ${r.stderr.trim()}`);
    continue;
  }
  const secs = (Date.now() - t0) / 1000;
  const rep = JSON.parse(r.stdout);
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', archive, 'manifest.json'], { encoding: 'utf8' }));
  const members = manifest[0].Layers;
  let est = 0;
  let ref = 0;
  for (const l of rep.layers) {
    if (l.compression !== 'none') continue;
    const member = members[l.index];
    const gz = Number(execFileSync('bash', ['-o', 'pipefail', '-c', `tar -xOf "${archive}" "${member}" | gzip -6 -c | wc -c`], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim());
    est += l.pushBytes;
    ref += gz;
    const err = (100 * (l.pushBytes - gz)) / gz;
    rows.push({
      archive: path.basename(archive),
      layer: l.index + 1,
      tar: l.uncompressedBytes,
      gzip6: gz,
      estimate: l.pushBytes,
      error: err,
      method: l.pushSize?.method,
      sampled: l.pushSize?.sampledBytes,
    });
  }
  if (ref > 0)
    rows.push({
      archive: path.basename(archive),
      layer: 'total',
      tar: rep.totals.uncompressedBytes,
      gzip6: ref,
      estimate: est,
      error: (100 * (est - ref)) / ref,
      method: `${secs.toFixed(2)} s`,
      sampled: '',
    });
}
console.log('| archive | layer | tar bytes | gzip -6 | estimate | error | how |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const x of rows) {
  const flag = typeof x.layer === 'number' && x.tar < 1e6 ? ' (< 1 MB)' : '';
  console.log(
    `| ${x.archive} | ${x.layer} | ${x.tar.toLocaleString('en-US')} | ${x.gzip6.toLocaleString('en-US')} | ${x.estimate.toLocaleString('en-US')} | ${x.error >= 0 ? '+' : ''}${x.error.toFixed(2)} %${flag} | ${x.method ?? ''}${x.sampled ? `, ${(x.sampled / 1e6).toFixed(1)} MB deflated` : ''} |`,
  );
}
