/**
 * A real registry for the tests: Debian's docker-registry (CNCF distribution) run by hand on
 * 127.0.0.1 with a random port and a temporary store, images pushed with skopeo. Never the packaged
 * service (it binds :5000 on all interfaces). Under CI=true a missing docker-registry or skopeo fails
 * the run (.ci/run installs them); elsewhere the tests that need them are skipped with a reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID, sign as rsaSign, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { spawnService } from './service.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
export const registryTools = has('docker-registry') && has('skopeo');
export const missingTools = registryTools ? undefined : 'docker-registry and skopeo (Debian packages docker-registry, skopeo)';

/** A bcrypt (cost 4) htpasswd line for tester:testpass. */
export const HTPASSWD = 'tester:$2b$04$dZwVoRv5gcwWIG4/EztCyO/T5cx1ppAYJ28og0Au2uT3h2Bsvw7Fu';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface Registry {
  readonly host: string;
  /** skopeo copy into the registry (asynchronous: a token server in this process must keep answering). */
  push(source: string, ref: string, extra?: string[]): Promise<void>;
  stop(): void;
}

/**
 * A token server for distribution's "token" auth (as Docker Hub's auth.docker.io): RS256 JWTs whose
 * x5c header carries its self-signed certificate (the registry trusts it through rootcertbundle).
 * Anonymous callers may pull public/*; tester:testpass (Basic, or its refresh token) anything.
 */
export interface TokenServer {
  readonly port: number;
  readonly cert: string;
  /** One line per token asked for: `GET anonymous scope`, `POST refresh_token tester scope`. */
  readonly log: string[];
  /** A refresh token for tester (what `docker login` keeps as identitytoken). */
  readonly refreshToken: string;
  stop(): void;
}

export async function startTokenServer(dir: string): Promise<TokenServer> {
  const keyFile = path.join(dir, 'token.key');
  const cert = path.join(dir, 'token.crt');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', cert, '-days', '2', '-subj', '/CN=imgsize-test-token');
  const key = createPrivateKey(readFileSync(keyFile));
  const der = new X509Certificate(readFileSync(cert)).raw.toString('base64');
  const b64u = (s: string): string => Buffer.from(s).toString('base64url');
  const log: string[] = [];
  const refresh = new Map<string, string>();
  const refreshToken = randomUUID();
  refresh.set(refreshToken, 'tester');
  const token = (user: string | null, service: string, scopes: string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.filter(Boolean).map((s) => {
      const [type, name = '', actions = ''] = s.split(':');
      return { type, name, actions: actions.split(',').filter((a) => (user ? true : name.startsWith('public/') && a === 'pull')) };
    });
    const h = b64u(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der] }));
    const c = b64u(JSON.stringify({ iss: 'imgsize-test-issuer', sub: user ?? '', aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    return `${h}.${c}.${rsaSign('RSA-SHA256', Buffer.from(`${h}.${c}`), key).toString('base64url')}`;
  };
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname !== '/token') return void res.writeHead(404).end();
      if (req.method === 'POST') {
        const f = new URLSearchParams(body);
        const user = f.get('grant_type') === 'refresh_token' ? (refresh.get(f.get('refresh_token') ?? '') ?? null) : null;
        log.push(`POST ${f.get('grant_type')} ${user ?? 'denied'} ${f.get('scope')}`);
        if (!user) return void res.writeHead(401).end();
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: token(user, f.get('service') ?? '', (f.get('scope') ?? '').split(' ')), expires_in: 300 }));
      }
      let user: string | null = null;
      const a = req.headers.authorization;
      if (a?.startsWith('Basic ')) {
        const [n, p] = Buffer.from(a.slice(6), 'base64').toString().split(':');
        if (n !== 'tester' || p !== 'testpass') {
          log.push(`GET denied ${n}`);
          return void res.writeHead(401).end();
        }
        user = n;
      }
      const scopes = u.searchParams.getAll('scope').flatMap((s) => s.split(' '));
      log.push(`GET ${user ?? 'anonymous'} ${scopes.join(' ')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: token(user, u.searchParams.get('service') ?? '', scopes), expires_in: 300 }));
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, cert, log, refreshToken, stop: () => server.close() };
}

/** A test CA and a server certificate it signed for 127.0.0.1 (files in `dir`): ca.crt, srv.crt, srv.key. */
function openssl(...args: string[]): void {
  const r = spawnSync('openssl', args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed`);
}

export function makeTls(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string): string => path.join(dir, n);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=imgsize-test-ca');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('srv.key'), '-out', f('srv.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(f('ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', f('srv.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('srv.crt'), '-days', '2', '-extfile', f('ext'));
  return { ca: f('ca.crt'), cert: f('srv.crt'), key: f('srv.key') };
}

/** A client certificate the test CA of makeTls (in `dir`) signed: client.cert, client.key (docker's certs.d names). */
export function makeClientCert(dir: string): { cert: string; key: string } {
  const f = (n: string): string => path.join(dir, n);
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('client.key'), '-out', f('client.csr'), '-subj', '/CN=imgsize-test-client');
  writeFileSync(f('client-ext'), 'extendedKeyUsage=clientAuth\n');
  openssl('x509', '-req', '-in', f('client.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('client.cert'), '-days', '2', '-extfile', f('client-ext'));
  return { cert: f('client.cert'), key: f('client.key') };
}

export async function startRegistry(dir: string, opts: { htpasswd?: boolean; token?: TokenServer; tls?: { cert: string; key: string; clientCa?: string } } = {}): Promise<Registry> {
  const port = await freePort();
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const auth = opts.htpasswd
    ? `auth: {htpasswd: {realm: imgsize-test, path: ${path.join(dir, 'htpasswd')}}}\n`
    : opts.token
      ? `auth: {token: {realm: "http://127.0.0.1:${opts.token.port}/token", service: imgsize-test, issuer: imgsize-test-issuer, rootcertbundle: ${opts.token.cert}}}\n`
      : '';
  if (opts.htpasswd) writeFileSync(path.join(dir, 'htpasswd'), `${HTPASSWD}\n`);
  writeFileSync(
    path.join(dir, 'config.yml'),
    `version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: ${path.join(dir, 'data')}}, delete: {enabled: true}}\nhttp: {addr: 127.0.0.1:${port}${opts.tls ? `, tls: {certificate: ${opts.tls.cert}, key: ${opts.tls.key}${opts.tls.clientCa ? `, clientcas: [${opts.tls.clientCa}]` : ''}}` : ''}}\n${auth}`,
  );
  const child: ChildProcess = spawnService('docker-registry', ['serve', path.join(dir, 'config.yml')]);
  const host = `127.0.0.1:${port}`;
  // ready when it accepts connections (polled without blocking: a token server in this process must keep answering)
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    push(source, ref, extra = []) {
      const creds = opts.htpasswd || opts.token ? ['--dest-creds', 'tester:testpass'] : [];
      const c = spawn('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', ...creds, ...extra, source, `docker://${host}/${ref}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      return new Promise((resolve, reject) => {
        c.on('error', reject);
        c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`skopeo copy ${source} failed: ${err}`))));
      });
    },
    stop() {
      child.kill();
    },
  };
}
