/**
 * Reading a saved --json report back: whatever the file says is checked against the shape that
 * diff and check rely on (numbers that are whole and not negative, strings where strings belong)
 * before it is believed; a report that breaks it is refused naming the field. Pure: text in.
 */
import { z } from 'zod';
import { ImgsizeError } from '../errors.js';
import { SCHEMA_VERSION, type Report } from './report.js';
import { parseBoundedJson } from '../config/json.js';

/** Saved reports larger than this are refused before they are read (a real one is a few hundred kB). */
export const MAX_SAVED_REPORT_BYTES = 64 << 20;

const bytes = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(1 << 16);

const SavedReport = z.looseObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  source: z.looseObject({ path: text, format: text, outerCompression: text }),
  image: z.looseObject({ platform: text, repoTags: z.array(text), configDigest: text, manifestDigest: text.nullable(), created: text.nullable() }),
  totals: z.looseObject({
    compressedBytes: bytes,
    pushBytes: bytes.optional(),
    pushEstimatedLayers: z.array(bytes).optional(),
    uncompressedBytes: bytes,
    contentBytes: bytes,
    finalBytes: bytes,
    wastedBytes: bytes,
    files: bytes,
  }),
  layers: z.array(z.looseObject({ index: bytes, digest: text, diffId: text, compressedBytes: bytes, uncompressedBytes: bytes, contentBytes: bytes, createdBy: z.string().nullable() })),
  packages: z.array(z.looseObject({ ecosystem: text, name: text, version: text.nullable(), bytes, files: bytes })),
  directories: z.array(z.looseObject({ path: z.string(), bytes, files: bytes })).default([]),
  findings: z.array(z.looseObject({ code: text, title: z.string(), bytes, items: z.array(z.looseObject({ bytes })).default([]) })).default([]),
  warnings: z.array(z.looseObject({ code: text, message: z.string() })).default([]),
});

export function parseSavedReport(json: string, label: string): Report {
  const raw = parseBoundedJson(json, label, (e) => `not a valid JSON report (${e.message})`);
  const o = raw as { schemaVersion?: unknown } | null;
  if (o && typeof o === 'object' && typeof o.schemaVersion === 'number' && o.schemaVersion > SCHEMA_VERSION) {
    throw new ImgsizeError('input', label, `written by a newer imgsize (schemaVersion ${o.schemaVersion}; this one reads ${SCHEMA_VERSION})`, {
      hint: 'upgrade imgsize, or save the report again with this version',
    });
  }
  if (!o || typeof o !== 'object' || o.schemaVersion !== SCHEMA_VERSION) {
    throw new ImgsizeError('input', label, `not an imgsize report (schemaVersion ${SCHEMA_VERSION}, saved with --json)`);
  }
  const r = SavedReport.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(top level)';
    throw new ImgsizeError('input', label, `not a valid imgsize report: ${field}: ${issue.message}`);
  }
  return { largestFiles: [], wasted: [], packageGroups: [], unowned: { bytes: 0, files: 0, directories: [] }, packageOverlapFiles: 0, ...(r.data as object) } as unknown as Report;
}
