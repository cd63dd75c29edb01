/**
 * A registry client on the distribution API (undici 7: proxies from HTTPS_PROXY/NO_PROXY, redirects
 * followed without Authorization across hosts). HTTPS, with docker's extra CAs from certs.d (and
 * NODE_EXTRA_CA_CERTS); a host given with --insecure-registry as docker treats one — HTTPS without
 * verifying its certificate (that host's only, not a CDN it redirects to), else plain HTTP — and
 * plain HTTP as a fallback for loopback registries (127.0.0.0/8, ::1, localhost) that do not speak TLS. 401s are answered once per scope with a token (or Basic), which is
 * then kept for the run. Errors carry the registry's own error code.
 */
import { buildConnector, EnvHttpProxyAgent, interceptors, request, type Dispatcher } from 'undici';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { ImgsizeError } from '../base/errors.js';
import { parseBoundedJson } from '../base/json.js';
import { readBounded } from '../base/read.js';
import { checkRealm, findCredentials, parseChallenge, requestToken, type Credentials, type TokenRequest } from './auth.js';
import type { ImageReference } from './reference.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** A server that stalls: no headers in 30 s, or no body bytes for 60 s, is given up on (then retried). */
const TIMEOUTS = { headersTimeout: 30_000, bodyTimeout: 60_000, connectTimeout: 15_000 };

/** Retries of one request, and how long a wait may be. */
const RETRIES = 4;
const MAX_WAIT_MS = 10_000;
const RETRY_STATUS = new Set([429, 502, 503, 504]);
/** Connection failures worth another try (a refused connection is not: nothing listens there). */
export const TRANSIENT_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const backoff = (attempt: number): number => Math.min(250 * 2 ** attempt, MAX_WAIT_MS);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Redirects followed for one request (a blob on a CDN takes one or two). */
const MAX_REDIRECTS = 5;

/** A token or a manifest larger than this is refused (real ones are a few kB). */
const MAX_SMALL_BODY = 16 << 20;

export interface Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: AsyncIterable<Buffer> & { dump(): Promise<void> };
}

/** A body already read, as a Response body. */
function bufferBody(b: Buffer): Response['body'] {
  return Object.assign(
    (async function* () {
      if (b.length > 0) yield b;
    })(),
    { dump: async (): Promise<void> => undefined },
  );
}

let dispatcher: Dispatcher | undefined;
/**
 * How TLS connections are made: the system's roots plus docker's extra CAs for every host; for the
 * registry's own host:port, its client certificate (certs.d) and, with --insecure-registry, no
 * verification — any other host (a CDN the registry redirects to) is verified and gets no client
 * certificate, as docker does.
 */
export function connector(
  cas: readonly string[],
  endpoint: string,
  own: { readonly insecure?: boolean; readonly client?: { readonly cert: string; readonly key: string } } = {},
): buildConnector.connector {
  const ca = cas.length > 0 ? { ca: [...rootCertificates, ...cas] } : {};
  const strict = buildConnector({ ...ca, timeout: TIMEOUTS.connectTimeout });
  if (!own.insecure && !own.client) return strict;
  const registry = buildConnector({ ...ca, ...(own.insecure ? { rejectUnauthorized: false } : {}), ...(own.client ?? {}), timeout: TIMEOUTS.connectTimeout });
  const [host, port] = hostAndPort(endpoint);
  return (opts, cb) => ((opts.hostname === host || opts.hostname === `[${host}]`) && String(opts.port || 443) === port ? registry : strict)(opts, cb);
}

let tokenDispatcher: Dispatcher | undefined;
/** For token requests: no redirect followed by undici (requestToken checks each hop). */
function tokenAgent(): Dispatcher {
  tokenDispatcher ??= new EnvHttpProxyAgent(TIMEOUTS);
  return tokenDispatcher;
}

function agent(): Dispatcher {
  dispatcher ??= new EnvHttpProxyAgent(TIMEOUTS).compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
  return dispatcher;
}

/** `host[:port]` (IPv6 in brackets) as host and port (443 when none is given). */
function hostAndPort(endpoint: string): [host: string, port: string] {
  const m = /^(?:\[([^\]]*)\]|([^:]*))(?::(\d+))?$/.exec(endpoint);
  return [m?.[1] ?? m?.[2] ?? endpoint, m?.[3] ?? '443'];
}

export function isLoopback(endpoint: string): boolean {
  const [h] = hostAndPort(endpoint);
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * A small answer (a manifest, a config, a token) read whole, never past `max`: an answer that
 * breaks off (a connection closed early, a Content-Length that does not match the body) is one
 * clear error naming `where` (the registry or token service) and `what`.
 */
export function readSmall(body: AsyncIterable<Uint8Array>, what: string, max = MAX_SMALL_BODY, where = what): Promise<Buffer> {
  const subject = where === what ? 'the answer' : what;
  return readBounded(
    body,
    max,
    () => new ImgsizeError('limit', where, `${subject} is larger than ${max >> 20} MiB`),
    (n, e) => (e instanceof ImgsizeError ? e : new ImgsizeError('input', where, `${subject} broke off after ${n} bytes (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e })),
  );
}

/** A JSON answer of a registry or token service: anything else is one clear error naming `where` and `what`. */
export function parseAnswer(body: Buffer, where: string, what: string): unknown {
  return parseBoundedJson(body.toString('utf8'), where, (e) => `${what} is not JSON (${e.message.slice(0, 200)})`);
}

const header = (r: Response, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Docker's extra CAs for a registry: `/etc/docker/certs.d/<host[:port]>/*.crt` (and the rootless ~/.config/docker/certs.d). */
/** What docker's certs.d folder of a registry holds: extra CAs (`*.crt`) and a client certificate (`*.cert` with its `*.key`). */
interface CertsD {
  readonly cas: string[];
  readonly client?: { readonly cert: string; readonly key: string };
}

function certsD(endpoint: string, env: Readonly<Record<string, string | undefined>>): CertsD {
  const dirs = ['/etc/docker/certs.d', path.join(env.XDG_CONFIG_HOME ?? path.join(env.HOME ?? homedir(), '.config'), 'docker', 'certs.d')];
  const cas: string[] = [];
  let client: CertsD['client'];
  const read = (f: string): string | undefined => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined; // unreadable: skipped
    }
  };
  for (const d of dirs) {
    const dir = path.join(d, endpoint);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const n of names.filter((x) => x.endsWith('.crt'))) {
      const ca = read(path.join(dir, n));
      if (ca) cas.push(ca);
    }
    // docker: client.cert with client.key (any name.cert with its name.key), the first pair found
    for (const n of names.filter((x) => x.endsWith('.cert'))) {
      if (client) break;
      const cert = read(path.join(dir, n));
      const key = read(path.join(dir, `${n.slice(0, -'.cert'.length)}.key`));
      if (cert && key) client = { cert, key };
    }
  }
  return client ? { cas, client } : { cas };
}

export interface ClientOptions {
  /** Hosts (host[:port]) reached over plain HTTP: --insecure-registry. */
  readonly insecure?: readonly string[] | undefined;
  /**
   * Authorizations got in this run, by registry and repository: both sides of `diff REF1 REF2` in
   * one repository use one token (a registry that refuses it asks again, as for an expired one).
   */
  readonly tokens?: Map<string, string> | undefined;
}

export class RegistryClient {
  private base: URL;
  /** Loopback registries and --insecure-registry hosts: HTTPS first, plain HTTP when the registry does not speak TLS (as docker does). */
  private mayFallBack: boolean;
  /** --insecure-registry: its certificate is not verified, and any TLS failure falls back to HTTP. */
  private readonly insecure: boolean;
  /** Whether the registry has answered a request yet, and whether certs.d gave a client certificate (for the hint). */
  private answered = false;
  private readonly hasClientCert: boolean;
  private readonly dispatcher: Dispatcher;
  private readonly creds: Credentials | undefined;
  private authorization: string | undefined;
  private readonly tokens: Map<string, string> | undefined;
  private readonly tokenKey: string;
  /** Why no credentials were found (a helper that is missing or failed): said when the registry refuses. */
  private readonly credentialProblems: string[] = [];

  constructor(
    readonly ref: ImageReference,
    env: Readonly<Record<string, string | undefined>>,
    opts: ClientOptions = {},
  ) {
    const insecure = (opts.insecure ?? []).some((h) => h.toLowerCase() === ref.registry || h.toLowerCase() === ref.endpoint);
    this.base = new URL(`https://${ref.endpoint}/`);
    this.insecure = insecure;
    this.mayFallBack = insecure || isLoopback(ref.endpoint);
    const certs = certsD(ref.endpoint, env);
    this.hasClientCert = certs.client !== undefined;
    this.dispatcher =
      certs.cas.length > 0 || certs.client || insecure
        ? new EnvHttpProxyAgent({ ...TIMEOUTS, connect: connector(certs.cas, ref.endpoint, { insecure, ...(certs.client ? { client: certs.client } : {}) }) }).compose(
            interceptors.redirect({ maxRedirections: MAX_REDIRECTS }),
          )
        : agent();
    this.creds = findCredentials(ref.registry, env, this.credentialProblems);
    this.tokens = opts.tokens;
    this.tokenKey = `${ref.endpoint}/${ref.repository}`;
    this.authorization = this.tokens?.get(this.tokenKey);
  }

  /**
   * GET /v2/<repository>/<path>, with one round of authentication when the registry asks, and
   * retries with backoff on 429, 502–504 and dropped connections (Retry-After honoured, capped).
   */
  async get(pathInRepo: string, accept?: string, extra: Readonly<Record<string, string>> = {}): Promise<Response> {
    return this.getAt(new URL(`/v2/${this.ref.repository}/${pathInRepo}`, this.base), pathInRepo, accept, extra);
  }

  /** GET /v2/<path> outside any repository (`_catalog`), authenticated as get() is. */
  getRoot(pathInV2: string): Promise<Response> {
    return this.getAt(new URL(`/v2/${pathInV2}`, this.base), pathInV2);
  }

  /**
   * A request that writes (the layer cache's pushes): POST/PUT/HEAD at a path of the repository or
   * at a URL the registry gave (an upload's Location), authenticated as get() is. Its status is
   * the caller's to judge (404 on a HEAD is an answer).
   */
  call(method: 'HEAD' | 'POST' | 'PUT' | 'GET', at: string | URL, opts: { body?: Buffer; headers?: Readonly<Record<string, string>>; accept?: string } = {}): Promise<Response> {
    const url = typeof at === 'string' ? new URL(`/v2/${this.ref.repository}/${at}`, this.base) : new URL(at.pathname + at.search, this.base);
    return this.authorized(url, opts.accept, opts.headers ?? {}, method, opts.body);
  }

  /** A request sent (with retries), and sent again once authenticated when the registry answers 401. */
  private async authorized(url: URL, accept: string | undefined, extra: Readonly<Record<string, string>>, method = 'GET', body?: Buffer): Promise<Response> {
    let r = await this.sendWithRetries(url, accept, extra, method, body);
    if (r.status === 401) {
      await r.body.dump();
      this.authorization = await this.authenticate(header(r, 'www-authenticate'));
      this.tokens?.set(this.tokenKey, this.authorization);
      r = await this.sendWithRetries(url, accept, extra, method, body);
    }
    return r;
  }

  /** The base URL requests go to now (HTTPS, or HTTP after a loopback fallback): for resolving a Location. */
  get baseUrl(): URL {
    return this.base;
  }

  private async getAt(url: URL, pathInRepo: string, accept?: string, extra: Readonly<Record<string, string>> = {}): Promise<Response> {
    const r = await this.authorized(url, accept, extra);
    if (r.status >= 400) throw await this.failure(r, pathInRepo);
    if (r.status >= 300) {
      // undici hands back the answer that would have been the sixth redirect
      await r.body.dump().catch(() => undefined);
      throw new ImgsizeError('input', this.ref.registry, `more than ${MAX_REDIRECTS} redirects for ${pathInRepo} (the last to ${header(r, 'location')?.slice(0, 200) ?? 'nowhere'})`);
    }
    return r;
  }

  /** A small answer of this registry read whole (readSmall), its errors naming the registry. */
  read(r: Response, what: string, max?: number): Promise<Buffer> {
    return readSmall(r.body, what, max, this.ref.registry);
  }

  private async sendWithRetries(url: URL, accept: string | undefined, extra: Readonly<Record<string, string>>, method = 'GET', body?: Buffer): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let r: Response;
      try {
        r = await this.send(url, accept, extra, method, body);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        // undici refuses a redirect back to a URL it has been sent to already
        if (/redirect loop/i.test((e as Error).message)) throw new ImgsizeError('input', this.ref.registry, `its redirects for ${url.pathname.slice(0, 200)} go round in a loop`);
        if (attempt < RETRIES && TRANSIENT_ERRORS.has(code)) {
          await sleep(backoff(attempt));
          continue;
        }
        // a TLS registry that closes the connection before answering at all: often one that wants a client certificate
        const hint =
          this.base.protocol === 'https:' && !this.answered && !this.hasClientCert && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')
            ? { hint: `if the registry wants a client certificate, put client.cert and client.key in /etc/docker/certs.d/${this.ref.endpoint}/ (or ~/.config/docker/certs.d/)` }
            : {};
        throw new ImgsizeError('input', this.ref.registry, `cannot reach the registry at ${this.base.origin} (${code || (e as Error).message})`, hint);
      }
      if (attempt < RETRIES && RETRY_STATUS.has(r.status)) {
        await r.body.dump();
        const after = Number(header(r, 'retry-after'));
        await sleep(Number.isFinite(after) && after >= 0 ? Math.min(after * 1000, MAX_WAIT_MS) : backoff(attempt));
        continue;
      }
      return r;
    }
  }

  private async send(url: URL, accept: string | undefined, extra: Readonly<Record<string, string>>, method = 'GET', body?: Buffer): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': 'imgsize', ...extra };
    if (accept) headers.accept = accept;
    if (this.authorization) headers.authorization = this.authorization;
    try {
      const r = await request(url.protocol === this.base.protocol ? url : new URL(url.pathname + url.search, this.base), {
        method: method as 'GET',
        headers,
        dispatcher: this.dispatcher,
        ...(body ? { body } : {}),
      });
      this.mayFallBack = false; // it answered: this is the registry's scheme
      this.answered = true;
      return { status: r.statusCode, headers: r.headers, body: r.body as unknown as Response['body'] };
    } catch (e) {
      // another request, sent at the same time, found the registry speaks plain HTTP meanwhile
      if (url.protocol === 'https:' && this.base.protocol === 'http:') return this.send(new URL(url.pathname + url.search, this.base), accept, extra, method, body);
      // a loopback registry that speaks plain HTTP: the TLS handshake fails; once, then HTTP (not
      // when it speaks TLS with a certificate this machine does not trust: that is said as such)
      const code = String((e as NodeJS.ErrnoException).code ?? '');
      if (this.mayFallBack && this.base.protocol === 'https:' && (this.insecure || !/CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|ISSUER/.test(code))) {
        this.mayFallBack = false;
        const tls = this.base;
        this.base = new URL(`http://${this.ref.endpoint}/`);
        const r = await this.send(new URL(url.pathname + url.search, this.base), accept, extra, method, body);
        if (r.status !== 400) return r;
        // it speaks TLS after all (Go answers plain HTTP with 400 "…HTTP request to an HTTPS
        // server"): the TLS failure is what to say (a client certificate it wants, a handshake it refused)
        const text = await readSmall(r.body, 'response', 4096).catch(() => Buffer.alloc(0));
        if (/HTTP request to an HTTPS server/i.test(text.toString('latin1'))) {
          this.base = tls;
          this.answered = false; // only its plain-HTTP port answered, to say it is HTTPS
          throw e;
        }
        return { ...r, body: bufferBody(text) };
      }
      throw e;
    }
  }

  private async authenticate(challengeHeader: string | undefined): Promise<string> {
    const ch = parseChallenge(challengeHeader);
    if (!ch) throw new ImgsizeError('input', this.ref.registry, 'the registry refused the request and says no way to authenticate');
    if (ch.scheme === 'basic') {
      if (!this.creds?.username) throw this.denied('needs a user name and password (docker login)');
      return this.basic(this.creds);
    }
    const realm = checkRealm(ch.params.realm, this.base);
    const scope = ch.params.scope ?? `repository:${this.ref.repository}:pull`;
    const q = new URL(realm);
    if (ch.params.service) q.searchParams.set('service', ch.params.service);
    q.searchParams.set('scope', scope);
    const headers: Record<string, string> = { 'user-agent': 'imgsize' };
    if (this.creds?.username) headers.authorization = this.basic(this.creds);
    const send = (url: URL, req: TokenRequest): Promise<Dispatcher.ResponseData> => request(url, { ...req, dispatcher: tokenAgent() });
    let r: Dispatcher.ResponseData;
    try {
      if (this.creds?.identityToken) {
        // an identity token: OAuth2's refresh grant (POST), the GET flow where the realm has no such endpoint (crane)
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.creds.identityToken, service: ch.params.service ?? '', scope, client_id: 'imgsize' });
        r = await requestToken(realm, { method: 'POST', headers: { 'user-agent': 'imgsize', 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, this.base, send);
        if (r.statusCode === 404 || r.statusCode === 405) {
          await r.body.dump();
          r = await requestToken(q, { method: 'GET', headers }, this.base, send);
        }
      } else r = await requestToken(q, { method: 'GET', headers }, this.base, send);
    } catch (e) {
      if (e instanceof ImgsizeError) throw e;
      throw new ImgsizeError('input', this.ref.registry, `cannot reach the token service at ${q.origin} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const text = (await readSmall(r.body as unknown as AsyncIterable<Buffer>, 'the token', MAX_SMALL_BODY, `the token service at ${q.origin}`)).toString('utf8');
    if (r.statusCode >= 400) throw this.denied(`the token service answered ${r.statusCode}`);
    let token: unknown;
    try {
      const j = JSON.parse(text) as { token?: unknown; access_token?: unknown };
      token = j.token ?? j.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token.length === 0) throw new ImgsizeError('input', this.ref.registry, 'the token service answered without a token');
    return `Bearer ${token}`;
  }

  private basic(c: Credentials): string {
    return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
  }

  private denied(why: string): ImgsizeError {
    const helper = this.credentialProblems[0];
    return new ImgsizeError('input', this.ref.canonical, `access denied: ${why}`, { hint: helper ? `${helper}, so imgsize asked anonymously` : 'log in (docker login) or set DOCKER_AUTH_CONFIG' });
  }

  private async failure(r: Response, what: string): Promise<ImgsizeError> {
    let code = '';
    try {
      const j = JSON.parse((await readSmall(r.body, 'error', 1 << 16)).toString('utf8')) as { errors?: { code?: string; message?: string }[] };
      const e = j.errors?.[0];
      if (e) code = `${e.code ?? ''}${e.message ? `: ${e.message}` : ''}`;
    } catch {
      /* not a distribution error body */
    }
    if (r.status === 401 || r.status === 403) return this.denied(code || `HTTP ${r.status}`);
    if (r.status === 404) {
      // `imgsize app:dev` for an image that only exists in the local docker: Docker Hub has no library/app
      const local = this.ref.registry === 'docker.io' && this.ref.repository.startsWith('library/') && !this.ref.given.includes('/');
      return new ImgsizeError('input', this.ref.canonical, `not found in the registry (${code || `HTTP 404 for ${what}`})`, {
        hint: local
          ? `a local image? imgsize reads it from a running docker or podman daemon, or piped: docker save ${this.ref.given} | imgsize`
          : 'check the name and tag (and that you may read the repository)',
      });
    }
    if (r.status === 429) {
      const left = header(r, 'ratelimit-remaining');
      return new ImgsizeError('limit', this.ref.canonical, `the registry's rate limit is reached${left ? ` (RateLimit-Remaining: ${left})` : ''}`, {
        hint: this.ref.registry === 'docker.io' ? 'Docker Hub limits anonymous pulls (each manifest GET counts): log in (docker login) for a higher limit' : 'wait and retry',
      });
    }
    return new ImgsizeError('input', this.ref.canonical, `the registry answered HTTP ${r.status}${code ? ` (${code})` : ''} for ${what}`);
  }
}
