/** The decoders, one by one: libzstd in-process (zstd-napi), the zstd command, fzstd; igzip through a pipe and a FIFO. */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EXTERNAL_MIN_BYTES, createDecoder, zstdDecoderName } from '../../src/layer/decompress.js';
import type { DecoderChoice } from '../../src/layer/decoder.js';
import { zstdRaw } from '../fixtures/builder.js';

const hasZstdCommand = spawnSync('sh', ['-c', 'command -v zstd'], { stdio: 'ignore' }).status === 0;
const hasIgzip = spawnSync('sh', ['-c', 'command -v igzip'], { stdio: 'ignore' }).status === 0;
const napiBuilt = existsSync(fileURLToPath(new URL('../../node_modules/zstd-napi/build/Release/binding.node', import.meta.url)));

/** Deterministic bytes that compress like code does: repeats with variation. */
function sample(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    if (i % 64 === 0) x = (x * 1103515245 + 12345) >>> 0;
    b[i] = (x >>> (i % 24)) & 0x3f;
  }
  return b;
}

/** Real compressed frames from the zstd command (two, concatenated, as `cat a.zst b.zst` gives). */
function zstdFrames(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts.map((p) => spawnSync('zstd', ['-q', '-c', '-3'], { input: p, maxBuffer: 1 << 30 }).stdout));
}

/**
 * Feeds `input` in odd-sized chunks; every third output chunk is taken asynchronously. With
 * `reuseOutput` the chunks are copied (the decoder may reuse them), else kept as they come.
 */
/** The decoder choice the tests below pass in (as the CLI does from IMGSIZE_DECODER). */
let choice: DecoderChoice = 'auto';

async function decode(input: Buffer, reuseOutput = true): Promise<Buffer> {
  const out: Buffer[] = [];
  let n = 0;
  const d = createDecoder(
    'zstd',
    (c) => {
      out.push(reuseOutput ? Buffer.from(c) : c);
      if (++n % 3 === 0) return new Promise((r) => setTimeout(r, 1));
    },
    { sizeHint: EXTERNAL_MIN_BYTES, reuseOutput, choice },
  );
  for (let at = 0; at < input.length; ) {
    const len = Math.min(input.length - at, 50_000 + (at % 7) * 33_333);
    const w = d.write(input.subarray(at, at + len));
    if (w) await w;
    at += len;
  }
  await d.end();
  return Buffer.concat(out);
}

const decoders = [
  { name: 'zstd-napi', env: undefined as DecoderChoice | undefined, runs: napiBuilt },
  { name: 'the zstd command', env: 'external' as const, runs: hasZstdCommand },
  { name: 'fzstd', env: 'builtin' as const, runs: true },
];

afterEach(() => {
  choice = 'auto';
});

describe('choosing the zstd decoder', () => {
  it('takes libzstd in-process when zstd-napi was built, else the zstd command for big blobs, else fzstd', () => {
    const big = EXTERNAL_MIN_BYTES;
    expect(zstdDecoderName(big)).toBe(napiBuilt ? 'zstd-napi' : hasZstdCommand ? 'zstd command' : 'fzstd');
    expect(zstdDecoderName(1000)).toBe(napiBuilt ? 'zstd-napi' : 'fzstd');
    expect(zstdDecoderName(big, 'external')).toBe(hasZstdCommand ? 'zstd command' : 'fzstd');
    expect(zstdDecoderName(big, 'builtin')).toBe('fzstd');
  });
});

for (const dec of decoders) {
  describe.skipIf(!dec.runs)(`zstd via ${dec.name}`, () => {
    const use = (): void => {
      if (dec.env) choice = dec.env;
    };

    it('decodes raw-block frames byte for byte', async () => {
      use();
      const data = sample(700_000);
      expect((await decode(zstdRaw(data))).equals(data)).toBe(true);
    });

    it.skipIf(!hasZstdCommand)('decodes concatenated compressed frames byte for byte', async () => {
      use();
      const a = sample(3_000_000);
      const b = sample(1_234_567).reverse();
      const got = await decode(zstdFrames(a, b));
      expect(got.length).toBe(a.length + b.length);
      expect(got.equals(Buffer.concat([a, b]))).toBe(true);
    });

    it.skipIf(!hasZstdCommand)('hands out chunks the consumer may keep, unless it allows reuse', async () => {
      use();
      const a = sample(2_500_000);
      expect((await decode(zstdFrames(a), false)).equals(a)).toBe(true);
    });

    it('reports a stream cut inside a frame as invalid zstd data', async () => {
      use();
      const whole = zstdRaw(sample(400_000));
      await expect(decode(whole.subarray(0, whole.length - 1000))).rejects.toThrow(/invalid zstd data/);
    });

    it('reports garbage after the magic as invalid zstd data', async () => {
      use();
      const bad = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(5000, 0xff)]);
      await expect(decode(bad)).rejects.toThrow(/invalid zstd data/);
    });

    it.skipIf(!hasZstdCommand)('decodes streams one after another, each from its start, also after one that failed or stopped midway', async () => {
      use();
      // (libzstd's contexts go back to a pool after a stream: each must start clean)
      const a = sample(1_500_000);
      const b = sample(900_000).reverse();
      const za = zstdFrames(a);
      expect((await decode(za)).equals(a)).toBe(true);
      await expect(decode(za.subarray(0, za.length >> 1))).rejects.toThrow(/invalid zstd data/);
      const stopped = createDecoder('zstd', () => undefined, { sizeHint: EXTERNAL_MIN_BYTES, reuseOutput: true, choice });
      await stopped.write(za.subarray(0, za.length >> 1));
      expect((await decode(zstdFrames(b))).equals(b)).toBe(true);
      expect((await decode(za)).equals(a)).toBe(true);
    });
  });
}

describe('end() waits for the consumer', () => {
  // `docker save | gzip`: the tar reader was still busy with the last inflated chunk when the
  // gzip stream ended, and the archive read as truncated
  it('gzip: end() resolves only after the consumer is done with the last chunk', async () => {
    const { gzipSync } = await import('node:zlib');
    const input = sample(3 << 20);
    let consumed = 0;
    let finished = false;
    const d = createDecoder('gzip', (c) => {
      return new Promise<void>((r) =>
        setTimeout(() => {
          consumed += c.length;
          r();
        }, 5),
      );
    });
    const w = d.write(gzipSync(input));
    if (w) await w;
    await d.end().then(() => (finished = true));
    expect(finished).toBe(true);
    expect(consumed).toBe(input.length);
  });

  // the outer archive's tar reader takes one chunk at a time: an external decoder delivered the
  // next chunk while the reader still waited on the previous one, and `docker save | gzip` read
  // through igzip stopped half the time (exit 13: a promise nobody would settle)
  it.each([
    ['gzip', hasIgzip, (b: Buffer) => gzipSync(b)],
    ['zstd', hasZstdCommand, (b: Buffer) => zstdFrames(b)],
  ] as const)('%s through its command: one chunk in the consumer at a time, in order', async (kind, runs, pack) => {
    if (!runs) {
      if (process.env.CI) throw new Error(`${kind === 'gzip' ? 'igzip (Debian package isal)' : 'zstd'} is missing: .ci/run installs it`);
      console.warn(`skipped: no ${kind === 'gzip' ? 'igzip' : 'zstd'} command here`);
      return;
    }
    const input = sample(3 << 20);
    const out: Buffer[] = [];
    let inHand = 0;
    let most = 0;
    const d = createDecoder(
      kind,
      (c) => {
        inHand++;
        most = Math.max(most, inHand);
        const copy = Buffer.from(c);
        return new Promise<void>((r) =>
          setTimeout(() => {
            out.push(copy);
            inHand--;
            r();
          }, 2),
        );
      },
      { sizeHint: EXTERNAL_MIN_BYTES, choice: 'external' },
    );
    const w = d.write(pack(input));
    if (w) await w;
    await d.end();
    expect(most).toBe(1);
    expect(Buffer.concat(out).equals(input)).toBe(true);
  });

  it.runIf(hasZstdCommand)('an external decoder (the zstd command) too', async () => {
    const input = sample(3 << 20);
    let consumed = 0;
    const d = createDecoder('zstd', (c) => new Promise<void>((r) => setTimeout(() => ((consumed += c.length), r()), 5)), { sizeHint: EXTERNAL_MIN_BYTES, choice: 'external' });
    const w = d.write(zstdFrames(input));
    if (w) await w;
    await d.end();
    expect(consumed).toBe(input.length);
  });
});

describe('an external decoder reading its output through a FIFO (the CLI’s main thread)', () => {
  // the FIFO is used on the main thread only: this runs a Node process of its own on the built decoder
  it.runIf(hasIgzip)('hands every byte over in order into one reused buffer, pausing for a slow consumer', () => {
    const input = sample(24 << 20);
    const dir = mkdtempSync(path.join(tmpdir(), 'imgsize-fifo-'));
    try {
      writeFileSync(path.join(dir, 'in.gz'), gzipSync(input));
      const script = `
        import { readFileSync } from 'node:fs';
        import { createHash } from 'node:crypto';
        import { createDecoder } from ${JSON.stringify(pathToFileURL(path.resolve('dist/layer/decompress.js')).href)};
        const h = createHash('sha256');
        let n = 0, chunks = 0;
        const d = createDecoder('gzip', (c) => {
          h.update(c); n += c.length; chunks++;
          // every tenth chunk waits: the buffer must not be read into meanwhile
          if (chunks % 10 === 0) return new Promise((r) => setTimeout(r, 1)).then(() => { h.update(Buffer.alloc(0)); });
        }, { sizeHint: 64 << 20, reuseOutput: true, choice: 'external' });
        const w = d.write(readFileSync(${JSON.stringify(path.join(dir, 'in.gz'))}));
        if (w) await w;
        await d.end();
        process.stdout.write(JSON.stringify({ via: d.via, n, sha: h.digest('hex') }));
      `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ via: 'fifo', n: input.length, sha: createHash('sha256').update(input).digest('hex') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(hasIgzip)('writing to an external decoder', () => {
  /** Decodes `parts` of a gzip stream with igzip, each write or batch awaited; the output. */
  async function igzip(write: (d: ReturnType<typeof createDecoder>) => Promise<void>): Promise<Buffer> {
    const out: Buffer[] = [];
    const d = createDecoder('gzip', (c) => void out.push(c), { sizeHint: 64 << 20, choice: 'external' });
    await write(d);
    await d.end();
    return Buffer.concat(out);
  }

  it('takes a chunk as it is: once its write settles the caller may write into it again', async () => {
    const input = sample(6 << 20);
    const gz = gzipSync(input);
    const own = Buffer.alloc(256 << 10);
    const got = await igzip(async (d) => {
      for (let at = 0; at < gz.length; at += own.length) {
        const n = gz.copy(own, 0, at, at + own.length);
        await d.write(own.subarray(0, n));
        own.fill(0xee); // what the decoder has not taken by now would be corrupt
      }
    });
    expect(got.equals(input)).toBe(true);
  });

  it('takes several chunks at once, in order (a download’s, given away)', async () => {
    const input = sample(3 << 20);
    const gz = gzipSync(input);
    const parts = [0, 1, 2, 3, 4].map((i) => gz.subarray(Math.floor((i * gz.length) / 5), Math.floor(((i + 1) * gz.length) / 5)));
    const got = await igzip(async (d) => {
      await d.writeChunks!(parts.slice(0, 3));
      await d.writeChunks!(parts.slice(3));
    });
    expect(got.equals(input)).toBe(true);
  });
});
