/**
 * A fleet run against a real registry (Debian's docker-registry on 127.0.0.1): 20 tags in 5
 * repositories pushed by skopeo, built in code on two shared base layers. `fleet plan` over the
 * catalog, four `fleet scan` processes at once with JOB_COMPLETION_INDEX (as a Kubernetes Indexed
 * Job runs them), a counting proxy in front of the registry, `fleet merge` from the cache alone.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import path from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetPlanSchema, FleetReportSchema, ReportSchema } from '../../src/report/schema.js';
import { buildImage, type BuiltImage, ociMembers, outerTar } from '../fixtures/builder.js';
import { missingTools, registryTools, startRegistry, type Registry } from '../helpers/registry.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const tmp = tempFolders('imgsize-fleet-');
const BIN = path.resolve('bin/imgsize.js');
const REPOS = ['web', 'api', 'worker', 'ml', 'cron'];
const TAGS = ['1.0', '1.1', '2.0', 'latest'];
/** When each tag's image was built (its config's created time), for `fleet plan --since`. */
const CREATED = ['2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-11-01T00:00:00Z'];

/** Runs the built CLI in a process of its own; resolves with its exit code and output. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, IMGSIZE_CACHE: 'off', ...env } });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

if (!registryTools) {
  if (process.env.CI) {
    describe('fleet runs against a registry', () => {
      it('has its components', () => {
        throw new Error(`missing ${missingTools}: .ci/run installs them`);
      });
    });
  } else {
    console.warn(`fleet tests skipped: no ${missingTools} here`);
    describe.skip('fleet runs against a registry', () => it('needs a registry', () => undefined));
  }
} else {
  describe('a fleet run over a registry of 20 tags in 5 repositories', () => {
    let reg: Registry;
    let proxy: Server;
    let host: string;
    /** Blob paths fetched through the proxy (config and layer GETs). */
    const fetched: string[] = [];
    const images: BuiltImage[] = [];
    const setup = (async (): Promise<void> => {
      const dir = tmp();
      reg = await startRegistry(dir);
      // two base layers every image shares (a "debian" and a "python"), then each repository's own
      // layers, and each tag one small layer of its own
      const base = { entries: [{ path: 'usr/lib/libbase.so', size: 300_000 }], compression: 'gzip' as const, createdBy: 'ADD rootfs.tar.xz /' };
      const python = { entries: [{ path: 'usr/local/lib/python3.11/os.py', size: 120_000 }], compression: 'gzip' as const, createdBy: 'RUN install python' };
      const pushes: [string, string][] = [];
      for (const [r, repo] of REPOS.entries()) {
        for (const [t, tag] of TAGS.entries()) {
          const img = await buildImage({
            tags: [`${repo}:${tag}`],
            created: CREATED[t]!,
            layers: [
              base,
              ...(r < 3 ? [python] : []),
              { entries: [{ path: `srv/${repo}/app.bin`, size: 50_000 + r * 1000 }], compression: 'gzip', createdBy: `COPY ${repo} /srv` },
              { entries: [{ path: `srv/${repo}/VERSION`, size: 100 + t }], compression: 'gzip', createdBy: `RUN echo ${tag}` },
            ],
          });
          images.push(img);
          const file = path.join(dir, `${repo}-${tag}.tar`);
          writeFileSync(file, await outerTar(ociMembers([img])));
          pushes.push([`oci-archive:${file}`, `${repo}:${tag}`]);
        }
      }
      // four pushes at once (twenty at once, sharing blobs, made the registry answer 500 now and
      // then), each tried again once if it fails
      let next = 0;
      const pusher = async (): Promise<void> => {
        while (next < pushes.length) {
          const [src, ref] = pushes[next++]!;
          await reg.push(src, ref).catch(() => reg.push(src, ref));
        }
      };
      await Promise.all([pusher(), pusher(), pusher(), pusher()]);
      proxy = createHttpServer((req, res) => {
        const url = req.url ?? '/';
        if (url.includes('/blobs/')) fetched.push(url.replace(/^.*\/blobs\//, ''));
        const up = httpRequest(`http://${reg.host}${url}`, { method: req.method, headers: { ...req.headers, host: reg.host } }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        req.pipe(up);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    })();
    setup.catch(() => undefined); // reported by the beforeAll below
    beforeAll(() => setup);
    afterAll(() => {
      reg?.stop();
      proxy?.close();
    });

    it('plans, scans four shards at once fetching each unique layer once, and merges from the cache alone', async () => {
      const work = tmp();
      const plan = path.join(work, 'plan.json');
      const cache = path.join(work, 'cache');
      const planned = await cli(['fleet', 'plan', '--registry', host, '--shards', '4', '-o', plan]);
      expect(planned.code, planned.stderr).toBe(0);
      const p = FleetPlanSchema.parse(JSON.parse(readFileSync(plan, 'utf8')));
      expect(p.images).toHaveLength(20);
      // 2 shared bases + 5 repositories' own + 20 tags' own
      expect(p.layers).toHaveLength(27);
      expect(planned.stderr).toBe(`imgsize: planned 20 images, 27 unique layers (${(p.layers.reduce((a, l) => a + l.bytes, 0) / 1000).toFixed(0)} kB) in 4 shards\n`);
      const perShard = [0, 1, 2, 3].map((s) => p.layers.filter((l) => l.shard === s).reduce((a, l) => a + l.bytes, 0));
      expect(Math.max(...perShard) - Math.min(...perShard)).toBeLessThanOrEqual(Math.max(...p.layers.map((l) => l.bytes)));

      fetched.length = 0;
      const shards = await Promise.all([0, 1, 2, 3].map((i) => cli(['fleet', 'scan', '--plan', plan, '--cache', cache], { JOB_COMPLETION_INDEX: String(i) })));
      for (const s of shards) expect(s.code, s.stderr).toBe(0);
      const layerDigests = p.layers.map((l) => l.digest.slice(7));
      const layerFetches = fetched.filter((f) => layerDigests.some((d) => f.endsWith(d)));
      expect(layerFetches).toHaveLength(27);
      expect(new Set(layerFetches).size).toBe(27);

      fetched.length = 0;
      const reports = path.join(work, 'reports');
      mkdirSync(reports);
      const merged = await cli(['fleet', 'merge', '--plan', plan, '--cache', cache, '--json', '--reports', reports]);
      expect(merged.code, merged.stderr).toBe(0);
      expect(fetched.filter((f) => layerDigests.some((d) => f.endsWith(d)))).toEqual([]); // no layer downloaded
      const f = FleetReportSchema.parse(JSON.parse(merged.stdout));
      const logical = p.images.reduce((a, i) => a + i.compressedBytes, 0);
      expect(f.totals).toEqual({ images: 20, layers: 27, logicalBytes: logical, storedBytes: p.layers.reduce((a, l) => a + l.bytes, 0) });
      expect(f.sharedLayers[0]).toMatchObject({ images: 20, createdBy: 'ADD rootfs.tar.xz /' });
      expect(f.sharedLayers[1]).toMatchObject({ images: 12, createdBy: 'RUN install python' });

      // each image's report from the cache equals reading the image itself
      for (const [i, img] of p.images.entries()) {
        const direct = await run([img.reference, '--json', '--tree-nodes', '0']);
        expect(direct.code, direct.stderr).toBe(0);
        const a = ReportSchema.parse(JSON.parse(readFileSync(path.join(reports, `image-${i + 1}.json`), 'utf8')));
        const b = ReportSchema.parse(JSON.parse(direct.stdout));
        expect(a.totals).toEqual(b.totals);
        expect(a.layers).toEqual(b.layers);
        expect(a.packages).toEqual(b.packages);
        expect(a.findings).toEqual(b.findings);
      }

      // a second plan and scan: no layer blob fetched at all
      fetched.length = 0;
      const again = await cli(['fleet', 'plan', '--registry', host, '--shards', '4', '-o', plan]);
      expect(again.code).toBe(0);
      const rescans = await Promise.all([0, 1, 2, 3].map((i) => cli(['fleet', 'scan', '--plan', plan, '--cache', cache, '--shard', String(i)])));
      for (const s of rescans) expect(s.stderr).toMatch(/: 0 layers scanned \(0 B\), \d+ already in the cache/);
      expect(fetched.filter((x) => layerDigests.some((d) => x.endsWith(d)))).toEqual([]);

      // rules per repository: the ml images are over their budget (exit 1), web and worker within theirs
      const config = path.join(work, 'imgsize.config.json');
      writeFileSync(config, JSON.stringify({ repositories: { ml: { budget: { compressed: '2kB' } }, 'w*': { maxLayers: 4, packages: { 'nvidia-*': 0 } } } }));
      const judged = await cli(['fleet', 'merge', '--plan', plan, '--cache', cache, '--json', '--config', config]);
      expect(judged.code, judged.stderr).toBe(1);
      expect(judged.stderr).toBe("imgsize: 4 of 12 images break their repository's rules\n");
      const g = FleetReportSchema.parse(JSON.parse(judged.stdout)).gates;
      expect(g.map((x) => [x.reference.replace(`${host}/`, ''), x.repositories, x.failed])).toEqual(
        ['ml', 'web', 'worker'].flatMap((repo) => TAGS.map((t) => [`${repo}:${t}`, repo === 'ml' ? 'ml' : 'w*', repo === 'ml' ? 1 : 0])),
      );
      const ml = g.find((x) => x.repositories === 'ml')!;
      const mlBytes = p.images.find((i) => i.reference === ml.reference)!.compressedBytes;
      expect(ml.results).toEqual([expect.objectContaining({ kind: 'budget', subject: 'compressed', measured: mlBytes, limit: 2000, status: 'fail', from: 'imgsize.config.json (repositories: ml)' })]);
      const page = path.join(work, 'fleet.html');
      const md = await cli(['fleet', 'merge', '--plan', plan, '--cache', cache, '--config', config, '--quiet', '--html', page]);
      expect(md.code).toBe(1);
      // IMGSIZE_KEEP_FLEET_REPORT=FILE keeps the Markdown fleet report of this registry (to read or quote)
      if (process.env.IMGSIZE_KEEP_FLEET_REPORT) writeFileSync(process.env.IMGSIZE_KEEP_FLEET_REPORT, md.stdout);
      // the page: the fleet report and each image's report (with its folders) inline, for the viewer
      const data = JSON.parse(/<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(readFileSync(page, 'utf8'))![1]!);
      expect(data.page).toBe('fleet');
      expect(data.fleet.gates).toEqual(g);
      expect(data.images).toHaveLength(20);
      expect(data.images[0].tree.name.length).toBeGreaterThan(3);
      expect(md.stdout).toContain('### Rules by repository: 4 of 12 images fail\n');
      expect(md.stdout).toMatch(/\| 127\.0\.0\.1\\:\d+\/ml\\:1\.0 \| ml \| ✖ fail \| compressed size .* exceeds the budget 2 kB \(2,000 bytes\)/);
    });

    it('shares the layer cache through a repository of the registry: a runner with an empty folder downloads no layer', async () => {
      const ref = `${host}/web:2.0`;
      const remote = `${host}/imgsize-cache`;
      const first = await run([ref, '--json', '--cache', remote], { env: { IMGSIZE_CACHE: tmp() } });
      expect(first.code, first.stderr).toBe(0);
      // the entries are OCI artifacts in the repository, tagged by their keys: one per layer
      const tags = (await (await fetch(`http://${host}/v2/imgsize-cache/tags/list`)).json()) as { tags: string[] };
      expect(tags.tags).toHaveLength(4);
      for (const t of tags.tags) expect(t).toMatch(/^[0-9a-f]{64}$/);
      fetched.length = 0;
      const second = await run([ref, '--json', '--cache', remote], { env: { IMGSIZE_CACHE: tmp() } });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain('4 layers from the layer cache');
      const layers = (JSON.parse(second.stdout) as { layers: { digest: string }[] }).layers.map((l) => l.digest.slice(7));
      expect(fetched.filter((f) => layers.some((d) => f.endsWith(d)))).toEqual([]);
      expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    });

    it('writes an Indexed Job that runs one scan pod per shard, the shard from JOB_COMPLETION_INDEX', async () => {
      const work = tmp();
      const plan = path.join(work, 'plan.json');
      expect((await cli(['fleet', 'plan', '--registry', host, '--repos', '^(web|api)$', '--tags', '^1\\.', '--shards', '3', '-o', plan])).code).toBe(0);
      expect(JSON.parse(readFileSync(plan, 'utf8')).images.map((i: { reference: string }) => i.reference)).toEqual([`${host}/api:1.0`, `${host}/api:1.1`, `${host}/web:1.0`, `${host}/web:1.1`]);
      const r = await cli(['fleet', 'k8s-job', '--plan', plan, '--image', 'ghcr.io/example/imgsize:0.4.0']);
      expect(r.code, r.stderr).toBe(0);
      const job = JSON.parse(r.stdout);
      expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed', completions: 3, parallelism: 3, template: { spec: { restartPolicy: 'Never' } } } });
      const c = job.spec.template.spec.containers[0];
      expect(c.image).toBe('ghcr.io/example/imgsize:0.4.0');
      expect(c.args).toEqual(['fleet', 'scan', '--plan', '/plan/plan.json', '--cache', '/cache']);
      expect(job.spec.template.spec.volumes.map((v: { name: string }) => v.name)).toEqual(c.volumeMounts.map((m: { name: string }) => m.name));
      // the batch/v1 Job schema (Kubernetes' OpenAPI, as kubernetes-models compiles it) takes it
      expect(() => new Job(job).validate()).not.toThrow();
      const badName = await cli(['fleet', 'k8s-job', '--plan', plan, '--image', 'x', '--name', 'Imgsize_Scan']);
      expect(badName.code).toBe(2);
      expect(badName.stderr).toBe('imgsize: --name: "Imgsize_Scan" is not a Kubernetes name (lowercase letters, digits and \'-\', at most 63)\n');
      expect(badName.stdout).toBe('');
    });

    it('plans only the images created since a date, and says how many it left out', async () => {
      const r = await cli(['fleet', 'plan', '--registry', host, '--repos', '^(web|ml)$', '--since', '2025-06-01']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).images.map((i: { reference: string }) => i.reference)).toEqual([`${host}/ml:2.0`, `${host}/ml:latest`, `${host}/web:2.0`, `${host}/web:latest`]);
      expect(r.stderr).toContain('imgsize: --since 2025-06-01T00:00:00Z: 4 images created earlier left out\n');
      const bad = await cli(['fleet', 'plan', '--registry', host, '--since', 'last week']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('imgsize: --since: "last week" is neither an age (30d, 12h, 2w) nor a date (2026-11-01)\n');
    });

    it('says which shard is missing, and refuses a plan that is not one', async () => {
      const work = tmp();
      const plan = path.join(work, 'plan.json');
      writeFileSync(
        plan,
        JSON.stringify({ schemaVersion: 4, scope: 'fleet-plan', shards: 1, platform: 'linux/amd64', images: [], layers: [{ digest: `sha256:${'a'.repeat(64)}`, bytes: 1, shard: 5, image: 0 }] }),
      );
      const bad = await cli(['fleet', 'scan', '--plan', plan, '--shard', '0', '--cache', path.join(work, 'c')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^imgsize: .*plan\.json: layer sha256:aaaaaaaaaaaa names a shard or image the plan does not have\n$/);
      writeFileSync(plan, JSON.stringify({ schemaVersion: 4, scope: 'fleet-plan', shards: 1, platform: 'linux/amd64', images: [], layers: [] }));
      const none = await cli(['fleet', 'scan', '--plan', plan, '--cache', path.join(work, 'c')]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('say which shard (--shard I), or run where JOB_COMPLETION_INDEX is set');
    });
  });
}
