/**
 * Builds the versioned report (report/schema.ts, the contract) from the image model.
 * Pure: no I/O, no formatting of numbers. Keys are built in the schema's order.
 */
import type { ImageModel, ModelLayer } from '../model.js';
import { displayPath, joinPath } from '../base/paths.js';
import { folderTotals, squash, walkNamed, type Squashed } from './squash.js';
import { attributePackages, detectPackages, finalMetaFiles, lookupThroughLinks } from './packages.js';
import { RPM_DATABASES, rpmDatabaseProblems } from '../detectors/rpm.js';
import { findings as findFindings, isCondaCuda, isNvidiaWheel, torchBuild, torchCudaLibraries, type Thresholds } from './findings/index.js';
import type { DetectedPackage, Detector } from '../detectors/types.js';
import { ListBudget, type ImageShape } from '../detectors/budget.js';
import type { Finding, Folder, PackageGroup, Report, ReportLayer, ReportPackage } from '../report/schema.js';
import { SCHEMA_VERSION } from '../report/version.js';
import { buildTree } from './tree.js';
import { TREE_NODES } from '../report/limits.js';

export { SCHEMA_VERSION };
export type { Report, ReportLayer, ReportPackage, PackageGroup, Finding };

/** Rows the report keeps in its "largest" lists unless asked for another number (text shows 10). */
export const REPORT_TOP = 100;

export interface ReportOptions {
  /** How many rows of largest files, wasted paths and unowned folders to keep (default REPORT_TOP). */
  readonly top?: number;
  /** Folder depth for the directory table. */
  readonly depth?: number;
  /** Package detectors to run over the captured metadata (none: no packages). */
  readonly detectors?: readonly Detector[];
  /** Finding thresholds (defaults in findings.ts). */
  readonly thresholds?: Partial<Thresholds>;
  /** squash() of the model's layers, when the caller has it already (it is not made twice). */
  readonly squashed?: Squashed;
  /** Nodes in the report's tree for the treemap (default TREE_NODES; 0: no tree). */
  readonly treeNodes?: number;
}

export function buildReport(model: ImageModel, opts: ReportOptions = {}): Report {
  const top = opts.top ?? REPORT_TOP;
  const depth = opts.depth ?? 3;
  const treeNodes = opts.treeNodes ?? TREE_NODES;
  const fs = opts.squashed ?? squash(model.layers.map((l) => l.scan));
  const layers: ReportLayer[] = model.layers.map((l) => ({
    number: l.index + 1,
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
  const meta = finalMetaFiles(
    model.layers.map((l) => l.scan),
    fs.root,
  );
  const detected = detectPackages(opts.detectors ?? [], meta, new ListBudget(shapeOf(model)));
  const own = attributePackages(detected, fs.root, { depth, top });
  const databaseWarnings = [
    ...rpmDatabaseProblems(
      RPM_DATABASES.filter((p) => lookupThroughLinks(fs.root, p)?.kind === 'file'),
      detected.filter((d) => d.ecosystem === 'rpm').length,
    ),
    ...limitedPackages(detected),
  ].map((message) => ({ code: 'package-database-not-read' as const, message }));
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
      pushEstimatedLayers: layers.filter((l) => l.pushSize?.estimated).map((l) => l.number),
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
    wasted: wasted.slice(0, top).map((w) => ({ path: `/${displayPath(w.path)}`, bytes: w.bytes, layer: w.layer + 1, by: w.by + 1 })),
    findings: found,
    warnings: [...model.warnings, ...databaseWarnings],
    limits: { top, depth },
    ...(treeNodes > 0 ? { tree: buildTree(fs.root, { nodes: treeNodes, ownerOf: own.ownerOf }) } : {}),
  };
}

/** What pushing a layer uploads (its report figure, pushOf), and whether it is an estimate. */
export function pushBytesOf(l: ModelLayer): { bytes: number; estimated: boolean } {
  const p = pushOf(l);
  return { bytes: p.pushBytes, estimated: p.pushSize?.estimated ?? false };
}

/** A layer's push figure: the blob when it is compressed, else the gzip size the scan found. */
function pushOf(l: ModelLayer): Pick<ReportLayer, 'pushBytes' | 'pushSize'> {
  const p = l.scan.pushSize;
  if (l.compression !== 'none' || !p) return { pushBytes: l.compressedBytes };
  return { pushBytes: p.bytes, pushSize: { method: p.method, by: p.by, sampledBytes: p.sampledBytes, estimated: p.method !== 'exact' } };
}

/** What the image's layers hold, which bounds what its package metadata may expand to. */
function shapeOf(model: ImageModel): ImageShape {
  let entries = 0;
  let pathBytes = 0;
  let longest = 0;
  for (const l of model.layers) {
    for (const f of l.scan.files) {
      entries++;
      pathBytes += f.path.length;
      if (f.path.length > longest) longest = f.path.length;
    }
  }
  return { entries, pathBytes, longest };
}

/** The warnings of packages whose metadata was not read whole: at most 10 named, then a count. */
function limitedPackages(detected: readonly DetectedPackage[]): string[] {
  const limited = detected.filter((d) => d.limited);
  const named = limited.slice(0, 10).map((d) => `${d.ecosystem} package ${d.name}: ${d.attribution ?? 'its metadata was not read whole'}`);
  return limited.length > 10 ? [...named, `… and ${limited.length - 10} more packages whose metadata was not read whole`] : named;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `top` largest files, kept in a small sorted list while walking (not all files at once). */
function largestFiles(fs: Squashed, top: number): Report['largestFiles'] {
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
  return rows.map((r) => ({ path: `/${displayPath(r.path)}`, bytes: r.bytes, layer: r.layer + 1 }));
}

/** Every folder at depth ≤ `depth`, largest first, each with the bytes and files below it. */
function largestDirectories(fs: Squashed, depth: number): Folder[] {
  return [...folderTotals(fs.root, depth).entries()].map(([path, v]) => ({ path: `/${displayPath(path)}`, bytes: v.bytes, files: v.files })).sort((a, b) => b.bytes - a.bytes || cmp(a.path, b.path));
}

function groups(packages: readonly ReportPackage[]): PackageGroup[] {
  const group = (name: string, members: readonly ReportPackage[]): PackageGroup[] =>
    members.length === 0
      ? []
      : [
          {
            name,
            count: members.length,
            bytes: members.reduce((a, p) => a + p.bytes, 0),
            files: members.reduce((a, p) => a + p.files, 0),
            packages: members.map((p) => p.name),
          },
        ];
  return [...group('CUDA libraries (nvidia-*)', packages.filter(isNvidiaWheel)), ...group('CUDA libraries (conda)', packages.filter(isCondaCuda))];
}
