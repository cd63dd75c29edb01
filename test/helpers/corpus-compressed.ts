/**
 * `docker save app | gzip > app.tar.gz` (and zstd): every `ok` archive of the corpus, compressed
 * as a whole, reads the same as the plain one, from a path and from stdin. One suite per compressor
 * (corpus-gzip.test.ts, corpus-zstd.test.ts), so that the two run in parallel; corpus.test.ts says
 * when the corpus is missing.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './run.js';
import { CORPUS, corpusCases, present } from './corpus.js';

export function compressedCorpusSuite(only: 'gzip' | 'zstd'): void {
  if (!present) {
    describe.skip('corpus compressed as a whole', () => it('needs ../shared/corpus', () => undefined));
  } else {
    const cases = corpusCases();
    // `docker save app | gzip > app.tar.gz` (and zstd): an archive compressed as a whole reads the
    // same as the plain one, from a path and from stdin
    const compressors: Record<string, ((b: Buffer) => Buffer) | undefined> = only === 'gzip' ? { gzip: (b) => gzipSync(b, { level: 1 }) } : { zstd: zstdCompressor() };
    const tmp = mkdtempSync(path.join(tmpdir(), 'imgsize-corpus-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    const comparable = (stdout: string): unknown => {
      const rep = JSON.parse(stdout) as { source: Record<string, unknown> };
      return { ...rep, source: { ...rep.source, path: null, outerCompression: null } };
    };
    describe('corpus compressed as a whole', () => {
      // (an archive that is already compressed as a whole is not compressed again)
      const plainTar = (f: string): boolean => !statSync(f).isDirectory() && ![0x1f, 0x28].includes(readFileSync(f).subarray(0, 1)[0]!);
      for (const c of cases.filter((c) => c.expect === 'ok' && plainTar(path.join(CORPUS, c.file)))) {
        // the plain archive's report, read once
        let plainRun: ReturnType<typeof run> | undefined;
        for (const [kind, compress] of Object.entries(compressors)) {
          it.skipIf(!compress)(`${c.file} | ${kind}: same report from a path and from stdin`, async () => {
            const file = path.join(CORPUS, c.file);
            const plain = await (plainRun ??= run([file, '--json', ...c.args]));
            expect(plain.code, plain.stderr).toBe(0);
            const packed = path.join(tmp, `${path.basename(c.file)}.${kind}`);
            writeFileSync(packed, compress!(readFileSync(file)));
            const fromPath = await run([packed, '--json', ...c.args]);
            expect(fromPath.code, fromPath.stderr).toBe(0);
            expect(JSON.parse(fromPath.stdout).source.outerCompression).toBe(kind);
            expect(comparable(fromPath.stdout)).toEqual(comparable(plain.stdout));
            const fromStdin = await run(['-', '--json', ...c.args], { stdin: { file: packed } });
            expect(fromStdin.code, fromStdin.stderr).toBe(0);
            expect(comparable(fromStdin.stdout)).toEqual(comparable(plain.stdout));
          });
        }
      }
    });
  }
}

/** zstd for the tests: the zstd-napi addon when built, else the zstd command, else none (skipped). */
function zstdCompressor(): ((b: Buffer) => Buffer) | undefined {
  try {
    const z = createRequire(import.meta.url)('zstd-napi') as { compress: (b: Buffer) => Buffer };
    return (b) => z.compress(b);
  } catch {
    if (spawnSync('sh', ['-c', 'command -v zstd'], { stdio: 'ignore' }).status !== 0) {
      console.warn('outer-zstd conformance skipped: neither the zstd-napi addon nor the zstd command is here');
      return undefined;
    }
    return (b) => spawnSync('zstd', ['-q', '-c', '-3'], { input: b, maxBuffer: 1 << 30 }).stdout;
  }
}
