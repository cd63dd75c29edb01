/**
 * The README's first screen stays true (issue 23): its commands run, as a new user would type them,
 * against a real daemon (Podman's API service, the image loaded as the names the README uses); the
 * output it shows is what imgsize prints; the headline budget passes on the seed's fixed image and
 * fails on the one it fixed (the samples' images at full size, streamed).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
// @ts-expect-error plain JS module shared with `npm start`
import { seedArchive } from '../../samples/seed.mjs';
import { podmanMissing, startPodman, type Podman } from '../helpers/podman.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const tmp = tempFolders('imgsize-readme-');

/** The first `sh` block after a heading line that starts with `text`. */
function block(after: string): string {
  const at = README.indexOf(after);
  expect(at, `README: ${after}`).toBeGreaterThan(0);
  const m = /```sh\n([\s\S]*?)```/.exec(README.slice(at));
  return m![1]!;
}

describe('the README’s first screen', () => {
  it('shows what imgsize prints', async () => {
    const m = /<!-- readme-example: imgsize (.*?) -->\n```\n([\s\S]*?)```/.exec(README)!;
    expect(m).not.toBeNull();
    const r = await run(m[1]!.split(' '), { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(m[2]!)).toBe(true);
  });

  it('the headline budget: the seed’s fixed image passes, the image it fixed fails', async () => {
    expect(block('Then point it at an image')).toMatch(/^imgsize check app:latest --budget 424MB /m);
    const check = async (which: 'before' | 'after'): Promise<{ code: number; out: string }> => {
      let out = '';
      const code = await main({
        argv: ['check', '-', '--budget', '424MB'],
        stdin: Object.assign(seedArchive(which), { isTTY: false }) as AsyncIterable<Buffer> & { isTTY: boolean },
        stdout: { write: (s: string) => ((out += s), true) },
        stderr: { write: () => true },
        env: {},
        cwd: tmp(),
      });
      return { code, out };
    };
    const [after, before] = await Promise.all([check('after'), check('before')]);
    expect(after.code).toBe(0);
    expect(after.out).toMatch(/^✔ PASS {2}compressed size 419 MB \(418,971,304 bytes\) is within the budget 424 MB/m);
    expect(before.code).toBe(1);
    expect(before.out).toMatch(/^✖ FAIL {2}compressed size 1\.72 GB/m);
  });

  if (podmanMissing) {
    it.skipIf(!process.env.CI)(`runs its commands against a daemon (needs ${podmanMissing})`, () => {
      throw new Error(`missing ${podmanMissing}: .ci/run installs it`);
    });
  } else {
    describe('its commands, typed as they are, against a daemon', () => {
      let podman: Podman;
      let cwd: string;
      const setup = (async (): Promise<void> => {
        podman = await startPodman(tmp());
        const name = await podman.load(path.join(ROOT, 'samples/hello.oci.tar'));
        for (const as of ['app:latest', 'app:main', 'app:pr', 'ghcr.io/org/app:1.2']) await podman.tag(name, as);
        cwd = tmp();
        await podman.save('app:latest', path.join(cwd, 'app.tar'));
      })();
      setup.catch(() => undefined);
      beforeAll(() => setup);
      afterAll(() => podman?.stop());

      const commands = block('Then point it at an image')
        .split('\n')
        .map((l) => l.replace(/\s+#.*$/, '').trim())
        .filter((l) => l.startsWith('imgsize '));

      it.each(commands)('%s', async (line) => {
        const r = await run(line.split(/\s+/).slice(1), { cwd, env: { CONTAINER_HOST: podman.host, HOME: cwd } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.length).toBeGreaterThan(0);
        if (line.includes('--html')) expect(readFileSync(path.join(cwd, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
      });

      it('covers the six commands of the first screen', () => {
        expect(commands).toEqual([
          'imgsize app:latest',
          'imgsize app.tar',
          'imgsize ghcr.io/org/app:1.2',
          'imgsize diff app:main app:pr',
          'imgsize check app:latest --budget 424MB',
          'imgsize app:latest --html report.html',
        ]);
      });
    });
  }
});
