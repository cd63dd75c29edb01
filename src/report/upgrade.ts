/**
 * Reports saved by imgsize 0.1 (schemaVersion 1) read as version 2, so that `diff main.json …`
 * against a baseline CI saved before the upgrade keeps working. Version 1 differed in conventions
 * only: layers were indexed from 0 (`index`, and every field naming a layer), and paths other than
 * finding items had no leading `/`. Older 0.1 builds also lacked push sizes, package groups and
 * finding items; those get what they meant then (the stored size; none). Pure.
 */
import { z } from 'zod';
import { WarningCodeSchema } from './schema.js';

const bytes = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(1 << 16);
const index = z
  .number()
  .int()
  .nonnegative()
  .max(1 << 20);

const V1Item = z.looseObject({
  path: text.optional(),
  package: text.optional(),
  version: text.nullable().optional(),
  bytes,
  layer: index.optional(),
  removedBy: index.nullable().optional(),
  entries: bytes.optional(),
});

const V1Verdict = z.looseObject({
  results: z.array(z.looseObject({ items: z.array(V1Item).optional() })),
  failed: bytes,
  warned: bytes,
});

/** The shape version 1 promised (what 0.1's reader checked), every other field passed through. */
export const V1ReportSchema = z.looseObject({
  schemaVersion: z.literal(1),
  source: z.looseObject({ path: text, format: text, outerCompression: text }),
  image: z.looseObject({ platform: text, repoTags: z.array(text), configDigest: text, manifestDigest: text.nullable(), created: text.nullable() }),
  totals: z.looseObject({
    compressedBytes: bytes,
    pushBytes: bytes.optional(),
    pushEstimatedLayers: z.array(index).optional(),
    uncompressedBytes: bytes,
    contentBytes: bytes,
    finalBytes: bytes,
    wastedBytes: bytes,
    files: bytes,
  }),
  layers: z.array(
    z.looseObject({
      index,
      digest: text,
      diffId: text,
      compressedBytes: bytes,
      pushBytes: bytes.optional(),
      uncompressedBytes: bytes,
      contentBytes: bytes,
      createdBy: z.string().nullable(),
    }),
  ),
  packages: z.array(z.looseObject({ ecosystem: text, name: text, version: text.nullable(), bytes, files: bytes, layers: z.array(index).default([]), location: text.optional() })),
  packageGroups: z.array(z.looseObject({})).default([]),
  unowned: z.looseObject({ bytes, files: bytes, directories: z.array(z.looseObject({ path: text, bytes, files: bytes })) }).default({ bytes: 0, files: 0, directories: [] }),
  packageOverlapFiles: bytes.default(0),
  directories: z.array(z.looseObject({ path: text, bytes, files: bytes })).default([]),
  largestFiles: z.array(z.looseObject({ path: text, bytes, layer: index })).default([]),
  wasted: z.array(z.looseObject({ path: text, bytes, layer: index, by: index })).default([]),
  findings: z.array(z.looseObject({ code: text, title: z.string(), bytes, fix: z.string().default(''), items: z.array(V1Item).default([]) })).default([]),
  warnings: z.array(z.looseObject({ code: text, message: z.string() })).default([]),
  verdict: V1Verdict.optional(),
});

type V1 = z.output<typeof V1ReportSchema>;
type V1ItemT = z.output<typeof V1Item>;

const slash = (p: string): string => (p.startsWith('/') ? p : `/${p}`);
const num = (i: number): number => i + 1;

function item(i: V1ItemT): Record<string, unknown> {
  const { layer, removedBy, path, ...rest } = i;
  return {
    ...rest,
    ...(path !== undefined ? { path: slash(path) } : {}),
    ...(layer !== undefined ? { layer: num(layer) } : {}),
    ...(removedBy !== undefined ? { removedBy: removedBy === null ? null : num(removedBy) } : {}),
  };
}

/** A version 1 report (already checked against V1ReportSchema) in version 2's conventions. */
export function upgradeV1(r: V1): Record<string, unknown> {
  const known = new Set<string>(WarningCodeSchema.options);
  const layers = r.layers.map(({ index: i, ...l }) => ({ number: num(i), ...l, pushBytes: l.pushBytes ?? l.compressedBytes }));
  return {
    ...r,
    schemaVersion: 2,
    totals: {
      ...r.totals,
      pushBytes: r.totals.pushBytes ?? layers.reduce((a, l) => a + l.pushBytes, 0),
      pushEstimatedLayers: (r.totals.pushEstimatedLayers ?? []).map(num),
    },
    layers,
    packages: r.packages.map((p) => ({ ...p, layers: p.layers.map(num), ...(p.location !== undefined ? { location: slash(p.location) } : {}) })),
    unowned: { ...r.unowned, directories: r.unowned.directories.map((d) => ({ ...d, path: slash(d.path) })) },
    directories: r.directories.map((d) => ({ ...d, path: slash(d.path) })),
    largestFiles: r.largestFiles.map((f) => ({ ...f, path: slash(f.path), layer: num(f.layer) })),
    wasted: r.wasted.map((w) => ({ ...w, path: slash(w.path), layer: num(w.layer), by: num(w.by) })),
    findings: r.findings.map(({ paths: _paths, ...f }) => ({ ...f, items: f.items.map(item) })),
    warnings: r.warnings.map((w) => ({ code: known.has(w.code) ? w.code : 'format', message: w.message })),
    ...(r.verdict ? { verdict: { ...r.verdict, results: r.verdict.results.map((x) => (x.items ? { ...x, items: x.items.map(item) } : x)) } } : {}),
  };
}

/**
 * Version 3 added the optional `tree` (the treemap's data, report and diff): a version 2 report is
 * a version 3 report without one, once its number says so.
 */
export function upgradeV2(r: Record<string, unknown>): Record<string, unknown> {
  return upgradeV3({ ...r, schemaVersion: 3 });
}

/** Version 4 added `fixes` (optional): a version 3 document is a version 4 one without them. */
export function upgradeV3(r: Record<string, unknown>): Record<string, unknown> {
  return { ...r, schemaVersion: 4 };
}
