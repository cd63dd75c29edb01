import { describe, expect, it } from 'vitest';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { indexedJob } from '../../src/fleet/k8s.js';
import { refsFromPods, refsFromText, shardsByBytes } from '../../src/fleet/plan.js';

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
});
