/**
 * Text an image chose, on stderr (issue 21, defects 2 and 6): tags and platforms carrying ESC/OSC
 * sequences, carriage returns, newlines and GitHub workflow commands go through every notice and
 * error that names them, and come out as one visible line each — no fake `imgsize:` line, no
 * `::error::` at the start of a line — and a list of thousands is cut with a count.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, ociMembers, outerTar } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempDir } from '../helpers/temp.js';
import { listSome } from '../../src/base/errors.js';
import { messageLine, MAX_MESSAGE_CHARS } from '../../src/cli/messages.js';

const tmp = tempDir('imgsize-hostile-stderr-');
const EVIL = '\u001b]0;owned\u0007\u001b[2J\r\nimgsize: all good\n::error::fake\n::add-mask::x\n::stop-commands::t\u202e';

/** Every line is the tool's own: starts with `imgsize: ` or `hint: `, holds no control character. */
function clean(stderr: string): void {
  const lines = stderr.replace(/\n$/, '').split('\n');
  for (const l of lines) {
    expect(l).toMatch(/^(imgsize|hint): /);
    expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  }
  expect(lines.filter((l) => l.startsWith('imgsize: all good'))).toEqual([]);
}

describe('image-controlled text in messages', () => {
  let otherPlatform: string;
  let twoImages: string;
  let dockerTwo: string;
  let manyPlatforms: string;

  beforeAll(async () => {
    const dir = tmp();
    const one = await buildImage({ architecture: `arm${EVIL}`, layers: [{ entries: [{ path: 'a', size: 10 }] }] });
    otherPlatform = path.join(dir, 'other.tar');
    writeFileSync(otherPlatform, await outerTar(ociMembers([one])));
    const a = await buildImage({ tags: [`a:1${EVIL}`], layers: [{ entries: [{ path: 'a', size: 10 }] }] });
    const b = await buildImage({ tags: [`b:2${EVIL}`], layers: [{ entries: [{ path: 'b', size: 20 }] }] });
    twoImages = path.join(dir, 'two.oci.tar');
    writeFileSync(twoImages, await outerTar(ociMembers([a, b])));
    dockerTwo = path.join(dir, 'two.tar');
    writeFileSync(dockerTwo, await outerTar(dockerLegacyMembers([a, b])));
    const many = await Promise.all(Array.from({ length: 60 }, (_, i) => buildImage({ architecture: `a${i}`, layers: [{ entries: [{ path: `f${i}`, size: 1 }] }] })));
    manyPlatforms = path.join(dir, 'many.oci.tar');
    writeFileSync(manyPlatforms, await outerTar(ociMembers(many)));
  });

  it('"using its only image, <platform>"', async () => {
    const r = await run([otherPlatform]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^imgsize: no linux\/amd64 image in the archive; using its only image, linux\/arm\\x1b\]0;owned\\x07\\x1b\[2J\\x0d\\x0aimgsize: all good\\x0a::error::fake/);
    clean(r.stderr);
  });

  it('"holds N images; using the first (<tag>)"', async () => {
    const r = await run([twoImages]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/using the first \(a:1\\x1b/);
    clean(r.stderr);
  });

  it('"no such image in the archive; it holds: …"', async () => {
    const r = await run([dockerTwo, '--image', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/it holds: .*a:1\\x1b/);
    clean(r.stderr);
  });

  it('check of several images: "holds 2 images (<tags>)" and its hint', async () => {
    const r = await run(['check', twoImages, '--budget', '1GB']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds 2 linux\/amd64 images \(.*b:2\\x1b/);
    expect(r.stderr).toMatch(/\nhint: e\.g\. imgsize check ARCHIVE --image a:1\\x1b/);
    clean(r.stderr);
  });

  it('a list of 60 platforms is cut to 10 and a count', async () => {
    const r = await run([manyPlatforms, '--platform', 'linux/amd64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: --platform linux\/amd64: no linux\/amd64 image in the archive; it holds: linux\/a0, linux\/a1, .*linux\/a9 and 50 more\n/);
    clean(r.stderr);
  });
});

describe('the message boundary', () => {
  it('cuts a long line with a count of what is left out', () => {
    const line = messageLine(`imgsize: ${'x'.repeat(949_000)}`);
    expect(line.length).toBeLessThan(MAX_MESSAGE_CHARS + 40);
    expect(line).toMatch(/… \(947,009 more characters\)$/);
  });

  it('lists: the first ten, then how many more', () => {
    expect(listSome(['a', 'b'])).toBe('a, b');
    expect(listSome(Array.from({ length: 60_000 }, (_, i) => `p${i}`))).toBe('p0, p1, p2, p3, p4, p5, p6, p7, p8, p9 and 59,990 more');
  });
});
