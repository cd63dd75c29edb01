/**
 * The two steps of a fleet run that read images: scanning one shard's layers into the layer cache,
 * and building every image's report from the cache (its layers are not downloaded again) and the
 * fleet report from them.
 */
import { fleetGates, repositoryJudge, type RepositoryRules } from './gates.js';
import { ImgsizeError } from '../base/errors.js';
import type { LayerCache } from '../cache/store.js';
import { captureFor, DETECTORS } from '../detectors/index.js';
import { inspectImage, type InspectOptions } from '../inspect.js';
import { parseReference } from '../registry/reference.js';
import { CONCURRENT_LAYERS, scanLayer } from '../registry/source.js';
import { bySizeDown, eachAtOnce } from '../base/pool.js';
import type { FleetPlan, FleetReport, Report } from '../report/schema.js';
import type { ScanOptions } from '../layer/types.js';
import { fleetReport } from './merge.js';

export interface FleetRunOptions {
  readonly cache: LayerCache;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly insecure?: readonly string[] | undefined;
  readonly scan?: ScanOptions;
}

/** Scans shard `shard` of the plan into the cache: how many layers were scanned and how many were there already. */
export async function scanShard(plan: FleetPlan, shard: number, o: FleetRunOptions): Promise<{ scanned: number; cached: number; bytes: number }> {
  if (!Number.isSafeInteger(shard) || shard < 0 || shard >= plan.shards) throw new ImgsizeError('usage', '--shard', `must be from 0 to ${plan.shards - 1} (the plan has ${plan.shards} shards)`);
  let scanned = 0;
  let cached = 0;
  let bytes = 0;
  const mine = plan.layers.filter((l) => l.shard === shard);
  await o.cache.prefetch?.(mine.map((l) => l.digest));
  // two layers at once, largest first, as one image's layers are read
  await eachAtOnce(bySizeDown(mine.map((l) => ({ ...l, size: l.bytes }))), CONCURRENT_LAYERS, async (l) => {
    const ref = parseReference(plan.images[l.image]!.reference);
    const r = await scanLayer(ref, { digest: l.digest, size: l.bytes }, { env: o.env, insecure: o.insecure, cache: o.cache, scan: { capture: captureFor(DETECTORS), ...o.scan } });
    if (r === 'cached') cached++;
    else {
      scanned++;
      bytes += l.bytes;
    }
  });
  return { scanned, cached, bytes };
}

/** Every image's report (from the cache: a layer not in it is downloaded and said so) and the fleet report. */
export async function mergeFleet(
  plan: FleetPlan,
  o: FleetRunOptions & Pick<InspectOptions, 'top' | 'treeNodes'> & { readonly repositories?: { readonly rules: RepositoryRules; readonly label: string } | undefined },
): Promise<{ fleet: FleetReport; reports: Report[]; downloaded: number }> {
  const judge = o.repositories ? repositoryJudge(o.repositories.rules, o.repositories.label) : undefined;
  const reports: Report[] = [];
  const hitsBefore = o.cache.hits;
  let layers = 0;
  for (const img of plan.images) {
    const ref = parseReference(`${img.reference.replace(/@sha256:[0-9a-f]{64}$/, '')}@${img.manifestDigest}`);
    const got = await inspectImage(
      { reference: ref },
      {
        env: o.env,
        cache: o.cache,
        platform: plan.platform,
        treeNodes: o.treeNodes ?? 0,
        ...(o.top !== undefined ? { top: o.top } : {}),
        ...(o.insecure ? { insecureRegistries: o.insecure } : {}),
        ...(o.scan ? { scan: o.scan } : {}),
      },
    );
    // the report names the image as the plan does (its tag), not by the digest it was read at
    reports.push({ ...got.report, image: { ...got.report.image, repoTags: [img.reference] } });
    layers += img.layers.length;
  }
  const hits = o.cache.hits - hitsBefore;
  const gates = judge ? fleetGates(plan, reports, judge) : [];
  return { fleet: fleetReport(plan, reports, gates), reports, downloaded: Math.max(0, layers - hits) };
}
