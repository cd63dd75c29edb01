/** Where a command's images come from (through the front door, source/resolve.ts) and how one is read into a report. */
import { parseReference, type ImageReference } from '../registry/reference.js';
import path from 'node:path';
import { ImgsizeError, oneImageExpected } from '../base/errors.js';
import type { ImageSource } from '../source/read.js';
import { resolveSource, type Resolved } from '../source/resolve.js';
import type { BlobRecord } from '../archive/contents.js';
import { inspectSource } from '../inspect.js';
import { defaultCacheDir, FolderCache } from '../cache/store.js';
import type { RegistryLayerCache } from '../registry/layer-cache.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ArchiveOverview, DiffDocument, ManifestReport, Report } from '../report/schema.js';
import type { Metric } from '../analysis/diff.js';
import type { Rules, Verdict } from '../gate/budget.js';
import { gate, type ImageFiles } from '../gate/gate.js';
import { parseGrowth } from '../base/size.js';
import { mergeRules, type FlagRules } from '../gate/rules.js';
import { findConfig, loadConfig } from '../gate/config-file.js';
import { parsePlatform } from '../base/platform.js';
import { messages } from './messages.js';
import { progressLine } from './progress.js';
import { type Io, inCwd } from './io.js';
import { type CommonOptions, type GateOptions, decoderChoice, size, treeNodes, wantsHtml, wholeNumber } from './options.js';

export type SavedReading = typeof import('../report/read.js');
/** Saved reports are checked with zod, loaded only when one is read (most runs read none). */
export const savedReports = (): Promise<SavedReading> => import('../report/read.js');

export interface Side {
  readonly report: Report;
  /** The image's files, when it was read (not a saved report): for path rules. */
  readonly files?: ImageFiles;
  /** The verdict a saved `check --json` report carries. */
  readonly verdict?: Verdict;
}

/** How a command picks its image: refuse several (check, diff), give their overview (inspect), and which --image is its. */
export interface Pick {
  readonly requireOne?: string;
  readonly overview?: boolean;
  /** inspect: a saved diff is shown again (elsewhere it is refused: a side is an image). */
  readonly savedDiff?: boolean;
  /** diff: 0 for BEFORE, 1 for AFTER (the second --image, when two are given). */
  readonly side?: 0 | 1;
}

/** The image a side's --image names: the only one, or the side's of two. */
export function imageFor(o: CommonOptions, pick: Pick): string | undefined {
  const given = o.image ?? [];
  if (given.length > 1 && pick.side === undefined) throw new ImgsizeError('usage', '--image', 'given more than once: only diff takes one per side');
  return given.length === 2 ? given[pick.side ?? 0] : given[0];
}

export function one(side: Side | Overview | SavedDiff): Side {
  if ('overview' in side || 'savedDiff' in side) throw oneImageExpected('archive');
  return side;
}

export interface Overview {
  readonly overview: ArchiveOverview;
  /** Each image's report, when its page is asked for. */
  readonly reports?: readonly Report[] | undefined;
}

export interface SavedDiff {
  readonly savedDiff: DiffDocument;
}

/** How the progress line names a source. */
export function sourceLabel(src: ImageSource): string {
  return 'daemon' in src ? src.daemon.name : 'reference' in src ? src.reference.given : 'label' in src && src.label !== undefined ? src.label : 'path' in src ? src.path : '-';
}

/** Where the run's argument is, by the front door (source/resolve.ts). */
export function resolveIn(io: Io, arg: string | undefined, o: CommonOptions): Resolved {
  return resolveSource(arg, { cwd: io.cwd, stdin: io.stdin, stdinFile: io.stdinFile, source: o.source });
}

/** An image from wherever the argument names it, or a saved --json report (sniffed: a report starts with '{'). */
export async function loadSide(io: Run, arg: string | undefined, o: CommonOptions, pick: Pick = {}): Promise<Side | Overview | SavedDiff> {
  const src = resolveIn(io, arg, o);
  if ('saved' in src) {
    const read = await savedReports();
    const doc = pick.savedDiff ? read.readSavedDocument(src.saved, src.label) : { report: read.readSavedReport(src.saved, src.label) };
    if ('diff' in doc) return { savedDiff: doc.diff };
    const { verdict, ...report } = doc.report;
    return verdict ? { report, verdict } : { report };
  }
  return analyse(io, src, o, pick);
}

/** What the manifest and config of a registry image say, without a layer (--manifest-only). */
export async function manifestOnly(io: Io, image: string | undefined, o: CommonOptions): Promise<ManifestReport> {
  const ref = image === undefined ? undefined : registryOf(resolveIn(io, image, o));
  if (!ref) throw new ImgsizeError('usage', '--manifest-only', 'reads an image in a registry (a reference like ghcr.io/org/app:1.2); an archive is read whole anyway');
  const { readManifestOnly } = await import('../registry/source.js');
  return readManifestOnly(ref, { env: io.env, platform: o.platform, insecure: o.insecureRegistry });
}

/** The registry image a source names: a reference, or the registry a daemon name falls back to. */
export function registryOf(src: Resolved): ImageReference | undefined {
  return 'reference' in src ? src.reference : 'daemon' in src ? src.daemon.fallback : undefined;
}

/** One run (one main(io)): its streams and what its reads share. */
export interface Run extends Io {
  /** Registry blobs read during the run: both sides of a diff share them. */
  readonly registryBlobs: Map<string, BlobRecord>;
  /** Registry tokens got during the run: both sides of a diff in one repository share one. */
  readonly registryTokens: Map<string, string>;
  /** The layer caches the run opened, by store and what changes a scan. */
  readonly layerCaches: Map<string, RunCache>;
}

/** A layer cache of the run: a folder, or the team's registry in front of a folder. */
export type RunCache = FolderCache | RegistryLayerCache;

/** `--cache` names a registry repository (host.name/… or host:port/…), not a folder that exists. */
function namesRegistry(io: Run, v: string): boolean {
  if (existsSync(inCwd(io, v))) return false;
  return /^(localhost(:\d+)?|[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?|[a-z0-9-]+:\d+|\[[0-9a-f:]+\](:\d+)?)\/[a-z0-9]/i.test(v);
}

/**
 * The run's layer cache: --cache DIR or REGISTRY/REPO, --no-cache, IMGSIZE_CACHE (a folder, or
 * off), else the platform's cache folder. A registry store keeps a folder in front of it (the
 * folder IMGSIZE_CACHE or the platform names, else a temporary one).
 */
export async function layerCacheOf(io: Run, o: { readonly cache?: string | false | undefined }, pushSize: string): Promise<RunCache | undefined> {
  const fromEnv = io.env.IMGSIZE_CACHE;
  if (o.cache === false || (o.cache === undefined && (fromEnv === 'off' || fromEnv === '0'))) return undefined;
  const remote = typeof o.cache === 'string' && namesRegistry(io, o.cache) ? o.cache : undefined;
  const envDir = fromEnv && fromEnv !== 'off' && fromEnv !== '0' ? inCwd(io, fromEnv) : undefined;
  const dir = typeof o.cache === 'string' && !remote ? inCwd(io, o.cache) : (envDir ?? defaultCacheDir(io.env) ?? (remote ? mkdtempSync(path.join(tmpdir(), 'imgsize-cache-')) : undefined));
  if (!dir) return undefined;
  const id = `${remote ?? ''}\n${dir}\n${pushSize}`;
  let c = io.layerCaches.get(id);
  if (!c) {
    const local = new FolderCache(dir, { pushSize });
    c = remote ? new (await import('../registry/layer-cache.js')).RegistryLayerCache(parseReference(remote), local, io.env) : local;
    io.layerCaches.set(id, c);
  }
  return c;
}

export async function analyse(io: Run, src: ImageSource, o: CommonOptions, pick: Pick = {}): Promise<Side | Overview> {
  const chosenImage = imageFor(o, pick);
  const { registryBlobs, registryTokens } = io;
  const top = o.top === undefined ? undefined : wholeNumber(o.top, '--top');
  const depth = wholeNumber(o.depth, '--depth');
  if (o.platform !== undefined) parsePlatform(o.platform);
  const progress = o.progress && !o.quiet && io.stderr.isTTY === true ? progressLine(io.stderr, sourceLabel(src), 'path' in src ? src.path : undefined) : undefined;
  const pushSize = o.exactPushSize ? 'exact' : io.env.IMGSIZE_PUSH_SIZE === 'off' ? 'off' : 'sampled';
  const cache = await layerCacheOf(io, o, pushSize);
  const hitsBefore = cache?.hits ?? 0;
  const got = await inspectSource(src, {
    verify: o.verify,
    ...(top !== undefined ? { top } : {}),
    depth,
    treeNodes: treeNodes(o),
    scan: { maxRatio: wholeNumber(o.maxRatio, '--max-ratio'), pushSize, decoder: decoderChoice(io) },
    ...(cache ? { cache } : {}),
    env: io.env,
    registryBlobs,
    registryTokens,
    ...(o.insecureRegistry?.length ? { insecureRegistries: o.insecureRegistry } : {}),
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
    ...(chosenImage !== undefined ? { image: chosenImage } : {}),
    ...(pick.requireOne ? { requireOne: pick.requireOne } : {}),
    ...(pick.overview ? { overview: true, ...(wantsHtml(o) ? { overviewReports: true } : {}) } : {}),
    ...(progress ? { onProgress: progress.onProgress, onPhase: progress.onPhase } : {}),
  }).finally(() => {
    progress?.end();
    cache?.evict();
  });
  if (cache && 'flush' in cache) await cache.flush();
  const notices = 'overview' in got ? got.notices : got.model.notices;
  if (!o.quiet) for (const n of notices) messages(io.stderr).say(`imgsize: ${n}`);
  const hits = (cache?.hits ?? 0) - hitsBefore;
  if (cache && hits > 0 && !o.quiet) messages(io.stderr).say(`imgsize: ${hits} layer${hits === 1 ? '' : 's'} from the layer cache (${cache.root})`);
  if ('overview' in got) return { overview: got.overview, reports: got.reports };
  return { report: got.report, files: got.files };
}

/** Rules from the config file (given, or found from the working directory up) merged with the flags (config/rules.ts). */
export async function gateRules(io: Io, o: GateOptions, before?: { report: Report; label: string }): Promise<Rules> {
  const file = o.config ?? findConfig(io.cwd);
  const config = file ? { rules: await loadConfig(file), label: path.relative(io.cwd, file) || file } : undefined;
  const maxGrowth = o.maxGrowth !== undefined ? parseGrowth(o.maxGrowth) : undefined;
  if (o.maxGrowth !== undefined && maxGrowth === undefined) throw new ImgsizeError('usage', '--max-growth', `"${o.maxGrowth}" is not a growth limit; e.g. "5%" or "10MB"`);
  const flags: FlagRules = {
    ...(o.budget !== undefined ? { budget: size(o.budget, '--budget') } : {}),
    ...(o.metric !== undefined ? { metric: o.metric as Metric } : {}),
    ...(o.maxLayers !== undefined ? { maxLayers: wholeNumber(o.maxLayers, '--max-layers') } : {}),
    ...(maxGrowth ? { maxGrowth } : {}),
    ...(o.baseline !== undefined ? { baseline: o.baseline } : {}),
  };
  const saved = flags.baseline !== undefined || config?.rules.growth?.baseline !== undefined ? (await savedReports()).readSavedReport : undefined;
  return mergeRules(config, flags, (p) => ({ report: saved!(inCwd(io, p), p), label: p }), before);
}

export function runGate(side: Side, rules: Rules): Verdict {
  return gate(side.report, rules, side.files);
}
