/** The CLI run in-process: exit codes, what goes to stdout and what to stderr. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage, ociMembers, outerTar } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';

const SAMPLE = path.resolve(__dirname, '../../samples/hello.oci.tar');

async function armOnly(): Promise<Buffer> {
  const img = await buildImage({ architecture: 'arm64', layers: [{ entries: [{ path: 'x', size: 9 }] }] });
  return outerTar(ociMembers([img]));
}

describe('imgsize inspect', () => {
  it('prints the table report on stdout and exits 0', async () => {
    const r = await run([SAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Content\s+4\.8 MB\s+4,800,029/);
    expect(r.stdout).toMatch(/Wasted\s+1\.5 MB\s+1,500,000/);
    expect(r.stderr).toBe('');
  });

  it('prints the JSON report with --json', async () => {
    const r = await run([SAMPLE, '--json']);
    const rep = JSON.parse(r.stdout);
    expect(rep.schemaVersion).toBe(4);
    expect(rep.totals.wastedBytes).toBe(1_500_000);
    expect(rep.layers).toHaveLength(3);
  });

  it('renders Markdown with --format markdown', async () => {
    const r = await run([SAMPLE, '--format', 'markdown']);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      '<!-- imgsize -->',
      '### imgsize: hello\\:latest (linux/amd64)',
      '',
      'content **4.8 MB** · compressed **83.6 kB** · final 3.3 MB · wasted 1.5 MB · 3 layers · 3 files',
    ]);
  });

  it('reads stdin when given - and when given nothing on a pipe', async () => {
    const archive = await armOnly();
    for (const argv of [['-', '--json'], ['--json']]) {
      const r = await run(argv, { stdin: archive });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).totals.finalBytes).toBe(9);
    }
  });

  it('opens stdin by path when it is a regular file, and still calls it -', async () => {
    const never = Buffer.from('not read: the file is opened by path instead');
    const r = await run(['--json'], { stdin: never, stdinFile: SAMPLE });
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.source.path).toBe('-');
    expect(rep.totals.wastedBytes).toBe(1_500_000);
  });

  it('says on stderr, not stdout, which platform it chose', async () => {
    const r = await run(['--json'], { stdin: await armOnly() });
    expect(r.stderr).toBe('imgsize: no linux/amd64 image in the archive; using its only image, linux/arm64\n');
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('is silent on stderr with --quiet', async () => {
    const r = await run(['--json', '--quiet'], { stdin: await armOnly() });
    expect(r.stderr).toBe('');
  });

  it('exits 2 with a usage line when stdin is a terminal and no image is named', async () => {
    const r = await run([], { stdinIsTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('imgsize: input: no image given and stdin is a terminal');
    expect(r.stdout).toBe('');
  });

  it('exits 2 with one line for a file that does not exist', async () => {
    const r = await run(['/nonexistent/app.tar']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('imgsize: /nonexistent/app.tar: no such file or directory\n');
  });

  it('exits 2 on a folder that is not an image layout, without walking it', async () => {
    const r = await run([path.resolve(__dirname, '..')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not an image folder: no index.json \(OCI layout\) or manifest.json in it/);
  });

  it('exits 2 on an unknown option', async () => {
    const r = await run([SAMPLE, '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("imgsize: usage: unknown option '--frobnicate'\nhint: run imgsize --help for usage\n");
  });

  it('exits 2 on a malformed --platform', async () => {
    const r = await run([SAMPLE, '--platform', 'amd64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: --platform: expected os\/arch\[\/variant\]/);
  });

  it('exits 0 with usage and examples on --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/docker save app:latest \| imgsize/);
  });

  it('prints its version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('shows progress on stderr only when stderr is a terminal', async () => {
    const tty = await run([SAMPLE], { stderrIsTTY: true });
    expect(tty.stderr).toMatch(/\rimgsize: reading .*hello\.oci\.tar: [\d.]+ kB of 93.2 kB \(\d+%\)\u001b\[K/);
    const pipe = await run([SAMPLE], { stderrIsTTY: false });
    expect(pipe.stderr).toBe('');
    const off = await run([SAMPLE, '--no-progress'], { stderrIsTTY: true });
    expect(off.stderr).toBe('');
  });

  it('prints errors without a stack trace', async () => {
    const r = await run(['-'], { stdin: Buffer.from('garbage'.repeat(200)) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: /);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe('the bin', () => {
  it('says a promise rejected with nobody to hear it in one escaped line and exits 2, not with a stack trace and 1', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'imgsize-bin-'));
    try {
      // a bug's rejection while imgsize waits for stdin (kept open, empty)
      const preload = path.join(dir, 'reject.mjs');
      writeFileSync(preload, "setTimeout(() => Promise.reject(new Error('boom \\u001b[31mred\\nsecond line')), 200);\n");
      const child = spawn(process.execPath, ['--import', preload, path.resolve(__dirname, '../../bin/imgsize.js'), '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => void (stdout += d));
      child.stderr.on('data', (d: Buffer) => void (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^imgsize: internal error: boom .*red.*second line$/);
      expect(lines[0]).not.toContain('\u001b');
      expect(lines[1]).toBe('hint: run again with --debug and report it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
