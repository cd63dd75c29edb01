/**
 * A fleet plan: what to scan across many images, split into shards. The references (from a file,
 * from the images a cluster runs, from a registry's catalog and tags) are resolved to their
 * platform's manifest, deduplicated by manifest digest, and their unique layers split into shards
 * balanced by bytes (largest first, each to the lightest shard). The plan and the layer cache are
 * the whole shared state of a fleet run: no coordinator.
 */
import { ImgsizeError } from '../base/errors.js';
import { parseBoundedJson } from '../base/json.js';
import { DEFAULT_PLATFORM } from '../base/platform.js';
import { parseReference, type ImageReference } from '../registry/reference.js';
import { listRepositories, listTags, readManifestOnly } from '../registry/source.js';
import { FleetPlanSchema, type FleetPlan } from '../report/schema.js';
import { SCHEMA_VERSION } from '../report/version.js';

export interface PlanOptions {
  readonly shards: number;
  readonly platform?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly insecure?: readonly string[] | undefined;
  /** Called per reference resolved (for progress). */
  readonly onImage?: (ref: string, done: number, of: number) => void;
  /** Only images whose config says they were created at or after this time (ms since the epoch). */
  readonly since?: number | undefined;
  /** Called for each image left out by `since` (created earlier), and each kept for want of a created time. */
  readonly onAge?: (ref: string, created: string | null, kept: boolean) => void;
}

const SINCE_UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/**
 * `--since`: an age (`30d`, `12h`, `2w`: that long before `now`) or a date or time (`2026-11-01`,
 * RFC 3339), as ms since the epoch; undefined when it is neither.
 */
export function parseSince(v: string, now: number): number | undefined {
  const age = /^(\d{1,6})([hdw])$/.exec(v);
  if (age) return now - Number(age[1]) * SINCE_UNITS[age[2]!]!;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v)) return undefined;
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  return Number.isFinite(t) ? t : undefined;
}

/** References, one a line (blank lines and # comments left out). */
export function refsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** The images a cluster runs: `kubectl get pods -A -o json` (containers and init containers), each once. */
export function refsFromPods(text: string): string[] {
  const doc = parseBoundedJson(text, 'pods', (e) => `not the JSON of kubectl get pods -o json (${e.message.slice(0, 200)})`) as { items?: unknown };
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.items)) throw new ImgsizeError('input', 'pods', 'has no "items": not the JSON of kubectl get pods -o json');
  const out = new Set<string>();
  for (const pod of doc.items as { spec?: { containers?: unknown; initContainers?: unknown } }[]) {
    for (const list of [pod?.spec?.containers, pod?.spec?.initContainers]) {
      if (!Array.isArray(list)) continue;
      for (const c of list as { image?: unknown }[]) if (typeof c?.image === 'string' && c.image) out.add(c.image);
    }
  }
  return [...out];
}

/** A registry's repositories and tags, filtered by patterns (regular expressions on the repository and the tag). */
export async function refsFromRegistry(
  registry: string,
  opts: { repos?: RegExp | undefined; tags?: RegExp | undefined; env: PlanOptions['env']; insecure?: readonly string[] | undefined },
): Promise<string[]> {
  // no repository: the catalog is the registry's own; errors name it so
  const parsed = parseReference(`${registry}/x`);
  const root: ImageReference = { ...parsed, repository: '', canonical: `the catalog of ${parsed.registry}` };
  const repos = (await listRepositories(root, opts.env, { insecure: opts.insecure })).filter((r) => !opts.repos || opts.repos.test(r));
  const out: string[] = [];
  for (const repo of repos) {
    const tags = await listTags(parseReference(`${registry}/${repo}`), opts.env, { insecure: opts.insecure });
    for (const t of tags.sort()) if (!opts.tags || opts.tags.test(t)) out.push(`${registry}/${repo}:${t}`);
  }
  return out;
}

/** Resolves every reference and splits the unique layers into shards. */
export async function planFleet(refs: readonly string[], opts: PlanOptions): Promise<FleetPlan> {
  if (!Number.isSafeInteger(opts.shards) || opts.shards < 1 || opts.shards > 10_000) throw new ImgsizeError('usage', '--shards', 'must be a whole number from 1 to 10000');
  if (refs.length === 0) throw new ImgsizeError('usage', 'fleet plan', 'no image references to plan');
  const images: FleetPlan['images'][number][] = [];
  const seen = new Set<string>();
  const layers = new Map<string, { digest: string; bytes: number; image: number }>();
  let done = 0;
  for (const given of refs) {
    const ref = parseReference(given);
    const m = await readManifestOnly(ref, { env: opts.env, insecure: opts.insecure, platform: opts.platform });
    opts.onImage?.(given, ++done, refs.length);
    const digest = m.image.manifestDigest;
    if (!digest || seen.has(digest)) continue;
    if (opts.since !== undefined) {
      const created = m.image.created === null ? Number.NaN : Date.parse(m.image.created);
      if (Number.isFinite(created) && created < opts.since) {
        opts.onAge?.(ref.canonical, m.image.created, false);
        continue;
      }
      if (!Number.isFinite(created)) opts.onAge?.(ref.canonical, m.image.created, true);
    }
    seen.add(digest);
    const index = images.length;
    images.push({ reference: ref.canonical, manifestDigest: digest, compressedBytes: m.totals.compressedBytes, layers: m.layers.map((l) => l.digest) });
    for (const l of m.layers) if (!layers.has(l.digest)) layers.set(l.digest, { digest: l.digest, bytes: l.compressedBytes, image: index });
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    scope: 'fleet-plan',
    shards: opts.shards,
    platform: opts.platform ?? DEFAULT_PLATFORM,
    images,
    layers: shardsByBytes([...layers.values()], opts.shards),
  };
}

/** Largest first, each to the shard with the fewest bytes so far (ties: the lower shard). */
export function shardsByBytes<T extends { bytes: number; digest: string }>(items: readonly T[], shards: number): (T & { shard: number })[] {
  const load = new Array<number>(shards).fill(0);
  return [...items]
    .sort((a, b) => b.bytes - a.bytes || (a.digest < b.digest ? -1 : 1))
    .map((it) => {
      let best = 0;
      for (let i = 1; i < shards; i++) if (load[i]! < load[best]!) best = i;
      load[best]! += it.bytes;
      return { ...it, shard: best };
    });
}

/** A plan file read back: checked against the contract (a plan is shared between machines). */
export function parsePlan(text: string, where: string): FleetPlan {
  const doc = parseBoundedJson(text, where, (e) => `is not JSON (${e.message.slice(0, 200)})`);
  const r = FleetPlanSchema.safeParse(doc);
  if (!r.success) throw new ImgsizeError('input', where, `is not a fleet plan (${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? ''})`);
  const p = r.data;
  for (const l of p.layers)
    if (l.shard >= p.shards || l.image >= p.images.length) throw new ImgsizeError('input', where, `layer ${l.digest.slice(0, 19)} names a shard or image the plan does not have`);
  return p;
}
