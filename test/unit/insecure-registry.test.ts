/**
 * --insecure-registry skips certificate verification for that one host:port only: a CDN the
 * registry redirects to (another host or port) is still verified. Two TLS servers with a
 * certificate no root signs, on loopback.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connector } from '../../src/registry/client.js';
import { makeTls } from '../helpers/registry.js';
import { tempDir } from '../helpers/temp.js';

const tmp = tempDir('imgsize-tls-');

describe('--insecure-registry and TLS', () => {
  const servers: Server[] = [];
  const ports: number[] = [];
  beforeAll(async () => {
    const tls = makeTls(tmp());
    for (let i = 0; i < 2; i++) {
      const s = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      servers.push(s);
      ports.push((s.address() as { port: number }).port);
    }
  });
  afterAll(() => {
    for (const s of servers) s.close();
  });

  const connect = (c: ReturnType<typeof connector>, port: number): Promise<string> =>
    new Promise((resolve) => {
      c({ hostname: '127.0.0.1', host: `127.0.0.1:${port}`, port: String(port), protocol: 'https:', servername: null } as unknown as Parameters<typeof c>[0], (err, socket) => {
        socket?.destroy();
        resolve(err ? `refused: ${(err as NodeJS.ErrnoException).code ?? err.message}` : 'connected');
      });
    });

  it('connects to the insecure host without verifying it, and verifies every other', async () => {
    const c = connector([], `127.0.0.1:${ports[0]}`, { insecure: true });
    expect(await connect(c, ports[0]!)).toBe('connected');
    expect(await connect(c, ports[1]!)).toMatch(/^refused: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
  });

  it('verifies every host when none is insecure', async () => {
    expect(await connect(connector([], `127.0.0.1:${ports[0]}`), ports[0]!)).toMatch(/^refused: /);
  });
});
