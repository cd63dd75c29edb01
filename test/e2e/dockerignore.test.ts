/**
 * `.dockerignore` as a real builder reads it (issue 25): Debian's buildah builds `FROM scratch` +
 * `COPY . /app` from a context of files at several depths (nothing fetched), once per pattern set of
 * the table below (moby's patternmatcher cases and the seed's trap, `*.pth`); the files it copied
 * must be exactly those src/fix/dockerignore.ts predicts. Then the seed's case end to end: the fix
 * imgsize proposes, applied, removes every model file. Under CI=true a missing buildah fails the run
 * (.ci/run installs it); elsewhere these tests are skipped with a reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ignoredBy, parseDockerignore } from '../../src/fix/dockerignore.js';
import { dockerignoreFix, dockerignorePatch } from '../../src/fix/dockerignore-fix.js';
import { readImage } from '../../src/source/read.js';
import { inspectImage } from '../../src/inspect.js';
import { tempFolders } from '../helpers/temp.js';

const buildah = spawnSync('sh', ['-c', 'command -v buildah'], { stdio: 'ignore' }).status === 0;
const tmp = tempFolders('imgsize-buildah-');

/** The build context: files at several depths, names that patterns trip on. */
const FILES = [
  'root.pth',
  'models/m.pth',
  'models/deep/x.pth',
  'models/keep.pth',
  'data/e.npy',
  'data/keep.npy',
  'data/sub/f.npy',
  '.env',
  'app/.env',
  '.git/config',
  '.git/objects/ab/cdef',
  'src/main.py',
  'src/.cache/x',
  'docs/readme.md',
  'build/out.o',
  'out.o',
  'weird name.txt',
  'a.b+c.txt',
];

/** Pattern sets, as .dockerignore files. */
const TABLE = [
  '*.pth',
  '**/*.pth',
  '**/*.pth\n!models/keep.pth',
  '/models',
  'models/',
  'models/**',
  'models/*/x.pth',
  '**/deep',
  '**/.env',
  '.env',
  '.git',
  'data\n!data/keep.npy',
  '*/*.npy',
  '**\n!src',
  '?oot.pth',
  '# a comment\n\n*.o',
  '**/*.o\n!build',
  './docs/../docs',
  'weird name.txt',
  '**/.cache',
  '*\n!models\n!models/**\nmodels/deep',
];

/** Builds the context with this .dockerignore (buildah bud) and returns the image as an oci-archive. */
function buildahImage(ignore: string): string {
  const dir = tmp();
  const ctx = path.join(dir, 'ctx');
  for (const f of FILES) {
    mkdirSync(path.dirname(path.join(ctx, f)), { recursive: true });
    writeFileSync(path.join(ctx, f), `${f}\n`);
  }
  writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
  writeFileSync(path.join(ctx, '.dockerignore'), `${ignore}\n`);
  const global = ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), '--storage-driver', 'vfs'];
  const bud = spawnSync('buildah', [...global, 'bud', '--isolation', 'chroot', '-q', '-f', path.join(ctx, 'Dockerfile'), '-t', 'ignore-test', ctx], { encoding: 'utf8' });
  if (bud.status !== 0) throw new Error(`buildah bud: ${bud.stderr}`);
  const archive = path.join(dir, 'image.tar');
  const push = spawnSync('buildah', [...global, 'push', '-q', 'ignore-test', `oci-archive:${archive}`], { encoding: 'utf8' });
  if (push.status !== 0) throw new Error(`buildah push: ${push.stderr}`);
  return archive;
}

/** The context's files (what `COPY .` could send), relative, `/`-separated. */
function contextFiles(ignoreFile = true): string[] {
  return [...FILES, 'Dockerfile', ...(ignoreFile ? ['.dockerignore'] : [])];
}

if (!buildah) {
  if (process.env.CI) {
    describe('.dockerignore against buildah', () => {
      it('has its components', () => {
        throw new Error('missing buildah (Debian package buildah): .ci/run installs it');
      });
    });
  } else {
    console.warn('.dockerignore tests against buildah skipped: no buildah here');
    describe.skip('.dockerignore against buildah', () => it('needs buildah', () => undefined));
  }
} else {
  describe('.dockerignore: what imgsize predicts is what buildah copies', () => {
    it.each(TABLE)('%j', async (ignore) => {
      const archive = buildahImage(ignore);
      const model = await readImage({ path: archive }, { verify: true });
      const copied = model.layers
        .flatMap((l) => l.scan.files)
        .filter((f) => f.kind === 'file')
        .map((f) => f.path.replace(/^app\//, ''))
        .sort();
      const patterns = parseDockerignore(ignore);
      const predicted = contextFiles()
        .filter((f) => !ignoredBy(f, patterns).ignored)
        .sort();
      expect(copied).toEqual(predicted);
    });
  });

  describe('where buildah is not Docker', () => {
    it('a "+" in a name: Docker (moby’s patternmatcher) escapes it and leaves the file out; buildah reads it as a regular expression and copies it', async () => {
      const model = await readImage({ path: buildahImage('a.b+c.txt') }, { verify: true });
      const copied = model.layers.flatMap((l) => l.scan.files).map((f) => f.path);
      expect(copied).toContain('app/a.b+c.txt'); // buildah's reading
      expect(ignoredBy('a.b+c.txt', parseDockerignore('a.b+c.txt')).ignored).toBe(true); // Docker's, which imgsize follows
    });
  });

  describe('the seed’s trap, end to end', () => {
    it('`*.pth` misses models/; the lines imgsize writes remove every model file, and the patch applies', async () => {
      const ignore = '*.pth\n.git\n';
      const before = buildahImage(ignore);
      const report = (await inspectImage({ path: before }, { thresholds: { modelFileMinBytes: 1 } })).report;
      const fix = dockerignoreFix(report, ignore)!;
      expect(fix.lines).toEqual(expect.arrayContaining(['**/*.pth', '**/*.npy']));
      expect(fix.misleading).toEqual([expect.objectContaining({ line: '*.pth', lineNo: 1, because: expect.stringMatching(/^matches only at the root of the build context/) })]);
      expect(fix.stillShipped).toEqual([]);
      // applied with git apply, then built again: no model file is copied
      const repo = tmp();
      writeFileSync(path.join(repo, '.dockerignore'), ignore);
      spawnSync('git', ['init', '-q'], { cwd: repo });
      writeFileSync(path.join(repo, 'fix.patch'), dockerignorePatch(fix, ignore));
      const applied = spawnSync('git', ['apply', 'fix.patch'], { cwd: repo, encoding: 'utf8' });
      expect(applied.status, applied.stderr).toBe(0);
      const after = buildahImage(readFileSync(path.join(repo, '.dockerignore'), 'utf8'));
      const model = await readImage({ path: after }, { verify: true });
      const left = model.layers.flatMap((l) => l.scan.files).map((f) => f.path);
      expect(left.filter((p) => /\.(pth|npy)$/.test(p))).toEqual([]);
      expect(left).toContain('app/src/main.py');
      const shipped = (await readImage({ path: before }, { verify: true })).layers.flatMap((l) => l.scan.files).length;
      expect(left.length).toBe(shipped - fix.files);
    });
  });
}
