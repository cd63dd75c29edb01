import { describe, expect, it } from 'vitest';
import { decompress } from 'fzstd';
import { zstdRaw, tarOf } from '../fixtures/builder.js';

describe('fixture builder', () => {
  it('writes zstd frames a real decoder reads', () => {
    const data = Buffer.alloc(300_000, 7);
    expect(Buffer.from(decompress(zstdRaw(data))).equals(data)).toBe(true);
  });
  it('writes tars with 512-byte blocks and an end marker', async () => {
    const t = await tarOf([{ path: 'a', content: 'x' }]);
    expect(t.length % 512).toBe(0);
    expect(t.subarray(t.length - 1024).every((b) => b === 0)).toBe(true);
  });
});
