import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs a script in a Node process of its own with `input` piped to its stdin. */
function withPipedStdin(script: string, input: Buffer): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input, encoding: 'utf8', maxBuffer: 1 << 20 });
  return { stdout: r.stdout, stderr: r.stderr };
}

const stdinModule = JSON.stringify(pathToFileURL(path.resolve('dist/cli/stdin.js')).href);

describe('stdin read from a pipe into one reused buffer', () => {
  it('yields every byte in order, each chunk from the same buffer, when the consumer is slow now and then', () => {
    const input = Buffer.alloc(9 << 20);
    for (let i = 0; i < input.length; i++) input[i] = (i * 31 + (i >> 12)) & 0xff;
    const script = `
      import { createHash } from 'node:crypto';
      import { stdinChunks } from ${stdinModule};
      const h = createHash('sha256');
      const buffers = new Set();
      let n = 0, k = 0;
      for await (const c of stdinChunks()) {
        h.update(c); n += c.length; buffers.add(c.buffer);
        if (++k % 16 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      process.stdout.write(JSON.stringify({ n, buffers: buffers.size, sha: h.digest('hex') }));
    `;
    const r = withPipedStdin(script, input);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ n: input.length, buffers: 1, sha: createHash('sha256').update(input).digest('hex') });
  });

  it('ends at once on an empty pipe', () => {
    const r = withPipedStdin(`import { stdinChunks } from ${stdinModule}; let n = 0; for await (const c of stdinChunks()) n += c.length; process.stdout.write(String(n));`, Buffer.alloc(0));
    expect(r).toEqual({ stdout: '0', stderr: '' });
  });
});
