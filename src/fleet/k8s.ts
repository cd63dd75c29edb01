/**
 * A Kubernetes Indexed Job that scans a plan's shards: one pod per shard, each takes its shard from
 * JOB_COMPLETION_INDEX (the Job controller sets it), a retried pod redoes only its shard (the layers
 * already in the cache cost a lookup). The plan comes from a ConfigMap, the cache is a volume every
 * pod shares (a ReadWriteMany claim). A pure function: the manifest as data, written as JSON (which
 * kubectl apply -f takes). Typed against batch/v1 Job (kubernetes-models, a development dependency:
 * a misspelt field does not compile); the tests validate it against the API's OpenAPI schema.
 */
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { FleetPlan } from '../report/schema.js';

export interface JobOptions {
  readonly name: string;
  /** The container image with imgsize in it. */
  readonly image: string;
  /** The ConfigMap holding the plan as plan.json. */
  readonly planConfigMap: string;
  /** The PersistentVolumeClaim of the shared cache. */
  readonly cacheClaim: string;
  /** Pods at once (default: every shard). */
  readonly parallelism?: number;
}

export function indexedJob(plan: FleetPlan, o: JobOptions): Record<string, unknown> {
  const job: IJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, labels: { 'app.kubernetes.io/name': 'imgsize-fleet' } },
    spec: {
      completionMode: 'Indexed',
      completions: plan.shards,
      parallelism: Math.min(o.parallelism ?? plan.shards, plan.shards),
      // a failed shard is retried on its own, without failing the others (Kubernetes ≥ 1.29)
      backoffLimitPerIndex: 3,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'imgsize-fleet' } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'scan',
              image: o.image,
              args: ['fleet', 'scan', '--plan', '/plan/plan.json', '--cache', '/cache'],
              env: [{ name: 'IMGSIZE_CACHE', value: '/cache' }],
              volumeMounts: [
                { name: 'plan', mountPath: '/plan', readOnly: true },
                { name: 'cache', mountPath: '/cache' },
              ],
              resources: { requests: { cpu: '2', memory: '512Mi' }, limits: { memory: '1Gi' } },
            },
          ],
          volumes: [
            { name: 'plan', configMap: { name: o.planConfigMap } },
            { name: 'cache', persistentVolumeClaim: { claimName: o.cacheClaim } },
          ],
        },
      },
    },
  };
  return { ...job };
}
