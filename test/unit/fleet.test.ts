import { describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { indexedJob } from '../../src/fleet/k8s.js';
import { renderFleetMarkdown } from '../../src/render/fleet.js';
import { parseSince, refsFromPods, refsFromText, shardsByBytes } from '../../src/fleet/plan.js';

const d = (n: number): string => `sha256:${String(n).padStart(64, '0')}`;

describe('a fleet plan', () => {
  it('splits layers into shards balanced by bytes: largest first, each to the lightest shard', () => {
    const layers = [5, 9, 1, 7, 3, 8].map((bytes, i) => ({ digest: d(i), bytes }));
    const s = shardsByBytes(layers, 3);
    expect(s.map((l) => [l.bytes, l.shard])).toEqual([
      [9, 0],
      [8, 1],
      [7, 2],
      [5, 2],
      [3, 1],
      [1, 0],
    ]);
    const load = [0, 1, 2].map((k) => s.filter((l) => l.shard === k).reduce((a, l) => a + l.bytes, 0));
    expect(load).toEqual([10, 11, 12]);
  });

  it('reads references one a line, comments and blank lines left out', () => {
    expect(refsFromText('ghcr.io/a/b:1\n\n# nightly\n  docker.io/library/python:3.11 # base\n')).toEqual(['ghcr.io/a/b:1', 'docker.io/library/python:3.11']);
  });

  it('takes the images a cluster runs from kubectl get pods -o json, containers and init containers, each once', () => {
    const pods = {
      items: [
        { spec: { containers: [{ image: 'ghcr.io/a/web:1' }, { image: 'envoy:1.30' }], initContainers: [{ image: 'busybox:1.36' }] } },
        { spec: { containers: [{ image: 'ghcr.io/a/web:1' }] } },
        { spec: {} },
      ],
    };
    expect(refsFromPods(JSON.stringify(pods))).toEqual(['ghcr.io/a/web:1', 'envoy:1.30', 'busybox:1.36']);
    expect(() => refsFromPods('{"kind":"Pod"}')).toThrow('not the JSON of kubectl get pods -o json');
  });

  it('writes a Job that the batch/v1 OpenAPI schema accepts, and one it refuses is caught (the check itself)', () => {
    const plan = { schemaVersion: 4, scope: 'fleet-plan', shards: 4, platform: 'linux/amd64', images: [], layers: [] } as const;
    const job = indexedJob(plan, { name: 'imgsize-fleet-scan', image: 'ghcr.io/example/imgsize:0.4.0', planConfigMap: 'plan', cacheClaim: 'cache', parallelism: 2 });
    expect(() => new Job(job as never).validate()).not.toThrow();
    expect(job).toMatchObject({ spec: { completionMode: 'Indexed', completions: 4, parallelism: 2, backoffLimitPerIndex: 3 } });
    const broken = { ...job, spec: { ...(job.spec as object), completions: '4' } };
    expect(() => new Job(broken as never).validate()).toThrow(/completions must be integer/);
  });

  it('reads --since as an age before now or as a date', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(parseSince('30d', now)).toBe(Date.parse('2026-11-02T12:00:00Z'));
    expect(parseSince('12h', now)).toBe(Date.parse('2026-12-02T00:00:00Z'));
    expect(parseSince('2w', now)).toBe(Date.parse('2026-11-18T12:00:00Z'));
    expect(parseSince('2026-11-01', now)).toBe(Date.parse('2026-11-01T00:00:00Z'));
    expect(parseSince('2026-11-01T08:30:00+02:00', now)).toBe(Date.parse('2026-11-01T06:30:00Z'));
    for (const bad of ['30', 'd', '30y', 'yesterday', '2026-13-45', '1e3d', '']) expect(parseSince(bad, now), bad).toBeUndefined();
  });

  it('escapes what a registry and an image name in the rules by repository', () => {
    const md = renderFleetMarkdown({
      schemaVersion: 4,
      scope: 'fleet',
      totals: { images: 1, layers: 1, logicalBytes: 3000, storedBytes: 3000 },
      images: [],
      sharedLayers: [],
      packages: [],
      findings: [],
      gates: [
        {
          reference: 'evil.example/a|b:<script>',
          repositories: 'evil*',
          failed: 1,
          warned: 0,
          results: [{ kind: 'package', subject: 'nv*', level: 'fail', unit: 'bytes', measured: 3000, limit: 0, status: 'fail', items: [{ package: 'nvidia|x\n## owned', version: '1', bytes: 3000 }] }],
        },
      ],
    } as never);
    const row = md.split('\n').find((l) => l.startsWith('| evil'))!;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(6); // five cells: no cell broken by a | of the image
    expect(row).toContain('a\\|b\\:\\<script\\>');
    expect(md).not.toMatch(/^## owned/m);
    expect(row).toContain('nvidia\\|x');
    expect(md).toContain('### Rules by repository: 1 of 1 images fail');
  });
});
