/**
 * A registry that answers badly (issue 21, defect 5): a manifest or token cut short, a manifest
 * that is not JSON, a Content-Length that does not match the body, a redirect loop. Each is one
 * line naming the registry and what was wrong, exit 2 — never "internal error". The registry is a
 * loopback server of the test's own that writes raw HTTP, so that each fault is exactly the one
 * named.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';

type Answer = (path: string, socket: Socket, port: number) => void;

const raw = (socket: Socket, status: string, headers: Record<string, string | number>, body: string | Buffer = ''): void => {
  const head = Object.entries({ connection: 'close', ...headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${head}\r\n`), Buffer.from(body)]));
};

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

/** The faults, by repository name. */
const faults: Record<string, Answer> = {
  // a manifest whose answer stops after 10 of the 1,000 bytes it announced
  cut: (_p, s) => {
    s.write(`HTTP/1.1 200 OK\r\ncontent-type: ${MANIFEST_TYPE}\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n{"schemaVe`);
    setTimeout(() => s.destroy(), 20);
  },
  notjson: (_p, s) => raw(s, '200 OK', { 'content-type': MANIFEST_TYPE, 'content-length': 21 }, '<html>oops</html>\n\n\n\n'),
  // Content-Length says 5, 60 bytes follow
  short: (_p, s) => raw(s, '200 OK', { 'content-type': MANIFEST_TYPE, 'content-length': 5 }, `{"schemaVersion":2,"config":{},"layers":[],"mediaType":"x"}`),
  loop: (p, s) => raw(s, '307 Temporary Redirect', { location: p, 'content-length': 0 }),
  // a new place every time: /v2/chain/manifests/latest/1/1/…
  chain: (p, s) => raw(s, '307 Temporary Redirect', { location: `${p}/1`, 'content-length': 0 }),
  // a registry's own error message, written to paint the terminal and add workflow commands
  evil: (_p, s) => {
    const body = JSON.stringify({ errors: [{ code: 'UNKNOWN', message: '\u001b]0;owned\u0007\r\nimgsize: all good\n::error::fake' }] });
    raw(s, '500 Internal Server Error', { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body);
  },
  // a token service whose answer is cut short
  token: (p, s, port) => {
    if (p.startsWith('/token')) {
      s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\nconnection: close\r\n\r\n{"token":"ab');
      setTimeout(() => s.destroy(), 20);
      return;
    }
    raw(s, '401 Unauthorized', { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="test"`, 'content-length': 0 });
  },
};

let server: Server;
let host: string;

beforeAll(async () => {
  server = createServer((socket) => {
    let got = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      // a TLS ClientHello (imgsize tries HTTPS first on loopback) is not HTTP: closing it makes imgsize fall back
      if (!/^[A-Z]/.test(got)) return void socket.destroy();
      if (!got.includes('\r\n\r\n')) return;
      const path = got.split(' ')[1] ?? '/';
      const repo = /^\/v2\/([^/]+)\//.exec(path)?.[1] ?? (path.startsWith('/token') ? 'token' : '');
      const answer = faults[repo];
      if (!answer) return raw(socket, '404 Not Found', { 'content-length': 0 });
      answer(path, socket, (server.address() as { port: number }).port);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => void server?.close());

describe('a registry whose answers are broken', () => {
  it.each([
    ['cut', [], /^imgsize: 127\.0\.0\.1:\d+: the manifest latest broke off after \d+ bytes \(\w+\)\n$/],
    ['notjson', [], /^imgsize: 127\.0\.0\.1:\d+: the manifest latest is not JSON \(.*\)\n$/],
    ['notjson', ['--manifest-only'], /^imgsize: 127\.0\.0\.1:\d+: the manifest latest is not JSON \(.*\)\n$/],
    ['short', [], /^imgsize: 127\.0\.0\.1:\d+: the manifest latest (is not JSON|broke off after \d+ bytes) \(.*\)\n$/],
    ['loop', [], /^imgsize: 127\.0\.0\.1:\d+: its redirects for \/v2\/loop\/manifests\/latest go round in a loop\n$/],
    ['chain', [], /^imgsize: 127\.0\.0\.1:\d+: more than 5 redirects for manifests\/latest \(the last to \/v2\/chain\/manifests\/latest\/1\/1\/1\/1\/1\/1\)\n$/],
    ['evil', [], /^imgsize: 127\.0\.0\.1:\d+\/evil:latest: the registry answered HTTP 500 \(UNKNOWN: \\x1b\]0;owned\\x07\\x0d\\x0aimgsize: all good\\x0a::error::fake\) for manifests\/latest\n$/],
    ['token', [], /^imgsize: the token service at http:\/\/127\.0\.0\.1:\d+: the token broke off after \d+ bytes \(\w+\)\n$/],
  ])('%s %s: one line naming the registry, exit 2', async (repo, flags, line) => {
    const r = await run(['--source', 'registry', `${host}/${repo}:latest`, ...flags], { env: { HOME: '/nonexistent' } });
    expect(r.stderr).toMatch(line);
    expect(r.stderr).not.toMatch(/internal error/);
    expect([r.code, r.stdout]).toEqual([2, '']);
  });
});
