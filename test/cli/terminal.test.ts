/**
 * A terminal (issue 24): under a real pseudo-terminal (util-linux's `script`) 80 columns wide,
 * tables fit — paths lose their start, steps their end, prose wraps — and colour marks the
 * verdict and the findings; NO_COLOR turns colour off; piped, nothing changes.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { tempFolders } from '../helpers/temp.js';
import { writeFileSync } from 'node:fs';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/imgsize.js');
const hasScript = spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;
const tmp = tempFolders('imgsize-tty-');
const ANSI = /\u001b\[[0-9;]*m/g;

/** imgsize under a pseudo-terminal `cols` wide: what the terminal shows, one entry a line. */
function onTerminal(args: string[], cols: number, env: Record<string, string> = {}): { raw: string; lines: string[] } {
  const cmd = `stty cols ${cols}; ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')} 2>/dev/null`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmp(), ...env } });
  const raw = r.stdout;
  return { raw, lines: raw.replace(/\r/g, '').replace(/\n$/, '').split('\n') };
}

async function wideImage(): Promise<string> {
  const deep = `usr/local/lib/python3.11/site-packages/${'very-long-package-name/'.repeat(4)}libsomething.so.12`;
  const img = await buildImage({
    tags: ['wide:1'],
    layers: [
      {
        entries: [
          { path: deep, size: 4000 },
          { path: 'app/.env', content: 'TOKEN=x\n' },
        ],
        createdBy: `RUN ${'pip install --no-cache-dir something-long '.repeat(6)}`,
      },
      { entries: [{ path: 'app/main.py', content: 'print(1)\n' }], createdBy: 'COPY . /app' },
    ],
  });
  const file = path.join(tmp(), 'wide.tar');
  writeFileSync(file, await outerTar(dockerLegacyMembers([img])));
  return file;
}

describe.runIf(hasScript)('on a terminal', () => {
  it('fits 80 columns: no line longer, paths cut from the start, steps from the end', async () => {
    const file = await wideImage();
    const { lines } = onTerminal([file], 80);
    const visible = lines.map((l) => l.replace(ANSI, ''));
    expect(Math.max(...visible.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(visible.find((l) => l.includes('libsomething.so.12'))).toMatch(/^…\S*\/libsomething\.so\.12 +4 kB +1$/);
    expect(visible.find((l) => l.startsWith('1 '))).toMatch(/RUN pip install .*…$/);
    const piped = spawnSync(process.execPath, [BIN, file], { encoding: 'utf8' }).stdout;
    expect(Math.max(...piped.split('\n').map((l) => [...l].length))).toBeGreaterThan(80); // piped: nothing cut
  });

  it('colours the verdict and the findings; NO_COLOR turns it off, and a pipe never gets any', async () => {
    const file = await wideImage();
    const args = ['check', file, '--budget', '1B', '--max-layers', '5'];
    const coloured = onTerminal(args, 100).raw;
    expect(coloured).toContain('\u001b[31m✖ FAIL\u001b[0m');
    expect(coloured).toContain('\u001b[32m✔ PASS\u001b[0m');
    expect(onTerminal([file], 100).raw).toMatch(/\u001b\[31m!\u001b\[0m 1 secret-looking file/);
    expect(onTerminal(args, 100, { NO_COLOR: '1' }).raw).not.toMatch(ANSI);
    // a diff: growth red, shrinkage green
    const hello = path.join(ROOT, 'samples/hello.oci.tar');
    const diff = onTerminal(['diff', hello, file], 100).raw;
    expect(diff).toMatch(/\u001b\[32m-[\d.]+ [kM]B\u001b\[0m/);
    const piped = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    expect(piped.stdout).not.toMatch(ANSI);
    expect(spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1' } }).stdout).toContain('\u001b[31m✖ FAIL');
  });
});
