/**
 * Reading a saved --json report back: the file is checked against the contract (schema.ts) field
 * by field before anything believes it; a report that breaks it is refused naming the field.
 * Reports of versions 1 and 2 are upgraded first (upgrade.ts). `parseSavedReport` is pure (text in);
 * `readSavedReport` adds the file checks (a regular file of a sane size).
 */
import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { ImgsizeError } from '../base/errors.js';
import { parseBoundedJson } from '../base/json.js';
import { DiffDocumentSchema, ReportSchema, SCHEMA_VERSION, type DiffDocument, type Report } from './schema.js';
import { upgradeV1, upgradeV2, upgradeV3, V1ReportSchema } from './upgrade.js';

/** Saved reports larger than this are refused before they are read (a real one is a few hundred kB). */
export const MAX_SAVED_REPORT_BYTES = 64 << 20;

/** The first issue zod found, as `field.path: message`. */
function firstIssue(e: z.ZodError): string {
  const issue = e.issues[0]!;
  const field = issue.path.map(String).join('.') || '(top level)';
  return `${field}: ${issue.message}`;
}

export function parseSavedReport(json: string, label: string): Report {
  return reportFromJson(
    parseBoundedJson(json, label, (e) => `not a valid JSON report (${e.message})`),
    label,
  );
}

/** A saved document's schemaVersion; one from a newer imgsize is refused with a hint to upgrade. */
function versionOf(raw: unknown, label: string): unknown {
  const version = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version > SCHEMA_VERSION) {
    throw new ImgsizeError('input', label, `written by a newer imgsize (schemaVersion ${version}; this one reads 1 to ${SCHEMA_VERSION})`, {
      hint: 'upgrade imgsize, or save the report again with this version',
    });
  }
  return version;
}

function reportFromJson(raw: unknown, label: string): Report {
  const version = versionOf(raw, label);
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
  } else if (version === 3) {
    doc = upgradeV3(raw as Record<string, unknown>);
  } else if (version !== SCHEMA_VERSION) {
    throw new ImgsizeError('input', label, `not an imgsize report (schemaVersion 1 to ${SCHEMA_VERSION}, saved with --json)`);
  }
  const r = ReportSchema.safeParse(doc);
  if (!r.success) throw new ImgsizeError('input', label, `not a valid imgsize report: ${firstIssue(r.error)}`);
  return r.data;
}

/**
 * A saved diff (`imgsize diff A B --json`), shown again: versions 2 and 3 (2 had no tree); version
 * 1 diffs numbered layers from 0 and are refused with a hint to make them again.
 */
function diffFromJson(raw: unknown, label: string): DiffDocument {
  const version = versionOf(raw, label);
  if (version === 1) throw new ImgsizeError('input', label, 'a diff saved by imgsize 0.1 (schemaVersion 1) is not read', { hint: 'make it again with imgsize diff A B --json' });
  const doc = version === 2 ? upgradeV2(raw as Record<string, unknown>) : version === 3 ? upgradeV3(raw as Record<string, unknown>) : raw;
  const r = DiffDocumentSchema.safeParse(doc);
  if (!r.success) throw new ImgsizeError('input', label, `not a valid imgsize diff: ${firstIssue(r.error)}`);
  return r.data;
}

/** A saved image report or a saved diff, told apart by the diff document's `diff` key. */
export function parseSavedDocument(json: string, label: string): { readonly report: Report } | { readonly diff: DiffDocument } {
  const raw = parseBoundedJson(json, label, (e) => `not a valid JSON report (${e.message})`);
  return raw && typeof raw === 'object' && !Array.isArray(raw) && 'diff' in raw ? { diff: diffFromJson(raw, label) } : { report: reportFromJson(raw, label) };
}

/** A saved document (report or diff) from a file, as readSavedReport reads one. */
export function readSavedDocument(path: string, label: string = path): { readonly report: Report } | { readonly diff: DiffDocument } {
  return parseSavedDocument(readSavedText(path, label), label);
}

/** A saved report from a file: a regular file of at most MAX_SAVED_REPORT_BYTES, then parseSavedReport. */
export function readSavedReport(path: string, label: string = path): Report {
  return parseSavedReport(readSavedText(path, label), label);
}

function readSavedText(path: string, label: string): string {
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
  return text;
}
