/**
 * The fleet as a whole, from each image's report (built from the layer cache) and the plan: what
 * the images would take stored apart and what the registry stores, the layers shared most and what
 * sharing them saves, packages and findings across images. A pure function.
 */
import type { FleetPlan, FleetReport, Report } from '../report/schema.js';
import { SCHEMA_VERSION } from '../report/version.js';

const SHARED_LAYERS = 20;
const PACKAGES = 50;

export function fleetReport(plan: FleetPlan, reports: readonly Report[], gates: FleetReport['gates'] = []): FleetReport {
  const holders = new Map<string, number>();
  for (const img of plan.images) for (const d of new Set(img.layers)) holders.set(d, (holders.get(d) ?? 0) + 1);
  const bytesOf = new Map(plan.layers.map((l) => [l.digest, l.bytes]));
  const stepOf = new Map<string, string | null>();
  for (const r of reports) for (const l of r.layers) if (!stepOf.has(l.digest)) stepOf.set(l.digest, l.createdBy);
  const shared = [...holders]
    .filter(([, n]) => n > 1)
    .map(([digest, n]) => ({ digest, compressedBytes: bytesOf.get(digest) ?? 0, images: n, savedBytes: (n - 1) * (bytesOf.get(digest) ?? 0), createdBy: stepOf.get(digest) ?? null }))
    .sort((a, b) => b.savedBytes - a.savedBytes || (a.digest < b.digest ? -1 : 1))
    .slice(0, SHARED_LAYERS);

  const packages = new Map<string, { ecosystem: Report['packages'][number]['ecosystem']; name: string; images: number; logicalBytes: number; versions: Set<string> }>();
  const findings = new Map<Report['findings'][number]['code'], { images: number; bytes: number }>();
  for (const r of reports) {
    const inImage = new Set<string>();
    for (const p of r.packages) {
      const key = `${p.ecosystem}\u0000${p.name}`;
      const e = packages.get(key) ?? { ecosystem: p.ecosystem, name: p.name, images: 0, logicalBytes: 0, versions: new Set<string>() };
      if (!inImage.has(key)) e.images++;
      inImage.add(key);
      e.logicalBytes += p.bytes;
      if (p.version !== null && e.versions.size < 10) e.versions.add(p.version);
      packages.set(key, e);
    }
    for (const f of r.findings) {
      const e = findings.get(f.code) ?? { images: 0, bytes: 0 };
      e.images++;
      e.bytes += f.bytes;
      findings.set(f.code, e);
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    scope: 'fleet',
    totals: {
      images: plan.images.length,
      layers: plan.layers.length,
      logicalBytes: plan.images.reduce((a, i) => a + i.compressedBytes, 0),
      storedBytes: plan.layers.reduce((a, l) => a + l.bytes, 0),
    },
    images: plan.images.map((img, i) => {
      const r = reports[i]!;
      return {
        reference: img.reference,
        platform: r.image.platform,
        compressedBytes: r.totals.compressedBytes,
        contentBytes: r.totals.contentBytes,
        finalBytes: r.totals.finalBytes,
        wastedBytes: r.totals.wastedBytes,
        findings: r.findings.length,
      };
    }),
    sharedLayers: shared,
    packages: [...packages.values()]
      .sort((a, b) => b.logicalBytes - a.logicalBytes || (a.name < b.name ? -1 : 1))
      .slice(0, PACKAGES)
      .map((p) => ({ ecosystem: p.ecosystem, name: p.name, images: p.images, logicalBytes: p.logicalBytes, versions: [...p.versions] })),
    findings: [...findings].map(([code, e]) => ({ code, images: e.images, bytes: e.bytes })).sort((a, b) => b.bytes - a.bytes || (a.code < b.code ? -1 : 1)),
    gates,
  };
}
