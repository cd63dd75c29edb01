/**
 * What a change bought: compares two reports (from archives or saved with --json). Pure.
 * Layers are matched by diffId (a multiset: the same layer twice counts twice); packages by
 * ecosystem and normalised name, whatever folder they moved to (site-packages → a venv).
 */
import { diffTrees } from './tree-diff.js';
import type { Delta, DiffResult, DiffWarning, DirectoryChange, FindingChange, LayerChange, Metric, PackageChange, Report } from '../report/schema.js';

export const METRICS: readonly Metric[] = ['content', 'compressed', 'uncompressed', 'final'];
/**
 * What a budget measures unless it names its metric: compressed — what a registry lists, what a
 * pull moves and what `docker images` shows as the content size on the containerd image store
 * (Docker 29's default). The classic store's `docker images` SIZE is `content`.
 */
export const DEFAULT_METRIC: Metric = 'compressed';

export function metricBytes(r: Pick<Report, 'totals'>, m: Metric): number {
  switch (m) {
    case 'content':
      return r.totals.contentBytes;
    case 'compressed':
      // what a push uploads (a v1 report, upgraded, has the stored size: report/upgrade.ts)
      return r.totals.pushBytes;
    case 'uncompressed':
      return r.totals.uncompressedBytes;
    case 'final':
      return r.totals.finalBytes;
  }
}

export function delta(before: number, after: number): Delta {
  return { before, after, delta: after - before, percent: before === 0 ? null : ((after - before) / before) * 100 };
}

export type { Delta, DiffResult, DirectoryChange, FindingChange, LayerChange, Metric, PackageChange };

const fold = (n: string): string => n.toLowerCase().replace(/[-_.]+/g, '-');

export function diffReports(before: Report, after: Report): DiffResult {
  // layers: multiset match on diffId
  const pool = new Map<string, number[]>();
  before.layers.forEach((l, i) => {
    pool.set(l.diffId, [...(pool.get(l.diffId) ?? []), i]);
  });
  const layers: LayerChange[] = [];
  const usedBefore = new Set<number>();
  after.layers.forEach((l, i) => {
    const candidates = pool.get(l.diffId);
    // the same blob first; else the same content under another compression
    const at = candidates
      ? Math.max(
          0,
          candidates.findIndex((c) => before.layers[c]!.digest === l.digest),
        )
      : -1;
    const bi = candidates && candidates.length > 0 ? candidates.splice(at, 1)[0] : undefined;
    if (bi !== undefined) usedBefore.add(bi);
    layers.push({
      status: bi === undefined ? 'added' : before.layers[bi]!.digest === l.digest ? 'shared' : 'recompressed',
      diffId: l.diffId,
      digest: l.digest,
      contentBytes: l.contentBytes,
      compressedBytes: l.compressedBytes,
      createdBy: l.createdBy,
      beforeLayer: bi === undefined ? null : bi + 1,
      afterLayer: i + 1,
    });
  });
  before.layers.forEach((l, i) => {
    if (!usedBefore.has(i)) {
      layers.push({
        status: 'removed',
        diffId: l.diffId,
        digest: l.digest,
        contentBytes: l.contentBytes,
        compressedBytes: l.compressedBytes,
        createdBy: l.createdBy,
        beforeLayer: i + 1,
        afterLayer: null,
      });
    }
  });

  // packages: aggregate per ecosystem + folded name
  type Agg = { ecosystem: Report['packages'][number]['ecosystem']; name: string; versions: string[]; bytes: number };
  const agg = (r: Report): Map<string, Agg> => {
    const m = new Map<string, Agg>();
    for (const p of r.packages) {
      const k = `${p.ecosystem}|${fold(p.name)}`;
      const a = m.get(k) ?? { ecosystem: p.ecosystem, name: p.name, versions: [], bytes: 0 };
      if (p.version !== null && !a.versions.includes(p.version)) a.versions.push(p.version);
      a.bytes += p.bytes;
      m.set(k, a);
    }
    return m;
  };
  const pb = agg(before);
  const pa = agg(after);
  const packages: PackageChange[] = [];
  for (const k of new Set([...pb.keys(), ...pa.keys()])) {
    const b = pb.get(k);
    const a = pa.get(k);
    const vb = b ? b.versions.join(', ') || null : null;
    const va = a ? a.versions.join(', ') || null : null;
    const bytesBefore = b?.bytes ?? 0;
    const bytesAfter = a?.bytes ?? 0;
    if (b && a && vb === va && bytesBefore === bytesAfter) continue;
    packages.push({
      status: !b ? 'added' : !a ? 'removed' : 'changed',
      ecosystem: (a ?? b)!.ecosystem,
      name: (a ?? b)!.name,
      versionBefore: vb,
      versionAfter: va,
      bytesBefore,
      bytesAfter,
      delta: bytesAfter - bytesBefore,
    });
  }
  packages.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.name < y.name ? -1 : 1));

  // directories: the folders both reports list (every folder up to the report's depth)
  const db = new Map(before.directories.map((d) => [d.path, d.bytes]));
  const da = new Map(after.directories.map((d) => [d.path, d.bytes]));
  const directories: DirectoryChange[] = [];
  for (const p of new Set([...db.keys(), ...da.keys()])) {
    const b = db.get(p) ?? 0;
    const a = da.get(p) ?? 0;
    if (a !== b) directories.push({ path: p, bytesBefore: b, bytesAfter: a, delta: a - b });
  }
  directories.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.path < y.path ? -1 : 1));

  // findings by code
  const fb = new Map(before.findings.map((f) => [f.code, f]));
  const fa = new Map(after.findings.map((f) => [f.code, f]));
  const findings: FindingChange[] = [];
  for (const code of new Set([...fb.keys(), ...fa.keys()])) {
    const b = fb.get(code);
    const a = fa.get(code);
    if (b && a && b.bytes === a.bytes) continue;
    findings.push({ status: !b ? 'introduced' : !a ? 'resolved' : 'changed', code, title: (a ?? b)!.title, bytesBefore: b?.bytes ?? 0, bytesAfter: a?.bytes ?? 0 });
  }

  const warnings: DiffWarning[] = [];
  if (before.image.platform !== after.image.platform) {
    warnings.push({
      code: 'platform-mismatch',
      message: `the two sides are different platforms (${before.image.platform} → ${after.image.platform}): layers and packages are not comparable one to one`,
    });
  }
  const recompressed = layers.filter((l) => l.status === 'recompressed').length;
  if (recompressed > 0) {
    warnings.push({
      code: 'recompressed-layers',
      message: `${recompressed} layer(s) hold the same content as before but are stored as other blobs (another compression): a pull downloads them again`,
    });
  }
  return {
    before: { source: before.source.path, tags: before.image.repoTags, platform: before.image.platform },
    after: { source: after.source.path, tags: after.image.repoTags, platform: after.image.platform },
    warnings,
    compressedEstimated: { before: before.totals.pushEstimatedLayers.length > 0, after: after.totals.pushEstimatedLayers.length > 0 },
    totals: {
      content: delta(before.totals.contentBytes, after.totals.contentBytes),
      compressed: delta(metricBytes(before, 'compressed'), metricBytes(after, 'compressed')),
      uncompressed: delta(before.totals.uncompressedBytes, after.totals.uncompressedBytes),
      final: delta(before.totals.finalBytes, after.totals.finalBytes),
      wasted: delta(before.totals.wastedBytes, after.totals.wastedBytes),
    },
    layers,
    // what a pull of AFTER reuses: the shared layers' push sizes (a layer stored uncompressed is pushed gzipped)
    sharedCompressedBytes: layers.reduce((a, l) => a + (l.status === 'shared' && l.afterLayer !== null ? after.layers[l.afterLayer - 1]!.pushBytes : 0), 0),
    packages,
    directories,
    findings,
    ...(before.tree && after.tree ? { tree: diffTrees(before.tree, after.tree) } : {}),
  };
}
