/** The progress line (cli/progress.ts): what it counts, the layers done, the rate; and on a real read. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/cli/progress.js';
import { run } from '../helpers/run.js';
import { buildImage, ociMembers, outerTar } from '../fixtures/builder.js';
import { tempDir } from '../helpers/temp.js';
import { writeFileSync } from 'node:fs';

const tmp = tempDir('imgsize-progress-');

describe('the progress line', () => {
  it('counts against what the read will handle once known, never past 100 %, with the layers done and the rate', () => {
    let out = '';
    let t = 0;
    const p = progressLine({ write: (s: string) => (out += s) }, 'app.tar', undefined, () => t);
    t = 1000;
    p.onProgress(10_000_000);
    expect(out).toBe('\rimgsize: reading app.tar: 10 MB, 10 MB/s\u001b[K');
    p.onPhase({ done: 0, of: 3, bytes: 40_000_000 });
    t = 2000;
    p.onProgress(41_000_000);
    expect(out.split('\r').pop()).toBe('imgsize: reading app.tar: 40 MB of 40 MB (100%), layers 0 of 3 done, 20.5 MB/s\u001b[K');
    t = 2100;
    p.onPhase({ done: 3, of: 3, bytes: 40_000_000 }); // the last layer is drawn at once
    expect(out.split('\r').pop()).toMatch(/layers 3 of 3 done/);
    p.end();
    expect(out.endsWith('\r\u001b[K')).toBe(true);
  });

  it('a file read with random access ends at 100 % of what it needed, naming the layers', async () => {
    // two platforms: the arm64 layer (3 MiB) is never read, and not counted as left to read
    const amd = await buildImage({ architecture: 'amd64', layers: [{ entries: [{ path: 'a', size: 3 << 20 }] }, { entries: [{ path: 'b', size: 2 << 20 }] }] });
    const arm = await buildImage({ architecture: 'arm64', layers: [{ entries: [{ path: 'c', size: 3 << 20 }] }] });
    const file = path.join(tmp(), 'multi.tar');
    writeFileSync(file, await outerTar(ociMembers([amd, arm])));
    const r = await run([file], { stderrIsTTY: true });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\r').filter((l) => l.startsWith('imgsize: reading'));
    expect(lines.at(-1)).toMatch(/^imgsize: reading .*multi\.tar: 5\.\d+ MB of 5\.\d+ MB \(100%\), layers 2 of 2 done\u001b\[K$/);
    expect(r.stderr.endsWith('\r\u001b[K')).toBe(true);
  });
});
