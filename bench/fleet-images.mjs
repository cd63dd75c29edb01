/**
 * A fleet that shares its big layers, as a team's services share a base and ML images share their
 * CUDA layers: `n` app images, each the given OCI archive's layers plus one small layer of its own
 * (an app folder). Written into an OCI layout (tags app1…appN) for skopeo to push.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const sha = (b) => createHash('sha256').update(b).digest('hex');

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Writes the layout into `dir` and returns the tags. */
export function appImages(archive, n, dir) {
  run('skopeo', ['--insecure-policy', 'copy', '-q', `oci-archive:${archive}`, `oci:${dir}:base`]);
  const blob = (d) => path.join(dir, 'blobs', 'sha256', d.replace('sha256:', ''));
  const put = (buf) => {
    const d = sha(buf);
    writeFileSync(path.join(dir, 'blobs', 'sha256', d), buf);
    return d;
  };
  const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const baseDesc = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'base');
  const manifest = JSON.parse(readFileSync(blob(baseDesc.digest), 'utf8'));
  const config = JSON.parse(readFileSync(blob(manifest.config.digest), 'utf8'));
  const tags = [];
  for (let i = 1; i <= n; i++) {
    const src = path.join(dir, `..`, `app${i}-src`);
    rmSync(src, { recursive: true, force: true });
    mkdirSync(path.join(src, 'app'), { recursive: true });
    writeFileSync(path.join(src, 'app', 'main.py'), `print("app ${i}")\n`);
    writeFileSync(path.join(src, 'app', 'data.bin'), randomBytes(256 * 1024));
    const tar = run('tar', ['-C', src, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', 'app']);
    rmSync(src, { recursive: true, force: true });
    const gz = run('gzip', ['-n', '-c'], tar);
    const layer = put(gz);
    const cfg = {
      ...config,
      rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, `sha256:${sha(tar)}`] },
      history: [...(config.history ?? []), { created_by: `COPY app${i}/ /app # buildkit` }],
    };
    const cfgBuf = Buffer.from(JSON.stringify(cfg));
    const m = {
      ...manifest,
      config: { ...manifest.config, digest: `sha256:${put(cfgBuf)}`, size: cfgBuf.length },
      layers: [...manifest.layers, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${layer}`, size: gz.length }],
    };
    const mBuf = Buffer.from(JSON.stringify(m));
    index.manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${put(mBuf)}`,
      size: mBuf.length,
      annotations: { 'org.opencontainers.image.ref.name': `app${i}` },
    });
    tags.push(`app${i}`);
  }
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
  return tags;
}
