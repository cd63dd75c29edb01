/**
 * Every `ok` image of the corpus that skopeo pushes cleanly, read back from a real registry, gives
 * the same report as its archive: every figure, every package (source and tags aside). Archives
 * skopeo cannot push (or that hold several images) are listed on stderr, not failed: they test
 * skopeo, not imgsize.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, corpusCases, present } from '../helpers/corpus.js';
import { registryTools, startRegistry, type Registry } from '../helpers/registry.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const tmp = tempFolders('imgsize-corpus-registry-');

/** How skopeo names the archive as a source, when it can read it. */
function skopeoSource(file: string): string | undefined {
  if (statSync(file).isDirectory()) return existsSync(path.join(file, 'index.json')) ? `oci:${file}` : undefined;
  if (/\.tar$/.test(file) && /oci/.test(path.basename(file))) return `oci-archive:${file}`;
  if (/\.tar$/.test(file)) return `docker-archive:${file}`;
  return undefined;
}

describe.skipIf(!present || !registryTools)('the corpus through a registry', () => {
  const cases = present ? corpusCases().filter((c) => c.expect === 'ok' && c.args.length === 0) : [];
  let reg: Registry;
  const pushed = new Map<string, string>();
  beforeAll(async () => {
    reg = await startRegistry(tmp());
    const skipped: string[] = [];
    // four pushes at a time: skopeo waits on the registry more than on the CPU
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const file = path.join(CORPUS, c.file);
        const src = skopeoSource(file);
        const ref = `corpus/${path
          .basename(c.file)
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '')}:v1`;
        if (!src) {
          skipped.push(`${c.file} (no skopeo transport)`);
          continue;
        }
        try {
          await reg.push(src, ref);
          pushed.set(c.file, ref);
        } catch (e) {
          skipped.push(
            `${c.file} (${String((e as Error).message)
              .split('\n')[0]!
              .slice(-90)})`,
          );
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    if (skipped.length) console.warn(`corpus through a registry: not pushed by skopeo: ${skipped.join('; ')}`);
  });
  afterAll(() => reg?.stop());

  it('pushes most of the corpus', () => {
    expect(pushed.size).toBeGreaterThanOrEqual(Math.floor(cases.length / 2));
  });

  for (const c of cases) {
    it(`${c.file}: same report from the registry as from the archive`, async (ctx) => {
      const ref = pushed.get(c.file);
      if (!ref) return ctx.skip();
      const fromRegistry = await run([`${reg.host}/${ref}`, '--json']);
      expect(fromRegistry.code, fromRegistry.stderr).toBe(0);
      const fromArchive = await run([path.join(CORPUS, c.file), '--json']);
      const a = JSON.parse(fromRegistry.stdout);
      const b = JSON.parse(fromArchive.stdout);
      // skopeo may recompress or rewrite manifests (docker-archive → v2s2): the content must not change
      expect(a.layers.map((l: { diffId: string }) => l.diffId)).toEqual(b.layers.map((l: { diffId: string }) => l.diffId));
      for (const k of ['packages', 'directories', 'largestFiles', 'wasted', 'findings', 'unowned', 'torch']) expect(a[k], k).toEqual(b[k]);
      const { compressedBytes: _c, pushBytes: _p, pushEstimatedLayers: _e, ...ta } = a.totals;
      const { compressedBytes: _c2, pushBytes: _p2, pushEstimatedLayers: _e2, ...tb } = b.totals;
      expect(ta).toEqual(tb);
      expect(a.image.platform).toBe(b.image.platform);
    });
  }
});
