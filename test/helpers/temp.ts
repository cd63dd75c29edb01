/** Temporary folders for a test file, removed when its tests are done. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A folder made on first use and removed after the file's tests (call at the top of a describe or file). */
export function tempDir(prefix = 'imgsize-test-'): () => string {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return () => (dir ??= mkdtempSync(path.join(tmpdir(), prefix)));
}
