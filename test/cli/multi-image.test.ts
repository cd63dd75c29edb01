/**
 * Archives holding several images (docker save app:1 app:2 worker:1): the overview without --image,
 * --image by tag (as given or normalised) or by image ID prefix, choices that list real images
 * only, and diff with one --image per side.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, ociMembers, outerTar, type Entry } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempDir } from '../helpers/temp.js';
import { ArchiveOverviewSchema } from '../../src/report/schema.js';

const tmp = tempDir('imgsize-multi-');
const base: Entry[] = [{ path: 'bin/busybox', size: 900_000 }];

describe('an archive with several images', () => {
  let archive: string;
  let oci: string;
  let configId: string;

  beforeAll(async () => {
    const app1 = await buildImage({ tags: ['app:1'], layers: [{ entries: base }, { entries: [{ path: 'app/v1', size: 50_000 }] }] });
    const app2 = await buildImage({ tags: ['app:2', 'app:latest'], layers: [{ entries: base }, { entries: [{ path: 'app/v2', size: 70_000 }] }] });
    const worker = await buildImage({ tags: ['docker.io/library/worker:1'], layers: [{ entries: [{ path: 'w/job', size: 30_000 }] }] });
    configId = worker.configDigest;
    archive = path.join(tmp(), 'all.tar');
    writeFileSync(archive, await outerTar(dockerLegacyMembers([app1, app2, worker])));
    oci = path.join(tmp(), 'all.oci.tar');
    writeFileSync(oci, await outerTar(ociMembers([app1, app2, worker], { dockerManifest: true })));
  });

  it('without --image: each image, what it has alone and shares, the archive in all, and how to choose', async () => {
    const r = await run([archive]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Archive {3}.*all\.tar {3}Format docker {3}3 images$/);
    expect(lines.find((l) => l.startsWith('app:1 '))).toMatch(/^app:1\s+linux\/amd64\s+2\s+950 kB\s+~\S+ (k)?B\s+50 kB\s+900 kB$/);
    expect(lines.find((l) => l.startsWith('app:2, app:latest '))).toMatch(/\s2\s+970 kB\s+.*\s70 kB\s+900 kB$/);
    expect(lines.find((l) => l.startsWith('docker.io/library/worker:1 '))).toMatch(/\s1\s+30 kB\s+.*\s30 kB\s+0 B$/);
    expect(r.stdout).toContain('In all (each layer once): 4 layers, content 1.05 MB');
    expect(r.stdout).toContain(`choose one with --image (a tag, or an image ID prefix): imgsize ${archive} --image app:1`);
  });

  it('--json: the overview document of the contract, exact bytes', async () => {
    const r = await run([oci, '--json']);
    const doc = ArchiveOverviewSchema.parse(JSON.parse(r.stdout));
    expect(doc.scope).toBe('archive');
    expect(doc.images.map((i) => [i.tags[0], i.contentBytes, i.aloneContentBytes, i.sharedContentBytes])).toEqual([
      ['app:1', 950_000, 50_000, 900_000],
      ['app:2', 970_000, 70_000, 900_000],
      ['docker.io/library/worker:1', 30_000, 30_000, 0],
    ]);
    expect(doc.totals).toMatchObject({ images: 3, layers: 4, contentBytes: 1_050_000 });
  });

  it('--image takes a tag as given or normalised, and an image ID prefix', async () => {
    for (const [want, tag] of [
      ['app:2', 'app:2'],
      ['app', 'app:2'], // app = app:latest, a tag of app:2's image
      ['docker.io/library/app:1', 'app:1'],
      ['worker:1', 'docker.io/library/worker:1'],
      [configId.slice(7, 19), 'docker.io/library/worker:1'],
      [configId.slice(0, 19), 'docker.io/library/worker:1'],
    ]) {
      const r = await run([archive, '--image', want!, '--json']);
      expect([want, r.code, JSON.parse(r.stdout).image.repoTags[0]]).toEqual([want, 0, tag]);
    }
  });

  it('an --image that names none lists the real images, once each', async () => {
    const r = await run([oci, '--image', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('imgsize: --image nope: no such image in the archive; it holds: app:1, app:2, app:latest, docker.io/library/worker:1\n');
  });

  it('diff: one --image per side, or refused naming the choices', async () => {
    const r = await run(['diff', archive, archive, '--image', 'app:1', '--image', 'app:2', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout).diff;
    expect([d.before.tags, d.after.tags, d.totals.content.delta]).toEqual([['app:1'], ['app:2', 'app:latest'], 20_000]);
    const refused = await run(['diff', archive, archive]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^imgsize: diff: the archive holds 3 linux\/amd64 images \(app:1, app:2, app:latest, docker\.io\/library\/worker:1\); diff compares one image per side: choose it with --image\n/,
    );
    const three = await run(['diff', archive, archive, '--image', 'a', '--image', 'b', '--image', 'c']);
    expect([three.code, three.stderr]).toEqual([2, 'imgsize: --image: diff takes one --image for both sides, or one per side (BEFORE, then AFTER)\n']);
  });

  it('the overview has an HTML page holding each image’s report; inspect takes one --image', async () => {
    const file = path.join(tmp(), 'x.html');
    const h = await run([archive, '--html', file, '--quiet']);
    expect([h.code, h.stderr]).toEqual([0, '']);
    const data = JSON.parse(/<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(readFileSync(file, 'utf8'))![1]!);
    expect(data.page).toBe('overview');
    expect(data.overview.images.map((i: { tags: string[] }) => i.tags[0])).toEqual(['app:1', 'app:2', 'docker.io/library/worker:1']);
    expect(data.images.map((p: { report: { totals: { contentBytes: number } } }) => p.report.totals.contentBytes)).toEqual([950_000, 970_000, 30_000]);
    const two = await run([archive, '--image', 'app:1', '--image', 'app:2']);
    expect([two.code, two.stderr]).toEqual([2, 'imgsize: --image: given more than once: only diff takes one per side\n']);
  });
});

describe('the diff’s shared bytes, of layers stored uncompressed (issue 24)', () => {
  it('are what a pull reuses — the shared layers’ push sizes — never the stored tar’s size', async () => {
    const archive = path.resolve(__dirname, '../../../shared/corpus/images/ggcr__test_link.tar');
    if (!existsSync(archive)) return void expect(process.env.CI, 'the corpus is missing').toBeFalsy();
    const images = ['--image', 'bazel/v1/tarball:test_image_1', '--image', 'bazel/v1/tarball:test_image_3'];
    const d = await run(['diff', archive, archive, ...images, '--json']);
    expect(d.code, d.stderr).toBe(0);
    const diff = JSON.parse(d.stdout).diff;
    const after = JSON.parse((await run([archive, '--image', 'bazel/v1/tarball:test_image_3', '--json'])).stdout);
    const shared = diff.layers.filter((l: { status: string }) => l.status === 'shared');
    expect(shared.length).toBe(1);
    expect(diff.sharedCompressedBytes).toBe(shared.reduce((a: number, l: { afterLayer: number }) => a + after.layers[l.afterLayer - 1].pushBytes, 0));
    expect(diff.sharedCompressedBytes).toBeLessThanOrEqual(after.totals.pushBytes);
    expect(shared[0].compressedBytes).toBe(10_240); // the tar as stored: not what a pull moves
    const text = await run(['diff', archive, archive, ...images]);
    expect(text.stdout).toMatch(/^Layers: 1 shared \(1\d\d B compressed, reused by a pull\), 1 added \(6 B content\), 0 removed \(0 B content\)$/m);
  });
});
