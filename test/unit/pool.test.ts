/** base/pool.ts: layers, downloads and cache entries run a few at a time, largest first. */
import { describe, expect, it } from 'vitest';
import { bySizeDown, eachAtOnce } from '../../src/base/pool.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('eachAtOnce', () => {
  it('runs every item, never more than atOnce at a time, starting them in order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await eachAtOnce([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      started.push(n);
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < n; i++) await tick();
      running--;
    });
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('starts no item after a failure, rejects with the first failure and tells the running ones', async () => {
    const started: string[] = [];
    const stop = { failed: false };
    let sawStop = false;
    const run = eachAtOnce(
      ['slow', 'bad', 'c', 'd'],
      2,
      async (x) => {
        started.push(x);
        if (x === 'bad') throw new Error('bad layer');
        for (let i = 0; i < 5; i++) await tick();
        sawStop = stop.failed;
      },
      stop,
    );
    await expect(run).rejects.toThrow('bad layer');
    for (let i = 0; i < 10; i++) await tick();
    expect(started).toEqual(['slow', 'bad']);
    expect(sawStop).toBe(true);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await eachAtOnce([], 2, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });
});

describe('bySizeDown', () => {
  it('orders by size, largest first, without touching the list it is given', () => {
    const xs = [{ size: 3 }, { size: 2_000_000_000 }, { size: 70 }];
    expect(bySizeDown(xs).map((x) => x.size)).toEqual([2_000_000_000, 70, 3]);
    expect(xs.map((x) => x.size)).toEqual([3, 2_000_000_000, 70]);
  });
});
