import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // every core: the suite is CPU-bound (vitest leaves one core free by default, half of 2)
    maxWorkers: '100%',
    pool: 'threads',
  },
});
