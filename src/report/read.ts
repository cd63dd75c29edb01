/**
 * Reading a saved --json report back: the file is checked against the contract (schema.ts) field
 * by field before anything believes it; a report that breaks it is refused naming the field.
 * Reports of versions 1 and 2 are upgraded first (upgrade.ts). `parseSavedReport` is pure (text in);
 * `readSavedReport` adds the file checks (a regular file of a sane size).
 */
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { ImgsizeError } from '../errors.js';
import { parseBoundedJson } from '../config/json.js';
import { ReportSchema, SCHEMA_VERSION, type Report } from './schema.js';
import { upgradeV1, upgradeV2, V1ReportSchema } from './upgrade.js';

/** Saved reports larger than this are refused before they are read (a real one is a few hundred kB). */
export const MAX_SAVED_REPORT_BYTES = 64 << 20;

/** The first issue zod found, as `field.path: message`. */
function firstIssue(e: z.ZodError): string {
  const issue = e.issues[0]!;
  const field = issue.path.map(String).join('.') || '(top level)';
  return `${field}: ${issue.message}`;
}

export function parseSavedReport(json: string, label: string): Report {
  const raw = parseBoundedJson(json, label, (e) => `not a valid JSON report (${e.message})`);
  const version = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    throw new ImgsizeError('input', label, `written by a newer imgsize (schemaVersion ${version}; this one reads 1 to ${SCHEMA_VERSION})`, {
      hint: 'upgrade imgsize, or save the report again with this version',
    });
  }
  if (raw && typeof raw === 'object' && 'diff' in raw) {
    throw new ImgsizeError('input', label, 'a saved diff, not an image report: give the reports (or images) of both sides instead');
  }
  let doc: unknown = raw;
  if (version === 1) {
    const v1 = V1ReportSchema.safeParse(raw);
    if (!v1.success) throw new ImgsizeError('input', label, `not a valid imgsize report (schemaVersion 1): ${firstIssue(v1.error)}`);
    doc = upgradeV2(upgradeV1(v1.data));
  } else if (version === 2) {
    doc = upgradeV2(raw as Record<string, unknown>);
  } else if (version !== SCHEMA_VERSION) {
    throw new ImgsizeError('input', label, `not an imgsize report (schemaVersion 1 to ${SCHEMA_VERSION}, saved with --json)`);
  }
  const r = ReportSchema.safeParse(doc);
  if (!r.success) throw new ImgsizeError('input', label, `not a valid imgsize report: ${firstIssue(r.error)}`);
  return r.data;
}

/** A saved report from a file: a regular file of at most MAX_SAVED_REPORT_BYTES, then parseSavedReport. */
export function readSavedReport(path: string, label: string = path): Report {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ImgsizeError('input', label, 'a saved report must be a regular file');
    if (st.size > MAX_SAVED_REPORT_BYTES) throw new ImgsizeError('limit', label, `${st.size} bytes: larger than a saved report can be (${MAX_SAVED_REPORT_BYTES >> 20} MiB)`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof ImgsizeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new ImgsizeError('input', label, 'no such file') : new ImgsizeError('input', label, `cannot read (${code ?? (e as Error).message})`);
  }
  return parseSavedReport(text, label);
}
