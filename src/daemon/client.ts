/**
 * An image in the local Docker or Podman daemon, streamed as `docker save` streams it: the Engine
 * API's `GET /images/get?names=NAME` (with `platform` where the API has it, 1.48 and later) over a
 * unix socket or tcp (TLS as docker sets it up). Nothing is written to disk; the stream goes
 * through the same reader as `docker save | imgsize`, and every digest in it is checked there. A
 * daemon is untrusted like an archive: its error text is cut short and escaped where it is shown.
 */
import { lstatSync } from 'node:fs';
import { Agent, request, type Dispatcher } from 'undici';
import { ImgsizeError } from '../base/errors.js';
import { readBounded } from '../base/read.js';
import { platformObject } from '../base/platform.js';
import { daemonName, type Endpoint, type Tried } from './endpoints.js';

/** A daemon that stalls: no headers in 30 s, or no body bytes for 60 s (a big image is exported as it is read). */
const TIMEOUTS = { headersTimeout: 30_000, bodyTimeout: 60_000, connect: { timeout: 15_000 } };
/** The first API version whose image export takes a platform. */
const PLATFORM_API = [1, 48];

export type DaemonAnswer = { readonly found: true; readonly endpoint: Endpoint; readonly stream: AsyncIterable<Buffer> } | { readonly found: false; readonly tried: readonly Tried[] };

/** The image from the first endpoint that has it; else what each endpoint said. */
export async function saveFromDaemon(name: string, endpoints: readonly Endpoint[], opts: { readonly platform?: string | undefined } = {}): Promise<DaemonAnswer> {
  const tried: Tried[] = [];
  for (const endpoint of endpoints) {
    const conn = connection(endpoint);
    if ('why' in conn) {
      tried.push({ endpoint, why: conn.why });
      continue;
    }
    try {
      const query = new URLSearchParams({ names: name });
      if (opts.platform !== undefined && (await apiAtLeast(conn, PLATFORM_API))) query.set('platform', JSON.stringify(platformObject(opts.platform)));
      const r = await request(new URL(`/images/get?${query}`, conn.base), { dispatcher: conn.dispatcher });
      if (r.statusCode === 200) return { found: true, endpoint, stream: guarded(r.body as unknown as AsyncIterable<Buffer>, endpoint, conn.dispatcher) };
      const message = await errorText(r);
      await conn.dispatcher.close().catch(() => undefined);
      // docker: 404 "No such image"; podman: 500 "image not known" for /images/get
      if (r.statusCode === 404 || /no such image|image not known|not found|does not exist|reference does not exist/i.test(message)) {
        tried.push({ endpoint, why: `has no image ${name}` });
        continue;
      }
      throw new ImgsizeError('input', daemonName(endpoint), `answered HTTP ${r.statusCode} for ${name}${message ? ` (${message})` : ''}`);
    } catch (e) {
      await conn.dispatcher.close().catch(() => undefined);
      if (e instanceof ImgsizeError) throw e;
      const code = (e as NodeJS.ErrnoException).code ?? '';
      tried.push({
        endpoint,
        why: code === 'ECONNREFUSED' ? 'nothing listens there' : code === 'EACCES' ? 'permission denied (is this user in the docker group?)' : `did not answer (${code || (e as Error).message})`,
      });
    }
  }
  return { found: false, tried };
}

type Connection = { readonly base: URL; readonly dispatcher: Dispatcher } | { readonly why: string };

function connection(e: Endpoint): Connection {
  if (e.host.startsWith('unix://')) {
    const socketPath = e.host.slice('unix://'.length);
    try {
      if (!lstatSync(socketPath).isSocket()) return { why: 'not a socket' };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { why: code === 'ENOENT' ? 'no such socket' : code === 'EACCES' ? 'permission denied' : `cannot be reached (${code})` };
    }
    return { base: new URL('http://localhost/'), dispatcher: new Agent({ ...TIMEOUTS, connect: { ...TIMEOUTS.connect, socketPath } }) };
  }
  const tcp = /^tcp:\/\/([^/]+)\/?$/.exec(e.host);
  if (tcp) {
    const tls = e.tls;
    return {
      base: new URL(`${tls ? 'https' : 'http'}://${tcp[1]}/`),
      dispatcher: new Agent({
        ...TIMEOUTS,
        connect: { ...TIMEOUTS.connect, ...(tls ? { rejectUnauthorized: tls.verify, ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) } : {}) },
      }),
    };
  }
  return { why: `${e.host.split(':')[0]}:// hosts are not read (use a unix:// or tcp:// host, or docker save | imgsize)` };
}

/** Whether the daemon's API is at least `min` (its /version says; a daemon that will not say is taken as older). */
async function apiAtLeast(conn: Extract<Connection, { base: URL }>, min: readonly number[]): Promise<boolean> {
  try {
    const r = await request(new URL('/version', conn.base), { dispatcher: conn.dispatcher });
    const text = (await readBounded(r.body, 1 << 16, 'cut')).toString('utf8');
    const v = (JSON.parse(text) as { ApiVersion?: unknown }).ApiVersion;
    if (typeof v !== 'string') return false;
    const [major = 0, minor = 0] = v.split('.').map(Number);
    return major > min[0]! || (major === min[0]! && minor >= min[1]!);
  } catch {
    return false;
  }
}

/** A daemon's error body (`{"message": …}`), cut short: for a message, never trusted further. */
async function errorText(r: Dispatcher.ResponseData): Promise<string> {
  try {
    const text = (await readBounded(r.body, 1 << 16, 'cut')).toString('utf8');
    try {
      const m = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof m === 'string') return m.slice(0, 300);
    } catch {
      /* not JSON */
    }
    return text.slice(0, 300).trim();
  } catch {
    return '';
  }
}

/** The image stream: a break in it is one clear error naming the daemon; the connection is closed at the end. */
async function* guarded(body: AsyncIterable<Buffer>, e: Endpoint, dispatcher: Dispatcher): AsyncGenerator<Buffer> {
  let n = 0;
  try {
    for await (const c of body) {
      n += c.length;
      yield c;
    }
  } catch (err) {
    if (err instanceof ImgsizeError) throw err;
    throw new ImgsizeError('input', daemonName(e), `the image stream broke off after ${n} bytes (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}
