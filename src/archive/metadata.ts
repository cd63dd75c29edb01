/**
 * Reading image metadata: JSON blobs parsed within their limits, digests checked against the
 * bytes, and the small helpers the index walk, the docker manifest reader and the assembly share.
 */
import { ImgsizeError } from '../base/errors.js';
import type { BlobRecord } from './contents.js';

export type Json = Record<string, unknown>;

export const DIGEST_RE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

/** A check that failed: throws, or under --no-verify records a warning (image.ts's failer). */
export type Fail = (code: 'digest-mismatch' | 'format', what: string, why: string) => void;

export function parseJson(blob: BlobRecord, what: string): unknown {
  if (blob.jsonTooLarge) throw new ImgsizeError('limit', what, 'larger than 16 MiB: not image metadata');
  if (!blob.json) {
    throw new ImgsizeError('format', what, blob.size === 0 ? 'is empty (0 bytes), not JSON' : 'is not JSON');
  }
  try {
    return JSON.parse(blob.json.toString('utf8')) as unknown;
  } catch (e) {
    throw new ImgsizeError('format', what, `is not valid JSON (${(e as Error).message})`);
  }
}

export function verifyBlob(blob: BlobRecord, digest: string, size: number | undefined, label: string, fail: Fail): void {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  const actual = algorithm === 'sha256' ? blob.digest : algorithm === 'sha512' ? blob.sha512 : undefined;
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    fail('format', label, `digest ${digest.length > 80 ? `${digest.slice(0, 79)}…` : digest} uses the algorithm "${algorithm}", which imgsize cannot verify (it verifies sha256 and sha512)`);
  } else if (actual !== undefined && actual !== digest) {
    fail('digest-mismatch', label, `digest mismatch: expected ${digest}, the blob hashes to ${actual}`);
  }
  if (size !== undefined && size !== blob.size) fail('digest-mismatch', label, `size mismatch: the descriptor says ${size} bytes, the blob has ${blob.size}`);
}

/** `sha256:<hex>` from a member named `blobs/sha256/<hex>`. */
export function digestInName(member: string): string | undefined {
  const m = /(?:^|\/)blobs\/sha256\/([0-9a-f]{64})$/.exec(member);
  return m ? `sha256:${m[1]}` : undefined;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function lowerKeys(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) out[k.toLowerCase()] = v;
  return out;
}

export function getCaseInsensitive(o: Json, key: string): unknown {
  if (key in o) return o[key];
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === key) return v;
  return undefined;
}

export function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

export function short(digest: string): string {
  const i = digest.indexOf(':');
  return i < 0 ? digest.slice(0, 12) : `${digest.slice(0, i + 1)}${digest.slice(i + 1, i + 13)}`;
}
