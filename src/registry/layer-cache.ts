/**
 * The layer cache in the team's own OCI registry (`--cache registry.example/team/imgsize-cache`):
 * every CI runner and fleet worker shares one store the team already runs and secures. Each entry
 * (cache/entry.ts) is an OCI artifact — an image manifest whose artifactType says what it is, the
 * empty config, the entry as its one layer — tagged with the entry's key (imgsize's version, the
 * options that change a scan and the layer's digest, hashed), so a lookup is one manifest request.
 *
 * The local folder cache stays the first level: entries of the layers about to be read are fetched
 * into it first (`prefetch`: the registry source and the fleet know their layers' digests before
 * reading), a run reads and writes it as always, and what the run added is pushed at the end
 * (`flush`). An entry from the registry is checked like any other (its own sha256, the key and
 * layer it was written for, every field) before it is kept; its blob is checked against the
 * manifest's digest.
 */
import { createHash } from 'node:crypto';
import { ImgsizeError } from '../base/errors.js';
import { parseBoundedJson } from '../base/json.js';
import { eachAtOnce } from '../base/pool.js';
import type { FolderCache, LayerCache } from '../cache/store.js';
import type { LayerScan } from '../layer/types.js';
import { RegistryClient } from './client.js';
import type { ImageReference } from './reference.js';

export const ARTIFACT_TYPE = 'application/vnd.imgsize.layer-scan.v1';
const ENTRY_TYPE = 'application/vnd.imgsize.layer-scan.v1+json';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** The OCI empty descriptor's content: `{}`. */
const EMPTY = Buffer.from('{}');
const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
/** Entries fetched at once. */
const CONCURRENCY = 4;

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export class RegistryLayerCache implements LayerCache {
  private readonly client: RegistryClient;
  /** Blobs whose entries this run wrote locally: pushed by flush(). */
  private readonly added = new Set<string>();
  /** Entries fetched from the registry, and pushed to it. */
  fetched = 0;
  pushed = 0;

  constructor(
    readonly ref: ImageReference,
    private readonly local: FolderCache,
    env: Readonly<Record<string, string | undefined>>,
    opts: { insecure?: readonly string[] | undefined } = {},
  ) {
    this.client = new RegistryClient(ref, env, { insecure: opts.insecure });
  }

  get hits(): number {
    return this.local.hits;
  }

  get root(): string {
    return this.ref.canonical;
  }

  has(blob: string): boolean {
    return this.local.has(blob);
  }

  get(blob: string): LayerScan | undefined {
    return this.local.get(blob);
  }

  put(blob: string, scan: LayerScan): void {
    this.local.put(blob, scan);
    this.added.add(blob);
  }

  evict(): void {
    this.local.evict();
  }

  /** The entries of these blobs the registry has and the local folder has not, fetched into it. */
  async prefetch(blobs: readonly string[]): Promise<void> {
    const todo = [...new Set(blobs)].filter((b) => !this.local.has(b));
    await eachAtOnce(todo, CONCURRENCY, async (blob) => {
      const text = await this.fetch(blob);
      if (text && this.local.writeRaw(blob, text)) this.fetched++;
    });
  }

  private async fetch(blob: string): Promise<Buffer | undefined> {
    const tag = this.local.keyOf(blob);
    const m = await this.client.call('GET', `manifests/${tag}`, { accept: MANIFEST_TYPE });
    const body = await this.client.read(m, 'a layer cache manifest');
    if (m.status === 404) return undefined;
    if (m.status >= 400) throw new ImgsizeError('input', this.ref.canonical, `the layer cache answered ${m.status} for an entry`);
    const doc = parseBoundedJson(body.toString('utf8'), this.ref.canonical, () => 'a layer cache manifest is not JSON') as {
      artifactType?: unknown;
      layers?: { digest?: unknown; size?: unknown; mediaType?: unknown }[];
    };
    const layer = Array.isArray(doc?.layers) ? doc.layers[0] : undefined;
    if (doc?.artifactType !== ARTIFACT_TYPE || !layer || layer.mediaType !== ENTRY_TYPE || typeof layer.digest !== 'string' || typeof layer.size !== 'number') return undefined;
    const r = await this.client.get(`blobs/${layer.digest}`);
    const text = await this.client.read(r, 'a layer cache entry', 256 << 20);
    return sha256(text) === layer.digest ? text : undefined;
  }

  /** What this run added, pushed to the registry (an entry already there is not pushed again). */
  async flush(): Promise<void> {
    for (const blob of this.added) {
      const text = this.local.readRaw(blob);
      if (!text) continue;
      const tag = this.local.keyOf(blob);
      const head = await this.client.call('HEAD', `manifests/${tag}`, { accept: MANIFEST_TYPE });
      await head.body.dump().catch(() => undefined);
      if (head.status === 200) continue;
      await this.upload(EMPTY);
      const digest = await this.upload(text);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MANIFEST_TYPE,
          artifactType: ARTIFACT_TYPE,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_DIGEST, size: EMPTY.length },
          layers: [{ mediaType: ENTRY_TYPE, digest, size: text.length }],
          annotations: { 'org.opencontainers.image.title': `imgsize layer scan of ${blob}` },
        }),
      );
      const put = await this.client.call('PUT', `manifests/${tag}`, { body: manifest, headers: { 'content-type': MANIFEST_TYPE } });
      await put.body.dump().catch(() => undefined);
      if (put.status >= 300) throw new ImgsizeError('input', this.ref.canonical, `the layer cache refused an entry (${put.status} for its manifest)`);
      this.pushed++;
    }
    this.added.clear();
  }

  /** A blob uploaded (monolithic: POST, then PUT with the digest), unless the registry has it. */
  private async upload(data: Buffer): Promise<string> {
    const digest = sha256(data);
    const head = await this.client.call('HEAD', `blobs/${digest}`);
    await head.body.dump().catch(() => undefined);
    if (head.status === 200) return digest;
    const start = await this.client.call('POST', 'blobs/uploads/', { headers: { 'content-length': '0' } });
    await start.body.dump().catch(() => undefined);
    const location = start.headers.location;
    if (start.status !== 202 || typeof location !== 'string') throw new ImgsizeError('input', this.ref.canonical, `the layer cache did not start an upload (${start.status})`);
    const url = new URL(location, this.client.baseUrl);
    url.searchParams.set('digest', digest);
    const put = await this.client.call('PUT', url, { body: data, headers: { 'content-type': 'application/octet-stream' } });
    await put.body.dump().catch(() => undefined);
    if (put.status !== 201) throw new ImgsizeError('input', this.ref.canonical, `the layer cache refused a blob (${put.status})`);
    return digest;
  }
}
