/**
 * An image in a registry read as an OCI layout that is never written anywhere: the manifest (the
 * chosen platform's, when the reference names an index), the config and every layer blob are
 * streamed from the registry through the same member sink as an archive's members (hashed,
 * scanned, bounded), under the names an OCI layout gives them, with an index.json that lists the
 * chosen manifest; archive/image.ts then assembles and verifies it like any layout.
 */
import { createHash } from 'node:crypto';
import { ImgsizeError, listSome } from '../base/errors.js';
import { bySizeDown, eachAtOnce } from '../base/pool.js';
import { jsonBudget, type BlobRecord, type OuterContents, type OuterEntry, type ReadOptions } from '../archive/contents.js';
import { memberSink, withDiffId, type BlobSink } from '../archive/member-sink.js';
import type { LayerCache } from '../cache/store.js';
import { isObject, type Json } from '../archive/metadata.js';
import { DEFAULT_PLATFORM, platformMatches, platformObject, platformOf } from '../base/platform.js';
import { MANIFEST_TYPES, parseAnswer, RegistryClient, TRANSIENT_ERRORS } from './client.js';
import type { ImageReference } from './reference.js';
import { mapHistory } from '../archive/image.js';
import type { ManifestReport } from '../report/schema.js';
import { SCHEMA_VERSION } from '../report/version.js';

/** Layers downloaded at once, largest first: two keep both cores busy, as for an archive file. */
export const CONCURRENT_LAYERS = 2;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface RegistryReadOptions extends ReadOptions {
  readonly platform?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Blobs already read in this run, by digest (content-addressed: `diff A B` fetches a shared layer once). */
  readonly blobs?: Map<string, BlobRecord>;
  /** Hosts reached over plain HTTP (--insecure-registry). */
  readonly insecure?: readonly string[] | undefined;
  /** Authorizations got in this run (client.ts): one token for both sides of a diff in one repository. */
  readonly tokens?: Map<string, string> | undefined;
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const memberOf = (digest: string): string => `blobs/sha256/${digest.slice('sha256:'.length)}`;

export async function readRegistry(ref: ImageReference, opts: RegistryReadOptions): Promise<OuterContents> {
  const client = new RegistryClient(ref, opts.env, { insecure: opts.insecure, tokens: opts.tokens });
  const entries = new Map<string, OuterEntry>();
  const json = jsonBudget();
  let inputBytes = 0;

  const manifest = manifestFetcher(client, (n) => (inputBytes += n));
  const record = async (name: string, body: Buffer): Promise<void> => {
    const sink = memberSink(entries, json, name, opts.scan, { size: body.length });
    const w = sink.write(body);
    if (w) await w;
    await sink.end();
  };

  const { top, doc, platform } = await resolveManifest(ref, opts, manifest);
  await record(memberOf(top.digest), top.body);
  const config = descriptor(ref, doc.config, 'the config descriptor');
  const layers = (doc.layers as unknown[]).map((l, i) => descriptor(ref, l, `layer ${i + 1}`));
  // a remote layer cache's entries of these layers, fetched before they are looked up
  await opts.cache?.prefetch?.(layers.map((l) => l.digest));

  /** A blob streamed through the member sink; never more bytes than its descriptor says. */
  const blob = async ({ digest, size }: { digest: string; size: number }): Promise<void> => {
    const name = memberOf(digest);
    if (entries.has(name)) return; // the same blob twice in one manifest: read once
    const known = opts.blobs?.get(digest);
    if (known && known.size === size && known.digest === digest) {
      entries.set(name, { kind: 'file', blob: known });
      return;
    }
    // a layer scanned before (cache/): its blob is not downloaded; the entry was written only from
    // bytes that hashed to this digest, which the verified manifest names
    const cached = opts.cache?.get(digest);
    if (cached) {
      entries.set(name, { kind: 'file', blob: { name, size, digest, scan: withDiffId(cached, digest) } });
      return;
    }
    const sink = memberSink(entries, json, name, opts.scan, { size, skipContents: opts.verify === false, cache: opts.cache, ownChunks: true });
    await download(client, digest, size, sink, (n) => {
      inputBytes += n;
      opts.onProgress?.(inputBytes);
    });
    await sink.end();
    const got = entries.get(name);
    if (opts.blobs && got?.kind === 'file' && got.blob.digest === digest) opts.blobs.set(digest, got.blob);
  };
  await blob(config);
  let finished = 0;
  const bytes = inputBytes + layers.reduce((a, l) => a + (opts.blobs?.has(l.digest) ? 0 : l.size), 0);
  opts.onPhase?.({ done: 0, of: layers.length, bytes });
  await eachAtOnce(bySizeDown(layers), CONCURRENT_LAYERS, async (l) => {
    await blob(l);
    opts.onPhase?.({ done: ++finished, of: layers.length, bytes });
  });

  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: top.mediaType || 'application/vnd.oci.image.manifest.v1+json',
          digest: top.digest,
          size: top.body.length,
          ...(platform ? { platform: platformObject(platform) } : {}),
          annotations: { 'org.opencontainers.image.ref.name': ref.canonical },
        },
      ],
    }),
  );
  await record('index.json', index);
  return { entries, outerCompression: 'none', isDirectory: true, inputBytes };
}

/** A blob streamed into a sink; never more bytes than its descriptor says; a cut download resumes (Range), a few times. */
async function download(client: RegistryClient, digest: string, size: number, sink: BlobSink, counted: (bytes: number) => void): Promise<void> {
  let n = 0;
  for (let resumed = 0; ; resumed++) {
    const r = await client.get(`blobs/${digest}`, undefined, n > 0 ? { range: `bytes=${n}-` } : {});
    if (n > 0 && (r.status !== 206 || !String(r.headers['content-range'] ?? '').startsWith(`bytes ${n}-`))) {
      await r.body.dump().catch(() => undefined);
      throw new ImgsizeError('input', `blob ${digest.slice(0, 19)}`, `the download broke after ${n} bytes and the registry cannot resume it`);
    }
    try {
      for await (const chunk of r.body) {
        n += chunk.length;
        if (n > size) {
          await r.body.dump().catch(() => undefined);
          throw new ImgsizeError('digest-mismatch', `blob ${digest.slice(0, 19)}`, `the registry sent more than the ${size} bytes its descriptor says`);
        }
        counted(chunk.length);
        const w = sink.write(chunk);
        if (w) await w;
      }
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (e instanceof ImgsizeError || resumed >= 3 || !TRANSIENT_ERRORS.has(code)) {
        if (e instanceof ImgsizeError) throw e;
        throw new ImgsizeError('input', `blob ${digest.slice(0, 19)}`, `the download broke after ${n} bytes (${code || (e as Error).message})`);
      }
    }
  }
  if (n < size) throw new ImgsizeError('digest-mismatch', `blob ${digest.slice(0, 19)}`, `the registry sent ${n} of the ${size} bytes its descriptor says`);
}

/**
 * One layer of an image in a registry, scanned into the layer cache (fleet scan): nothing when it
 * is cached already; else its blob downloaded, hashed and scanned, and kept when it hashes to its
 * digest. Says which.
 */
export async function scanLayer(
  ref: ImageReference,
  layer: { readonly digest: string; readonly size: number },
  opts: RegistryReadOptions & { readonly cache: LayerCache },
): Promise<'cached' | 'scanned'> {
  if (opts.cache.get(layer.digest)) return 'cached';
  const client = new RegistryClient(ref, opts.env, { insecure: opts.insecure, tokens: opts.tokens });
  const entries = new Map<string, OuterEntry>();
  const name = memberOf(layer.digest);
  const sink = memberSink(entries, jsonBudget(), name, opts.scan, { size: layer.size, cache: opts.cache, ownChunks: true });
  await download(client, layer.digest, layer.size, sink, (n) => opts.onProgress?.(n));
  await sink.end();
  const got = entries.get(name);
  if (got?.kind !== 'file' || got.blob.digest !== layer.digest)
    throw new ImgsizeError('digest-mismatch', `blob ${layer.digest.slice(0, 19)}`, `the registry sent bytes that hash to ${got?.kind === 'file' ? got.blob.digest : 'nothing'}`);
  if (!got.blob.scan) throw new ImgsizeError('format', `blob ${layer.digest.slice(0, 19)}`, `is not a layer (${got.blob.scanError?.message ?? 'not a tar archive'})`);
  return 'scanned';
}

/** The repositories of a registry (`/v2/_catalog`, paged), at most `max`. */
export async function listRepositories(
  registry: ImageReference,
  env: Readonly<Record<string, string | undefined>>,
  opts: { insecure?: readonly string[] | undefined; max?: number } = {},
): Promise<string[]> {
  const client = new RegistryClient(registry, env, { insecure: opts.insecure });
  const out: string[] = [];
  let last = '';
  for (;;) {
    const r = await client.getRoot(`_catalog?n=1000${last ? `&last=${encodeURIComponent(last)}` : ''}`);
    const doc = parseAnswer(await client.read(r, 'the catalog'), registry.registry, 'the catalog');
    const page = isObject(doc) && Array.isArray(doc.repositories) ? (doc.repositories as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    out.push(...page);
    if (page.length < 1000 || out.length >= (opts.max ?? 100_000)) return out.slice(0, opts.max ?? 100_000);
    last = page[page.length - 1]!;
  }
}

/** The tags of a repository (`tags/list`), at most `max`. */
export async function listTags(repo: ImageReference, env: Readonly<Record<string, string | undefined>>, opts: { insecure?: readonly string[] | undefined; max?: number } = {}): Promise<string[]> {
  const client = new RegistryClient(repo, env, { insecure: opts.insecure });
  const r = await client.get(`tags/list?n=${opts.max ?? 10_000}`);
  const doc = parseAnswer(await client.read(r, 'the tags list'), repo.registry, 'the tags list');
  return isObject(doc) && Array.isArray(doc.tags) ? (doc.tags as unknown[]).filter((x): x is string => typeof x === 'string').slice(0, opts.max ?? 10_000) : [];
}

/** A manifest or index by tag or digest: its bytes checked against the digest that names it. */
function manifestFetcher(client: RegistryClient, counted: (bytes: number) => void): Fetch {
  return async (at) => {
    const r = await client.get(`manifests/${at}`, MANIFEST_TYPES.join(', '));
    const body = await client.read(r, `the manifest ${at}`);
    counted(body.length);
    const digest = sha256(body);
    const said = r.headers['docker-content-digest'];
    if (DIGEST.test(at) && at !== digest) throw new ImgsizeError('digest-mismatch', `manifest ${at}`, `the registry sent bytes that hash to ${digest}`);
    if (typeof said === 'string' && said !== digest) throw new ImgsizeError('digest-mismatch', `manifest ${at}`, `Docker-Content-Digest says ${said}, the bytes hash to ${digest}`);
    const type = String(r.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (/^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/.test(type))
      throw new ImgsizeError('format', `manifest ${at}`, 'is a schema 1 manifest, which imgsize does not read');
    return { body, digest, mediaType: type, doc: parseAnswer(body, client.ref.registry, `the manifest ${at}`) };
  };
}

type Fetch = (at: string) => Promise<{ body: Buffer; digest: string; mediaType: string; doc: unknown }>;

/** The reference's image manifest: an index resolved to the platform's manifest by the --platform rules. */
async function resolveManifest(
  ref: ImageReference,
  opts: { readonly platform?: string | undefined },
  manifest: Fetch,
): Promise<{ top: { body: Buffer; digest: string; mediaType: string }; doc: Json; platform: string | undefined; choices: Json[] }> {
  let top = await manifest(ref.ref);
  let doc = top.doc;
  let platform: string | undefined;
  let choices: Json[] = [];
  if (isObject(doc) && Array.isArray(doc.manifests)) {
    // an index: the platform's manifest, attestations and unknown/unknown left out
    choices = (doc.manifests as unknown[]).filter(isObject).filter((d) => {
      const ann = isObject(d.annotations) ? d.annotations : {};
      return typeof d.digest === 'string' && ann['vnd.docker.reference.type'] !== 'attestation-manifest' && platformOf(d.platform) !== 'unknown/unknown';
    });
    const want = opts.platform ?? DEFAULT_PLATFORM;
    let chosen = choices.find((d) => platformOf(d.platform) !== null && platformMatches(platformOf(d.platform)!, want));
    if (!chosen && opts.platform === undefined && choices.length === 1) chosen = choices[0];
    if (!chosen) {
      const all = choices.map((d) => platformOf(d.platform) ?? '?');
      throw new ImgsizeError('platform', `--platform ${want}`, `no ${want} image in ${ref.canonical}; it holds: ${listSome(all) || 'no images'}`, { hint: 'choose one with --platform' });
    }
    platform = platformOf(chosen.platform) ?? undefined;
    top = await manifest(String(chosen.digest));
    doc = top.doc;
  }
  if (!isObject(doc) || !isObject(doc.config) || !Array.isArray(doc.layers)) throw new ImgsizeError('format', ref.canonical, 'the registry sent something that is not an image manifest');
  return { top, doc, platform, choices };
}

function descriptor(ref: ImageReference, d: unknown, what: string): { digest: string; size: number; mediaType: string | null } {
  if (!isObject(d) || typeof d.digest !== 'string' || !DIGEST.test(d.digest) || typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new ImgsizeError('format', ref.canonical, `${what} has no sha256 digest and size imgsize can check`);
  }
  return { digest: d.digest, size: d.size, mediaType: typeof d.mediaType === 'string' ? d.mediaType : null };
}

/**
 * What the manifest and the config tell without a layer: compressed sizes per layer and in all,
 * the Dockerfile steps, the platform (2–3 small requests). Manifest and config checked against
 * their digests.
 */
export async function readManifestOnly(ref: ImageReference, opts: RegistryReadOptions): Promise<ManifestReport> {
  const client = new RegistryClient(ref, opts.env, { insecure: opts.insecure });
  const fetch = manifestFetcher(client, () => undefined);
  const { top, doc, platform, choices } = await resolveManifest(ref, opts, fetch);
  const cfgDesc = descriptor(ref, doc.config, 'the config descriptor');
  const r = await client.get(`blobs/${cfgDesc.digest}`);
  const cfgBody = await client.read(r, 'the image config');
  if (sha256(cfgBody) !== cfgDesc.digest) throw new ImgsizeError('digest-mismatch', 'image config', `digest mismatch: expected ${cfgDesc.digest}, the blob hashes to ${sha256(cfgBody)}`);
  const cfg = parseAnswer(cfgBody, ref.registry, 'the image config');
  const config: Json = isObject(cfg) ? cfg : {};
  const layers = (doc.layers as unknown[]).map((l, i) => descriptor(ref, l, `layer ${i + 1}`));
  const history = Array.isArray(config.history) ? (config.history as unknown[]).filter(isObject) : [];
  const steps = mapHistory(history, layers.length);
  const compressionOf = (mt: string | null): 'gzip' | 'zstd' | 'none' => (mt && /zstd/.test(mt) ? 'zstd' : mt && /gzip/.test(mt) ? 'gzip' : mt && /tar$/.test(mt) ? 'none' : 'gzip');
  const plat =
    platform ??
    (typeof config.os === 'string' && typeof config.architecture === 'string'
      ? `${config.os}/${config.architecture}${typeof config.variant === 'string' && config.variant ? `/${config.variant}` : ''}`
      : 'unknown');
  return {
    schemaVersion: SCHEMA_VERSION,
    scope: 'manifest',
    source: { path: ref.given, format: 'registry', outerCompression: 'none' },
    image: { platform: plat, repoTags: [ref.canonical], configDigest: cfgDesc.digest, manifestDigest: top.digest, created: typeof config.created === 'string' ? config.created : null },
    totals: { compressedBytes: layers.reduce((a, l) => a + l.size, 0), layers: layers.length },
    layers: layers.map((l, i) => ({
      number: i + 1,
      digest: l.digest,
      mediaType: l.mediaType,
      compression: compressionOf(l.mediaType),
      compressedBytes: l.size,
      createdBy: steps[i]?.createdBy ?? null,
      ...(steps[i] && steps[i]!.empty.length > 0 ? { emptyLayerHistory: steps[i]!.empty } : {}),
    })),
    ...(choices.length > 0 ? { platforms: await platformTotals(ref, choices, fetch) } : {}),
  };
}

/** Each image of an index: its manifest (one request each, checked against its digest) and the sum of its layers. */
async function platformTotals(ref: ImageReference, choices: readonly Json[], fetch: Fetch): Promise<{ platform: string; manifestDigest: string; compressedBytes: number; layers: number }[]> {
  const out = [];
  for (const d of choices.slice(0, 64)) {
    const m = await fetch(String(d.digest));
    const doc = m.doc;
    if (!isObject(doc) || !Array.isArray(doc.layers)) continue; // an artifact, not an image
    const layers = (doc.layers as unknown[]).map((l, i) => descriptor(ref, l, `layer ${i + 1}`));
    out.push({ platform: platformOf(d.platform) ?? 'unknown', manifestDigest: m.digest, compressedBytes: layers.reduce((a, l) => a + l.size, 0), layers: layers.length });
  }
  return out;
}
