/**
 * .dockerignore as Docker reads it (src/fix/dockerignore.ts), on moby's patternmatcher cases; and
 * the fix imgsize writes from an image's findings (src/fix/dockerignore-fix.ts). The same matcher
 * is checked against buildah in test/e2e/dockerignore.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ignoredBy, parseDockerignore } from '../../src/fix/dockerignore.js';
import { copyStep } from '../../src/fix/dockerignore-fix.js';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const tmp = tempFolders('imgsize-ignore-');
const ignored = (patterns: string, path: string): boolean => ignoredBy(path, parseDockerignore(patterns)).ignored;

describe('the patterns, as moby’s patternmatcher reads them', () => {
  it.each([
    ['*.pth', 'model.pth', true],
    ['*.pth', 'models/model.pth', false], // the seed's trap: root only
    ['**/*.pth', 'models/deep/model.pth', true],
    ['**/*.pth', 'model.pth', true],
    ['/models', 'models/a/b.bin', true], // a leading / changes nothing: every pattern is anchored
    ['models/', 'models/a', true],
    ['models/**', 'models/a/b', true],
    ['models/**', 'models', false],
    ['**/deep', 'a/b/deep/c', true],
    ['?oot.pth', 'root.pth', true],
    ['?oot.pth', 'a/root.pth', false],
    ['docs/../docs', 'docs/x.md', true], // cleaned
    ['*/*.npy', 'data/e.npy', true],
    ['*/*.npy', 'data/sub/f.npy', false],
    ['dir/*', 'dir/a/b', true], // a folder that matches takes what is below it
    ['a.b+c.txt', 'a.b+c.txt', true],
    ['[a-c].txt', 'b.txt', true],
    ['\\*.txt', '*.txt', true],
    ['**\n!src', 'src/main.py', false],
    ['**\n!src', 'docs/x', true],
    ['**/*.pth\n!models/keep.pth', 'models/keep.pth', false],
    ['data\n!data/keep.npy', 'data/e.npy', true],
    ['data\n!data/keep.npy', 'data/keep.npy', false],
    ['# comment\n\n  *.o  ', 'x.o', true],
  ] as const)('%j on %s → %s', (patterns, p, want) => {
    expect(ignored(patterns, p)).toBe(want);
  });

  it('says which line decided', () => {
    const r = ignoredBy('models/keep.pth', parseDockerignore('**/*.pth\n\n!models/keep.pth\n'));
    expect(r).toMatchObject({ ignored: false, by: { lineNo: 3, exclusion: true, line: '!models/keep.pth' } });
  });
});

describe('the COPY step a file came in by', () => {
  it.each([
    ['COPY . /app # buildkit', { src: '.', dest: '/app' }],
    ['COPY . . # buildkit', { src: '.', dest: '.' }],
    ['/bin/sh -c #(nop) COPY dir:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741 in /srv ', { src: '.', dest: '/srv' }],
    ['COPY --chown=app:app . /home/app # buildkit', { src: '.', dest: '/home/app' }],
    ['COPY --from=builder /venv /venv # buildkit', undefined],
    ['RUN pip install torch', undefined],
  ] as const)('%s', (step, want) => {
    expect(copyStep(step)).toEqual(want);
  });
});

describe('imgsize IMAGE --context DIR --fix-patch FILE', () => {
  it('writes the lines with Docker’s anchoring, names the line that looked as if it worked, and a patch git applies', async () => {
    const img = await buildImage({
      tags: ['app:1'],
      layers: [
        { entries: [{ path: 'usr/bin/python3', size: 5000 }], createdBy: 'RUN apt-get install python3' },
        {
          entries: [
            { path: 'app/main.py', content: 'print(1)\n' },
            { path: 'app/models/encoder.pth', size: 1_200_000 },
            { path: 'app/data/emb.npy', size: 1_100_000 },
          ],
          createdBy: 'COPY . /app # buildkit',
        },
      ],
    });
    const dir = tmp();
    const archive = path.join(dir, 'app.tar');
    writeFileSync(archive, await outerTar(dockerLegacyMembers([img])));
    const ctx = path.join(dir, 'ctx');
    mkdirSync(ctx);
    writeFileSync(path.join(ctx, '.dockerignore'), '.git\n*.pth\n');
    const r = await run([archive, '--context', ctx, '--fix-patch', path.join(dir, 'fix.patch')]);
    expect(r.code, r.stderr).toBe(0);
    const fixes = r.stdout.slice(r.stdout.indexOf('Fixes ('));
    expect(fixes).toMatch(
      /^Fixes \(suggestions: nothing is changed\)\n\.dockerignore \(model-files, 2\.3 MB, about [\d.]+ [kM]?B compressed\): 2 line\(s\) that leave 2 file\(s\) of the build context out\n {2}\*\*\/\*\.pth\n {2}\*\*\/\*\.npy\n/,
    );
    expect(fixes).toMatch(/note: line 2 "\*\.pth" matches only at the root of the build context, not models\/encoder\.pth: \*\*\/\*\.pth matches in every folder/);
    expect(readFileSync(path.join(dir, 'fix.patch'), 'utf8')).toBe(
      '--- a/.dockerignore\n+++ b/.dockerignore\n@@ -1,2 +1,5 @@\n .git\n *.pth\n+# imgsize: what the build context should not send (`imgsize … --context`)\n+**/*.pth\n+**/*.npy\n',
    );
    expect(r.stderr).toMatch(/wrote .*fix\.patch: apply it in the build context with git apply/);
    // in the JSON contract: fixes[], schema'd, read back from a saved report
    const json = await run([archive, '--context', ctx, '--json']);
    const report = JSON.parse(json.stdout);
    const { ReportSchema } = await import('../../src/report/schema.js');
    expect(ReportSchema.parse(report).fixes).toEqual([
      {
        file: '.dockerignore',
        findings: ['model-files'],
        line: null,
        at: null,
        lines: ['**/*.pth', '**/*.npy'],
        why: expect.stringMatching(/^leaves 2 file\(s\) of the build context out/),
        bytes: 2_300_000,
        compressedBytes: expect.any(Number),
        notes: [expect.stringMatching(/^line 2 "\*\.pth" matches only at the root of the build context/)],
      },
    ]);
    const saved = path.join(dir, 'r.json');
    writeFileSync(saved, json.stdout);
    expect(JSON.parse((await run([saved, '--json'])).stdout).fixes).toEqual(report.fixes);
    // without the context, the same lines (written from the COPY that brought the files in)
    const bare = await run([archive, '--format', 'markdown']);
    expect(bare.stdout).toMatch(/#### Fixes \(suggestions: nothing is changed\)\n\n- [^\n]+\n\n {2}```gitignore\n {2}\*\*\/\*\.pth\n {2}\*\*\/\*\.npy\n {2}```/);
  });

  it('a context that is not a folder is a usage error before the image is read', async () => {
    const r = await run(['/nonexistent.tar', '--context', '/nonexistent-context']);
    expect([r.code, r.stderr]).toEqual([2, 'imgsize: --context: /nonexistent-context: no such folder\n']);
  });
});

describe('the Dockerfile, suggested (src/fix/dockerfile.ts)', () => {
  it('parses instructions with their lines and stages, continuations joined', async () => {
    const { parseDockerfile } = await import('../../src/fix/dockerfile.js');
    const ins = parseDockerfile('# syntax\nFROM python:3.11 AS build\nRUN pip install \\\n    torch\n\nFROM python:3.11-slim\nCOPY --from=build /venv /venv\n');
    expect(ins.map((i) => [i.lineNo, i.keyword, i.args, i.stage])).toEqual([
      [2, 'FROM', 'python:3.11 AS build', 1],
      [3, 'RUN', 'pip install torch', 1],
      [6, 'FROM', 'python:3.11-slim', 2],
      [7, 'COPY', '--from=build /venv /venv', 2],
    ]);
  });

  it('names the pip install line of the Dockerfile for CUDA wheels, the apt-get line for its cache, and the steps to merge for waste', async () => {
    const { dockerfileFixes } = await import('../../src/fix/dockerfile.js');
    const img = await buildImage({
      tags: ['app:1'],
      layers: [
        {
          entries: [
            { path: 'var/lib/apt/lists/x_Packages', size: 3_000_000 },
            { path: 'usr/bin/gcc', size: 100 },
          ],
          createdBy: 'RUN /bin/sh -c apt-get update && apt-get install -y gcc # buildkit',
        },
        {
          entries: [
            { path: 'usr/local/lib/python3.11/site-packages/torch/__init__.py', size: 1000 },
            { path: 'usr/local/lib/python3.11/site-packages/torch-2.6.0+cu124.dist-info/METADATA', content: 'Name: torch\nVersion: 2.6.0+cu124\n' },
            { path: 'usr/local/lib/python3.11/site-packages/torch-2.6.0+cu124.dist-info/RECORD', content: 'torch/__init__.py,,\n' },
            { path: 'usr/local/lib/python3.11/site-packages/nvidia/cublas/lib/libcublas.so.12', size: 2_000_000 },
            { path: 'usr/local/lib/python3.11/site-packages/nvidia_cublas_cu12-12.4.5.8.dist-info/METADATA', content: 'Name: nvidia-cublas-cu12\nVersion: 12.4.5.8\n' },
            { path: 'usr/local/lib/python3.11/site-packages/nvidia_cublas_cu12-12.4.5.8.dist-info/RECORD', content: 'nvidia/cublas/lib/libcublas.so.12,,\n' },
          ],
          createdBy: 'RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt # buildkit',
        },
      ],
    });
    const dir = tmp();
    const archive = path.join(dir, 'cuda.tar');
    writeFileSync(archive, await outerTar(dockerLegacyMembers([img])));
    const report = JSON.parse((await run([archive, '--json'])).stdout);
    const dockerfile = 'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n';
    const fixes = dockerfileFixes(report, dockerfile);
    const cuda = fixes.find((f) => f.finding === 'cuda-libraries')!;
    expect(cuda.at).toEqual({ lineNo: 4, text: 'RUN pip install --no-cache-dir -r requirements.txt' });
    expect(cuda.suggestion[0]).toBe('RUN pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.6.0 && \\');
    const cache = fixes.find((f) => f.finding === 'package-cache')!;
    expect(cache.at.lineNo).toBe(2);
    expect(cache.suggestion).toEqual(['RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*']);
    // without the Dockerfile: the image's own step
    expect(dockerfileFixes(report).find((f) => f.finding === 'cuda-libraries')!.at).toEqual({ text: 'RUN pip install --no-cache-dir -r requirements.txt' });
  });
});
