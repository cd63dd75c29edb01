/** An OCI layout folder: read metadata first, then only the chosen image's big blobs. */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/source/read.js';
import { buildImage, ociMembers } from '../fixtures/builder.js';
import { tempFolders } from '../helpers/temp.js';

const tmp = tempFolders('imgsize-layout-');

async function layoutFolder(): Promise<{ dir: string; total: number }> {
  const amd = await buildImage({ architecture: 'amd64', layers: [{ entries: [{ path: 'a', size: 3 << 20 }], compression: 'gzip' }] });
  const arm = await buildImage({ architecture: 'arm64', layers: [{ entries: [{ path: 'b', size: 3 << 20 }] }] });
  const dir = tmp();
  let total = 0;
  for (const m of ociMembers([amd, arm], { nested: true })) {
    const p = path.join(dir, m.name);
    if (m.dir) mkdirSync(p, { recursive: true });
    else {
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, m.data!);
      total += m.data!.length;
    }
  }
  return { dir, total };
}

describe('OCI layout folder', () => {
  it("reads the chosen platform without reading the other platform's big layer", async () => {
    const { dir, total } = await layoutFolder();
    let read = 0;
    const m = await readImage({ path: dir }, { verify: true, onProgress: (n) => (read = n) });
    expect(m.image.platform).toBe('linux/amd64');
    expect(m.layers[0]!.scan.contentBytes).toBe(3 << 20);
    expect(read).toBeLessThan(total - (3 << 20)); // the arm64 layer (3 MiB, uncompressed) was skipped
  });

  it('reads the other platform when asked for it', async () => {
    const { dir } = await layoutFolder();
    const m = await readImage({ path: dir }, { verify: true, platform: 'linux/arm64' });
    expect(m.layers[0]!.scan.contentBytes).toBe(3 << 20);
  });
});

describe('an OCI layout whose blobs are in a shared store', () => {
  it('follows a symlinked blobs/ folder (as skopeo --shared-blob-dir lays it out), every blob still verified', async () => {
    const { dir } = await layoutFolder();
    const store = tmp();
    renameSync(path.join(dir, 'blobs'), path.join(store, 'blobs'));
    symlinkSync(path.join(store, 'blobs'), path.join(dir, 'blobs'));
    const m = await readImage({ path: dir }, { verify: true });
    expect(m.image.platform).toBe('linux/amd64');
    expect(m.layers[0]!.scan.contentBytes).toBe(3 << 20);
  });

  it('a blob of the shared store that does not hash to its name is still an error', async () => {
    const { dir } = await layoutFolder();
    const store = tmp();
    renameSync(path.join(dir, 'blobs', 'sha256'), path.join(store, 'sha256'));
    symlinkSync(path.join(store, 'sha256'), path.join(dir, 'blobs', 'sha256'));
    const layer = readdirSync(path.join(store, 'sha256'))
      .map((n) => path.join(store, 'sha256', n))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]!; // the arm64 layer, stored uncompressed
    const bytes = readFileSync(layer);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 1, bytes.length >> 1);
    writeFileSync(layer, bytes);
    await expect(readImage({ path: dir }, { verify: true, platform: 'linux/arm64' })).rejects.toThrow(/digest|hash/i);
  });
});
