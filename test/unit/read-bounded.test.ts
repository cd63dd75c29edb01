import { describe, expect, it } from 'vitest';
import { readBounded } from '../../src/base/read.js';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield Buffer.from(p);
}

async function* breaksAfter(part: string): AsyncGenerator<Buffer> {
  yield Buffer.from(part);
  throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

describe('a small body read whole within a bound', () => {
  it('reads a body within the bound whole', async () => {
    expect((await readBounded(chunks('ab', 'cd'), 4, 'cut')).toString()).toBe('abcd');
  });

  it('cut: keeps what came before the chunk that passed the bound and stops', async () => {
    expect((await readBounded(chunks('ab', 'cd', 'ef'), 5, 'cut')).toString()).toBe('abcd');
  });

  it('throws the caller’s error past the bound, not the broken-read one', async () => {
    await expect(
      readBounded(
        chunks('abc', 'def'),
        5,
        () => new Error('too big'),
        () => new Error('broke'),
      ),
    ).rejects.toThrow('too big');
  });

  it('says how many bytes came before a read broke', async () => {
    await expect(readBounded(breaksAfter('abc'), 10, 'cut', (n, e) => new Error(`broke after ${n} (${(e as NodeJS.ErrnoException).code})`))).rejects.toThrow('broke after 3 (ECONNRESET)');
  });
});
