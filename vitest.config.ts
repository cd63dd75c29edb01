import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `fast` (npm test): unit and CLI tests on inputs built in code, and the conformance
 * suite over ../shared/corpus — about 22 s on an idle 2-core machine. `e2e` (npm run test:e2e,
 * and .ci/run): what starts real components — registries, Podman's API service, Chromium, npm
 * pack + install, the simulated Actions runner, the corpus compressed as a whole and pushed to a
 * registry, the seed's story at full size — and the tests that need big inputs to mean anything
 * (decompression bombs, big zstd layers through external decoders, the push-size estimate).
 *
 * The fast tier shares one module graph per worker (isolate: false): each file re-importing src/
 * cost 12 of its 33 s. Its tests hold no state in modules (a run's state is in its Io and options).
 *
 * No per-test time limit: a busy 2-core machine (load 7–13 seen) makes a slow test slower, never
 * wrong. A test that hangs is cut by .ci/run's own limit on the whole run.
 */
const E2E = [
  'test/browser/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/cli/registry.test.ts',
  'test/cli/daemon.test.ts',
  'test/cli/pack.test.ts',
  'test/cli/workflow.test.ts',
  'test/cli/readme.test.ts',
  'test/conformance/corpus-gzip.test.ts',
  'test/conformance/corpus-zstd.test.ts',
  'test/conformance/corpus-registry.test.ts',
  'test/unit/hostile.test.ts',
  'test/unit/push-size.test.ts',
  'test/unit/decompress.test.ts',
  'test/unit/file-reader.test.ts',
];

const common = {
  // the layer cache only where a test asks for it (--cache DIR): runs of the CLI in processes of
  // their own would otherwise fill ~/.cache/imgsize and see each other's layers
  env: { IMGSIZE_CACHE: 'off' },
  testTimeout: 0,
  hookTimeout: 0,
  // every core: the suite is CPU-bound (vitest leaves one core free by default, half of 2)
  maxWorkers: '100%',
  pool: 'threads' as const,
};

export default defineConfig({
  test: {
    ...common,
    projects: [{ test: { ...common, isolate: false, name: 'fast', include: ['test/**/*.test.ts'], exclude: E2E } }, { test: { ...common, name: 'e2e', include: E2E } }],
  },
});
