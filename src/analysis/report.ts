/**
 * Builds the versioned JSON report (schemaVersion 1, DESIGN §3) from the image model.
 * Pure: no I/O, no formatting of numbers.
 */
import type { Warning } from '../errors.js';
import type { ArchiveFormat, ImageModel, ModelLayer } from '../model.js';
import type { LayerScan } from '../layer/scan.js';
import type { Compression } from '../layer/decompress.js';
import { displayPath, joinPath } from '../layer/paths.js';
import { folderTotals, squash, walkNamed, type Squashed } from './squash.js';
import { attributePackages, detectPackages, finalMetaFiles, type PackageUsage } from './packages.js';
import { findings as findFindings, isNvidiaWheel, torchBuild, torchCudaLibraries, type Finding, type Thresholds, type TorchBuild } from './findings.js';
import type { Detector } from '../detectors/types.js';
import type { Ownership } from './packages.js';
import type { PushSize } from '../layer/push-size.js';

export const SCHEMA_VERSION = 1;

/** A layer of the report: the model's layer (metrics defined in model.ts) with its scan's counts. */
export interface ReportLayer extends Omit<ModelLayer, 'scan'>, Pick<LayerScan, 'contentBytes' | 'entries' | 'whiteouts'> {
  /**
   * What pushing the layer uploads: compressedBytes when the blob is stored compressed, else the
   * size of the layer tar gzipped at the default level (how `pushSize` says it was found).
   */
  readonly pushBytes: number;
  /** For a layer stored uncompressed: how pushBytes was found (an estimate unless method is exact). */
  readonly pushSize?: { readonly method: PushSize['method']; readonly by: PushSize['by']; readonly sampledBytes: number; readonly estimated: boolean };
  /** contentBytes of this layer that later layers delete or overwrite. */
  readonly wastedBytes: number;
}

export type ReportPackage = PackageUsage;
export type { Finding };

/** Packages summed as one line (e.g. the nvidia-* CUDA wheels). */
export interface PackageGroup {
  readonly name: string;
  readonly count: number;
  readonly bytes: number;
  readonly files: number;
  readonly packages: readonly string[];
}

export interface Report {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly source: { readonly path: string; readonly format: ArchiveFormat; readonly outerCompression: Compression };
  readonly image: {
    readonly platform: string;
    readonly repoTags: readonly string[];
    readonly configDigest: string;
    readonly manifestDigest: string | null;
    readonly created: string | null;
  };
  readonly totals: {
    /** The layer blobs as stored in the archive. */
    readonly compressedBytes: number;
    /** What a push uploads (and a pull downloads): Σ layers' pushBytes; see pushEstimatedLayers. */
    readonly pushBytes?: number;
    /** Indexes of the layers whose pushBytes is an estimate (stored uncompressed, gzip size sampled). */
    readonly pushEstimatedLayers?: readonly number[];
    readonly uncompressedBytes: number;
    readonly contentBytes: number;
    readonly finalBytes: number;
    readonly wastedBytes: number;
    /** Regular files in the final filesystem. */
    readonly files: number;
  };
  readonly layers: readonly ReportLayer[];
  readonly packages: readonly ReportPackage[];
  readonly packageGroups: readonly PackageGroup[];
  /** Final bytes no package's metadata lists, with the largest folders holding them. */
  readonly unowned: Ownership['unowned'];
  /** Final files listed by more than one package (then Σ package bytes + unowned > finalBytes). */
  readonly packageOverlapFiles: number;
  /** torch's build variant, when torch is installed. */
  readonly torch?: TorchBuild;
  readonly directories: readonly { readonly path: string; readonly bytes: number; readonly files: number }[];
  readonly largestFiles: readonly { readonly path: string; readonly bytes: number; readonly layer: number }[];
  readonly wasted: readonly { readonly path: string; readonly bytes: number; readonly layer: number; readonly by: number }[];
  readonly findings: readonly Finding[];
  readonly warnings: readonly Warning[];
}

export interface ReportOptions {
  /** How many rows of largest files / directories / wasted paths to keep. */
  readonly top?: number;
  /** Folder depth for the directory table. */
  readonly depth?: number;
  /** Package detectors to run over the captured metadata (none: no packages). */
  readonly detectors?: readonly Detector[];
  /** Finding thresholds (defaults in findings.ts). */
  readonly thresholds?: Partial<Thresholds>;
}

export function buildReport(model: ImageModel, opts: ReportOptions = {}): Report {
  const top = opts.top ?? 10;
  const depth = opts.depth ?? 3;
  const fs = squash(model.layers.map((l) => l.scan));
  const layers: ReportLayer[] = model.layers.map((l) => ({
    index: l.index,
    digest: l.digest,
    diffId: l.diffId,
    mediaType: l.mediaType,
    compression: l.compression,
    compressedBytes: l.compressedBytes,
    ...pushOf(l),
    uncompressedBytes: l.uncompressedBytes,
    contentBytes: l.scan.contentBytes,
    entries: l.scan.entries,
    whiteouts: l.scan.whiteouts,
    wastedBytes: fs.wastedBytesByLayer[l.index] ?? 0,
    createdBy: l.createdBy,
    ...(l.emptyLayerHistory ? { emptyLayerHistory: l.emptyLayerHistory } : {}),
  }));
  const sum = (f: (l: ReportLayer) => number): number => layers.reduce((a, l) => a + f(l), 0);
  const contentBytes = sum((l) => l.contentBytes);
  const meta = finalMetaFiles(model.layers.map((l) => l.scan), fs.root);
  const own = attributePackages(detectPackages(opts.detectors ?? [], meta), fs.root, { depth, top });
  const cudaLibs = torchCudaLibraries(fs.root);
  const torch = torchBuild(own.packages, cudaLibs);
  const wasted = [...fs.wastedPaths].sort((a, b) => b.bytes - a.bytes || cmp(a.path, b.path));
  const found = findFindings({
    root: fs.root,
    layers: model.layers.map((l) => l.scan),
    packages: own.packages,
    contentBytes,
    wastedBytes: contentBytes - fs.finalBytes,
    wasted,
    torchCudaLibraries: cudaLibs,
    ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    source: model.source,
    image: model.image,
    totals: {
      compressedBytes: sum((l) => l.compressedBytes),
      pushBytes: sum((l) => l.pushBytes),
      pushEstimatedLayers: layers.filter((l) => l.pushSize?.estimated).map((l) => l.index),
      uncompressedBytes: sum((l) => l.uncompressedBytes),
      contentBytes,
      finalBytes: fs.finalBytes,
      wastedBytes: contentBytes - fs.finalBytes,
      files: fs.finalFiles,
    },
    layers,
    packages: own.packages,
    packageGroups: groups(own.packages),
    unowned: own.unowned,
    packageOverlapFiles: own.claimedTwice,
    ...(torch ? { torch } : {}),
    directories: largestDirectories(fs, depth),
    largestFiles: largestFiles(fs, top),
    wasted: wasted.slice(0, top).map((w) => ({ ...w, path: displayPath(w.path) })),
    findings: found,
    warnings: model.warnings,
  };
}

/** A layer's push figure: the blob when it is compressed, else the gzip size the scan found. */
function pushOf(l: ModelLayer): Pick<ReportLayer, 'pushBytes' | 'pushSize'> {
  const p = l.scan.pushSize;
  if (l.compression !== 'none' || !p) return { pushBytes: l.compressedBytes };
  return { pushBytes: p.bytes, pushSize: { method: p.method, by: p.by, sampledBytes: p.sampledBytes, estimated: p.method !== 'exact' } };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `top` largest files, kept in a small sorted list while walking (not all files at once). */
function largestFiles(fs: Squashed, top: number): { path: string; bytes: number; layer: number }[] {
  const rows: { path: string; bytes: number; layer: number }[] = [];
  const order = (a: { path: string; bytes: number }, b: { path: string; bytes: number }): number => b.bytes - a.bytes || cmp(a.path, b.path);
  walkNamed(fs.root, '', (e, dir, name) => {
    if (e.kind !== 'file' || e.size <= 0 || top === 0) return;
    const last = rows.length === top ? rows[top - 1]! : undefined;
    if (last && e.size < last.bytes) return;
    const path = joinPath(dir, name);
    if (last && order({ path, bytes: e.size }, last) >= 0) return;
    const row = { path, bytes: e.size, layer: e.layer };
    let i = rows.length;
    while (i > 0 && order(row, rows[i - 1]!) < 0) i--;
    rows.splice(i, 0, row);
    if (rows.length > top) rows.pop();
  });
  return rows.map((r) => ({ ...r, path: displayPath(r.path) }));
}

/** Every folder at depth ≤ `depth`, largest first, each with the bytes and files below it. */
function largestDirectories(fs: Squashed, depth: number): { path: string; bytes: number; files: number }[] {
  return [...folderTotals(fs.root, depth).entries()]
    .map(([path, v]) => ({ path: displayPath(path), ...v }))
    .sort((a, b) => b.bytes - a.bytes || cmp(a.path, b.path));
}

function groups(packages: readonly PackageUsage[]): PackageGroup[] {
  const nvidia = packages.filter(isNvidiaWheel);
  if (nvidia.length === 0) return [];
  return [
    {
      name: 'CUDA libraries (nvidia-*)',
      count: nvidia.length,
      bytes: nvidia.reduce((a, p) => a + p.bytes, 0),
      files: nvidia.reduce((a, p) => a + p.files, 0),
      packages: nvidia.map((p) => p.name),
    },
  ];
}
