/** What pushing a layer stored uncompressed uploads: the sampled estimate, the exact figure, and where they show. */
import { spawnSync } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createPushSizer, samplePlan, MAX_SAMPLES, MIN_SAMPLES, SAMPLE_BYTES, WHOLE_BYTES } from '../../src/layer/push-size.js';
import { buildImage, dockerLegacyMembers, ociMembers, outerTar } from '../fixtures/builder.js';
import { inspector } from '../helpers/image.js';
import { run } from '../helpers/run.js';
import { writeFileSync } from 'node:fs';

import path from 'node:path';
import { tempFolders } from '../helpers/temp.js';

const tmp = tempFolders('imgsize-push-');

const hasGzip = spawnSync('sh', ['-c', 'command -v gzip'], { stdio: 'ignore' }).status === 0;

/** Bytes that compress like a layer's mix: text-like runs, incompressible runs, zero runs. */
function mixed(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  const words = ['import', 'def ', 'return', 'self.', 'numpy', ' = ', '(x)', '\n    ', 'class ', 'lib'];
  let i = 0;
  while (i < n) {
    x = (x * 1103515245 + 12345) >>> 0;
    const kind = x % 7;
    const len = Math.min(n - i, 2000 + (x % 60000));
    if (kind < 3) {
      for (let j = 0; j < len; ) {
        x = (x * 1103515245 + 12345) >>> 0;
        const w = words[x % words.length]!;
        j += b.write(w, i + j, Math.min(w.length, len - j), 'latin1');
      }
    } else if (kind < 6) {
      for (let j = 0; j < len; j++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        b[i + j] = x & 0xff;
      }
    }
    i += len;
  }
  return b;
}

async function feed(sizer: ReturnType<typeof createPushSizer>, data: Buffer, chunk: number, skip = false): Promise<number> {
  let at = 0;
  while (at < data.length) {
    const gap = skip ? Math.min(sizer.untilNeeded, data.length - at) : 0;
    if (gap > 0) {
      sizer.skip(gap);
      at += gap;
      continue;
    }
    const w = sizer.write(data.subarray(at, Math.min(data.length, at + chunk)));
    if (w) await w;
    at += chunk;
  }
  return (await sizer.finish()).bytes;
}

describe('the sample plan', () => {
  it('deflates small layers whole and samples big ones, between the bounds', () => {
    expect(samplePlan(WHOLE_BYTES)).toBeUndefined();
    for (const size of [3 << 20, 64 << 20, 3 * 2 ** 30]) {
      const p = samplePlan(size)!;
      const n = Math.floor(size / p.stride);
      expect(n).toBeGreaterThanOrEqual(Math.min(MIN_SAMPLES, Math.floor(size / (2 * SAMPLE_BYTES))) - 1);
      expect(n).toBeLessThanOrEqual(MAX_SAMPLES + 1);
      expect(p.first + SAMPLE_BYTES).toBeLessThanOrEqual(p.stride);
    }
  });
});

describe('the sampled estimate', () => {
  const data = mixed(12 << 20);
  const whole = deflateRawSync(data, { level: 6 }).length + 18;

  it('is within 3 % of deflating the whole stream at level 6', async () => {
    const est = await feed(createPushSizer('sampled', data.length), data, 1 << 20);
    expect(Math.abs(est / whole - 1)).toBeLessThan(0.03);
  });

  it('does not depend on how the stream is cut into chunks', async () => {
    const a = await feed(createPushSizer('sampled', data.length), data, 1 << 20);
    const b = await feed(createPushSizer('sampled', data.length), data, 37 * 1024 + 11);
    expect(b).toBe(a);
  });

  it('lets a reader jump over what no sample or window needs, with the same figure', async () => {
    const read = await feed(createPushSizer('sampled', data.length), data, 64 << 10);
    const jumped = await feed(createPushSizer('sampled', data.length), data, 64 << 10, true);
    expect(jumped).toBe(read);
  });

  it('deflates a small layer whole: exactly what zlib level 6 gives', async () => {
    const small = mixed(1 << 20, 3);
    const s = createPushSizer('sampled', small.length);
    expect(await feed(s, small, 100_000)).toBe(deflateRawSync(small, { level: 6 }).length + 18);
  });
});

describe.runIf(hasGzip)('the exact figure (--exact-push-size)', () => {
  it('is what gzip -6 writes for the stream', async () => {
    const data = mixed(3 << 20, 5);
    const ref = spawnSync('gzip', ['-6', '-c', '-n'], { input: data, maxBuffer: 1 << 26 }).stdout.length;
    const s = createPushSizer('exact', data.length);
    expect(await feed(s, data, 1 << 16)).toBe(ref);
  });
});

describe('in the report and the gate', () => {
  const image = () =>
    buildImage({
      tags: ['plain:1'],
      layers: [
        { entries: [{ path: 'usr/lib/big.so', content: mixed(5 << 20, 11) }], createdBy: 'COPY big.so' },
        { entries: [{ path: 'app/main.py', content: 'print(1)\n'.repeat(2000) }], compression: 'gzip', createdBy: 'COPY app' },
      ],
    });

  for (const via of ['stream', 'file'] as const) {
    it(`a layer stored uncompressed gets its gzip size, marked estimated; a gzip layer keeps its blob size (${via})`, async () => {
      const img = await image();
      const r = await inspector(via)(await outerTar(dockerLegacyMembers([img])));
      const [plain, gz] = r.layers;
      expect(plain!.compressedBytes).toBe(img.layers[0]!.blob.length);
      expect(plain!.pushSize).toMatchObject({ method: 'sampled', by: 'zlib level 6', estimated: true });
      const ref = deflateRawSync(img.layers[0]!.tar, { level: 6 }).length;
      expect(Math.abs(plain!.pushBytes / ref - 1)).toBeLessThan(0.03);
      expect(gz!.pushBytes).toBe(gz!.compressedBytes);
      expect(gz!.pushSize).toBeUndefined();
      expect(r.totals.pushBytes).toBe(plain!.pushBytes + gz!.pushBytes);
      expect(r.totals.pushEstimatedLayers).toEqual([1]);
      expect(r.totals.compressedBytes).toBe(plain!.compressedBytes + gz!.compressedBytes);
    });
  }

  it('check --metric compressed gates the push size and says it is an estimate, with the margin', async () => {
    const img = await image();
    const dir = tmp();
    const file = path.join(dir, 'app.tar');
    writeFileSync(file, await outerTar(ociMembers([img], { dockerManifest: true })));
    const json = JSON.parse((await run([file, '--json'])).stdout);
    const push = json.totals.pushBytes as number;
    const stored = json.totals.compressedBytes as number;
    expect(push).toBeLessThan(stored);
    // a budget between the push size and the stored size passes: what a push uploads counts
    const r = await run(['check', file, '--metric', 'compressed', '--budget', String(Math.floor((push + stored) / 2))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/compressed size ~[\d.]+ MB \([\d,]+ bytes\) is within the budget .* \(estimated ±7 %: 1 layer\(s\) stored uncompressed, .* the verdict holds across the margin\)/);
    const near = await run(['check', file, '--metric', 'compressed', '--budget', String(push)]);
    expect(near.stdout).toMatch(/within the margin the verdict could flip: run with --exact-push-size/);
    const table = await run([file]);
    expect(table.stdout).toMatch(/^Compressed\s+~[\d.]+ MB .*estimated: 1 layer\(s\) stored uncompressed/m);
    expect(table.stdout).toMatch(/^Stored\s+[\d.]+ MB/m);
  });

  it.runIf(hasGzip)('--exact-push-size gzips the layer whole: exact, not an estimate', async () => {
    const img = await image();
    const dir = tmp();
    const file = path.join(dir, 'app.tar');
    writeFileSync(file, await outerTar(dockerLegacyMembers([img])));
    const r = JSON.parse((await run([file, '--json', '--exact-push-size'])).stdout);
    const ref = spawnSync('gzip', ['-6', '-c', '-n'], { input: img.layers[0]!.tar, maxBuffer: 1 << 26 }).stdout.length;
    expect(r.layers[0].pushBytes).toBe(ref);
    expect(r.layers[0].pushSize).toMatchObject({ method: 'exact', by: 'gzip -6', estimated: false });
    expect(r.totals.pushEstimatedLayers).toEqual([]);
  });
});
