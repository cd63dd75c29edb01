/**
 * Telling a saved report from an archive without loading the contract's schemas (zod): a saved
 * report is a regular file whose first bytes open a JSON object; no archive format starts so.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export function looksLikeSavedReport(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(64);
      const n = readSync(fd, buf, 0, 64, 0);
      return /^\s*\{/.test(buf.toString('latin1', 0, n));
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
