import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { startWorker, workerSource } from '../../src/layer/worker.js';

function echoDigest(wt: typeof import('node:worker_threads'), crypto: typeof import('node:crypto'), k: { prefix: string }): void {
  wt.parentPort!.on('message', (text: string) => {
    wt.parentPort!.postMessage(`${k.prefix}${crypto.createHash('sha256').update(text).digest('hex')}`);
  });
}

describe('a worker whose body is a typed function', () => {
  it('runs the function with the modules it asks for and the constants', async () => {
    const w = startWorker(['node:worker_threads', 'node:crypto'], echoDigest, { prefix: 'sha256:' });
    try {
      w.postMessage('abc');
      const [reply] = await once(w, 'message');
      expect(reply).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    } finally {
      await w.terminate();
    }
  });

  it('writes the requires outside the body, the constants as JSON', () => {
    const src = workerSource(['node:worker_threads', 'node:crypto'], echoDigest, { prefix: '"x' });
    expect(src.startsWith('(function echoDigest(')).toBe(true);
    expect(src.endsWith(`)(require("node:worker_threads"), require("node:crypto"), {"prefix":"\\"x"});`)).toBe(true);
  });
});
