/** Options and inputs that are refused with one clear line and exit 2, for archives and saved reports alike. */
import { writeFileSync } from 'node:fs';

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const SAMPLE = path.resolve(__dirname, '../../samples/hello.oci.tar');
const tmp = tempFolders('imgsize-opts-');

async function savedReport(): Promise<string> {
  const f = path.join(tmp(), 'r.json');
  writeFileSync(f, (await run([SAMPLE, '--json'])).stdout);
  return f;
}

describe('usage errors, whatever the input', () => {
  for (const [flag, value] of [
    ['--top', 'abc'],
    ['--top', '-1'],
    ['--depth', 'x'],
  ] as const) {
    it(`${flag} ${value}: exit 2 for an archive and for a saved report`, async () => {
      for (const input of [SAMPLE, await savedReport()]) {
        const r = await run([input, flag, value]);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(new RegExp(`^imgsize: ${flag}: expected a whole number, got "${value}"`));
      }
    });
  }

  it('an unknown IMGSIZE_DECODER is a usage error', async () => {
    for (const input of [SAMPLE, await savedReport()]) {
      const r = await run([input], { env: { IMGSIZE_DECODER: 'fast' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^imgsize: IMGSIZE_DECODER: unknown decoder choice "fast"; expected builtin or external/);
    }
  });
});

describe('saved reports and config files', () => {
  it('a report written by a newer imgsize says so', async () => {
    const f = path.join(tmp(), 'new.json');
    writeFileSync(f, JSON.stringify({ schemaVersion: 99, totals: {}, layers: [], packages: [] }));
    const r = await run([f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: .*new\.json: written by a newer imgsize \(schemaVersion 99; this one reads 1 to 4\)/);
  });

  it('a missing baseline says "no such file"', async () => {
    const r = await run(['check', SAMPLE, '--baseline', '/nonexistent/main.json', '--max-growth', '5%']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: \/nonexistent\/main\.json: no such file$/m);
  });

  it('an unknown level names the allowed values, in the short and the long rule form', async () => {
    const dir = tmp();
    for (const cfg of [{ findings: { secrets: 'error' } }, { maxLayers: { limit: 3, level: 'x' } }]) {
      const f = path.join(dir, 'c.json');
      writeFileSync(f, JSON.stringify(cfg));
      const r = await run(['check', SAMPLE, '--config', f]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/(findings\.secrets|maxLayers\.level): Invalid option: expected one of "fail"\|"warn"/);
    }
  });
});

describe('an archive with several images', () => {
  it('check refuses to gate one of them silently; inspect shows them all', async () => {
    const a = await buildImage({ tags: ['app:1'], layers: [{ entries: [{ path: 'a', size: 10 }] }] });
    const b = await buildImage({ tags: ['worker:1'], layers: [{ entries: [{ path: 'b', size: 20 }] }] });
    const file = path.join(tmp(), 'two.tar');
    writeFileSync(file, await outerTar(dockerLegacyMembers([a, b])));
    const gate = await run(['check', file, '--budget', '1GB']);
    expect(gate.code).toBe(2);
    expect(gate.stderr).toMatch(/^imgsize: check: the archive holds 2 linux\/amd64 images \(app:1, worker:1\); a gate checks one image: choose it with --image/);
    expect((await run(['check', file, '--budget', '1GB', '--image', 'worker:1'])).code).toBe(0);
    const look = await run([file]);
    expect([look.code, look.stderr]).toEqual([0, '']);
    expect(look.stdout).toMatch(/^Archive .* 2 images\n/);
  });
});

describe('inputs that are not regular files', () => {
  it.runIf(process.platform !== 'win32')('a named FIFO is read once, as a stream (no hang)', async () => {
    const { spawn, spawnSync } = await import('node:child_process');
    const fifo = path.join(tmp(), 'image.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `cat "${SAMPLE}" > "${fifo}"`]);
    const r = await run([fifo, '--json']);
    writer.kill();
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).totals.contentBytes).toBe(4_800_029);
  });

  it('a budget with more digits than can be exact is a usage error', async () => {
    const r = await run(['check', SAMPLE, '--budget', '99999999999999999999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: --budget: "99999999999999999999" is not a size/);
  });
});

describe('saved reports are read back strictly', () => {
  const base = async (): Promise<Record<string, unknown>> => JSON.parse((await run([SAMPLE, '--json'])).stdout);
  const cases: [string, (r: Record<string, any>) => void, RegExp][] = [
    ['a string for a number', (r) => (r.totals.contentBytes = '5'), /totals\.contentBytes: /],
    ['totals: null', (r) => (r.totals = null), /totals: /],
    ['a negative size', (r) => (r.layers[0].compressedBytes = -1), /layers\.0\.compressedBytes: /],
    ['no image', (r) => delete r.image, /image: /],
  ];
  for (const [what, edit, field] of cases) {
    it(`${what}: refused, naming the field, for inspect, diff and check`, async () => {
      const r = await base();
      edit(r);
      const f = path.join(tmp(), 'bad.json');
      writeFileSync(f, JSON.stringify(r));
      for (const argv of [[f], ['diff', f, SAMPLE], ['check', f, '--budget', '1GB'], ['check', SAMPLE, '--baseline', f, '--max-growth', '5%']]) {
        const out = await run(argv);
        expect(out.code, argv.join(' ')).toBe(2);
        expect(out.stderr).toMatch(new RegExp(`^imgsize: .*bad\\.json: not a valid imgsize report: ${field.source}`));
        expect(out.stderr).not.toMatch(/internal error/);
      }
    });
  }

  it('a baseline that is not a regular file, or too big, is refused before it is read', async () => {
    const zero = await run(['check', SAMPLE, '--baseline', '/dev/zero', '--max-growth', '5%']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/^imgsize: \/dev\/zero: a saved report must be a regular file/);
    const big = path.join(tmp(), 'big.json');
    const { truncateSync } = await import('node:fs');
    writeFileSync(big, '{');
    truncateSync(big, 65 << 20); // sparse: nothing written
    const r = await run(['check', SAMPLE, '--baseline', big, '--max-growth', '5%']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/larger than a saved report can be \(64 MiB\)/);
  });
});

describe('JSON nesting that a person or tool controls', () => {
  it('a config or a saved report nested 200,000 deep is refused in one line, no stack overflow', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'c.json');
    writeFileSync(cfg, `{"forbiddenPaths":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const a = await run(['check', SAMPLE, '--config', cfg]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^imgsize: .*c\.json: JSON nested deeper than 64 levels/);
    const rep = path.join(dir, 'r.json');
    writeFileSync(rep, `{"schemaVersion":1,"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const b = await run([rep]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^imgsize: .*r\.json: JSON nested deeper than 64 levels/);
  });
});

describe('help for a newcomer', () => {
  it('imgsize --help lists the options of imgsize [image] and the gate’s, not only the commands', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Options of imgsize \[image\] \(inspect, the default command; diff and check take them too\):$/m);
    expect(r.stdout).toMatch(/^ {2}--source <where> +where the image is: a local daemon/m);
    expect(r.stdout).toMatch(/^Gate options \(imgsize check, and imgsize diff on AFTER\):\n {2}--budget <size>/m);
  });

  it('a gate option on the bare command says which command takes it', async () => {
    const r = await run([SAMPLE, '--budget', '1B']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('imgsize: usage: --budget belongs to check (and diff): imgsize check IMAGE --budget …\nhint: run imgsize --help for usage\n');
  });

  it('a budget that names no metric gates what a pull downloads, and the verdict says so', async () => {
    const r = await run(['check', SAMPLE, '--budget', '424MB']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ PASS {2}compressed size 83\.6 kB \(83,639 bytes\) is within the budget 424 MB/m);
  });
});
