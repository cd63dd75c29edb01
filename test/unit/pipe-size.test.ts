/** Pipes of 1 MiB for the decoders and for stdin (base/pipe-size.ts): perl sets them, where it is. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withBigPipes } from '../../src/base/pipe-size.js';

const hasPerl = process.platform === 'linux' && spawnSync('perl', ['-e', '1'], { stdio: 'ignore' }).status === 0;
/** Why the pipes stay 64 KiB here, if they do: not Linux, or no perl (under CI=true: a failure). */
const missing = process.platform !== 'linux' ? 'not Linux (F_SETPIPE_SZ)' : hasPerl ? undefined : 'perl is not installed';
/** perl printing the size of the pipes at its stdin and stdout (F_GETPIPE_SZ). */
const PRINT_SIZES = 'my $i = fcntl(STDIN, 1032, 0); my $o = fcntl(STDOUT, 1032, 0); print "$i $o"';

it.runIf(process.env.CI === 'true' && process.platform === 'linux')('CI has perl (.ci/run installs it)', () => {
  expect(missing).toBeUndefined();
});

describe.skipIf(missing !== undefined)(`pipes of 1 MiB (Linux, with perl)${missing ? ` — skipped: ${missing}` : ''}`, () => {
  /** `cmd args` between two pipes (Node's own stdio pipes are socket pairs: no pipe size). */
  const piped = (cmd: string, args: string[], input = 'printf x'): string => spawnSync('sh', ['-c', `${input} | "$@" | cat`, 'sh', cmd, ...args]).stdout.toString();

  it('a decoder command runs with 1 MiB pipes at its stdin and stdout', () => {
    expect(piped('perl', ['-e', PRINT_SIZES])).toBe('65536 65536');
    const run = withBigPipes('perl', ['-e', PRINT_SIZES]);
    expect(piped(run.cmd, run.args)).toBe('1048576 1048576');
  });

  it('the command itself runs: its arguments, output and exit code are its own', () => {
    const run = withBigPipes('sh', ['-c', 'cat; echo " $1"; exit 3', 'sh', 'a b']);
    const r = spawnSync(run.cmd, run.args, { input: 'in' });
    expect([r.stdout.toString(), r.status]).toEqual(['in a b\n', 3]);
  });

  it('the CLI makes the pipe at its stdin 1 MiB before reading it', () => {
    const stdin = fileURLToPath(new URL('../../dist/cli/stdin.js', import.meta.url));
    const script = `const { stdinChunks } = await import(${JSON.stringify(stdin)}); let n = 0; for await (const c of stdinChunks()) n += c.length; const { spawnSync } = await import('node:child_process'); process.stdout.write(n + ' ' + spawnSync('perl', ['-e', 'print fcntl(STDIN, 1032, 0)'], { stdio: [0, 'pipe', 'ignore'] }).stdout);`;
    expect(piped(process.execPath, ['--input-type=module', '-e', script], `head -c ${3 << 20} /dev/zero`)).toBe(`${3 << 20} 1048576`);
  });
});
