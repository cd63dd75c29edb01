/**
 * Credentials and tokens for a registry, as docker and crane find them: DOCKER_AUTH_CONFIG, then
 * the docker config (`credHelpers`/`credsStore` through the docker-credential-* protocol, else
 * `auths`), then podman's auth.json. The Bearer challenge is answered with an anonymous or a
 * Basic-authenticated token request, or an identity token's refresh grant. A token realm on a loopback or private address is refused unless the
 * registry itself is there (SSRF), and an http realm only for a registry reached over http.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ImgsizeError } from '../base/errors.js';

export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  /** A refresh token (docker's identitytoken): exchanged for an access token. */
  readonly identityToken?: string;
}

export interface Challenge {
  readonly scheme: 'bearer' | 'basic';
  readonly params: Readonly<Record<string, string>>;
}

/** `Bearer realm="…",service="…",scope="…"` (quoted or not, commas inside quotes kept). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  const re = /([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (let p = re.exec(m[2]!); p; p = re.exec(m[2]!)) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme, params };
}

/** `https://index.docker.io/v1/`, `http://host:5000/v2/`, `host:5000` → the host[:port] they name. */
function hostOfKey(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

type AuthEntry = { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown };

function fromEntry(e: AuthEntry | undefined): Credentials | undefined {
  if (!e || typeof e !== 'object') return undefined;
  if (typeof e.identitytoken === 'string' && e.identitytoken) return { identityToken: e.identitytoken };
  if (typeof e.username === 'string' && typeof e.password === 'string') return { username: e.username, password: e.password };
  if (typeof e.auth === 'string' && e.auth) {
    const plain = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) return { username: plain.slice(0, i), password: plain.slice(i + 1) };
  }
  return undefined;
}

interface ConfigFile {
  readonly auths: Record<string, AuthEntry>;
  readonly credHelpers: Record<string, unknown>;
  readonly credsStore: string | undefined;
}

function configOf(json: string, where: string): ConfigFile {
  let cfg: unknown;
  try {
    cfg = JSON.parse(json);
  } catch (e) {
    throw new ImgsizeError('config', where, `not valid JSON (${(e as Error).message})`);
  }
  const o = cfg && typeof cfg === 'object' ? (cfg as { auths?: unknown; credHelpers?: unknown; credsStore?: unknown }) : {};
  const obj = (v: unknown): Record<string, never> => (v && typeof v === 'object' ? (v as Record<string, never>) : {});
  return { auths: obj(o.auths), credHelpers: obj(o.credHelpers), credsStore: typeof o.credsStore === 'string' && o.credsStore ? o.credsStore : undefined };
}

/** How long a credential helper may take (some are slow: they call a cloud's API). */
const HELPER_TIMEOUT_MS = 20_000;

/**
 * `docker-credential-<name> get` with the server on stdin, as docker-credential-helpers' client
 * runs it: `{"Username","Secret"}`, Username `<token>` for an identity token; not found (or no
 * such helper) means anonymous.
 */
function fromHelper(name: string, server: string, env: Readonly<Record<string, string | undefined>>, problems: string[]): Credentials | undefined {
  if (!/^[\w.-]+$/.test(name)) return undefined;
  const r = spawnSync(`docker-credential-${name}`, ['get'], { input: server, encoding: 'utf8', timeout: HELPER_TIMEOUT_MS, env: env as NodeJS.ProcessEnv, maxBuffer: 1 << 20 });
  // docker stops here; imgsize goes on anonymously (public images still read) and says why when refused
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    problems.push(
      `the credential helper docker-credential-${name} ${code === 'ENOENT' ? 'is not installed' : code === 'ETIMEDOUT' ? `took longer than ${HELPER_TIMEOUT_MS / 1000} s` : `could not run (${code ?? r.error.message})`}`,
    );
    return undefined;
  }
  if (r.status !== 0) {
    if (!/credentials not found/i.test(`${r.stdout}${r.stderr}`))
      problems.push(`docker-credential-${name} failed (${(r.stdout || r.stderr).trim().split('\n')[0]?.slice(0, 120) ?? `exit ${r.status}`})`);
    return undefined;
  }
  try {
    const j = JSON.parse(r.stdout) as { Username?: unknown; Secret?: unknown };
    if (typeof j.Secret !== 'string' || !j.Secret) return undefined;
    return j.Username === '<token>' ? { identityToken: j.Secret } : { username: typeof j.Username === 'string' ? j.Username : '', password: j.Secret };
  } catch {
    return undefined;
  }
}

/** The registry's key in config files: Docker Hub's is its v1 URL. */
function keysFor(registry: string): string[] {
  return registry === 'docker.io' ? ['index.docker.io', 'docker.io', 'registry-1.docker.io'] : [registry];
}

/**
 * Credentials for a registry: DOCKER_AUTH_CONFIG first, then $DOCKER_CONFIG/config.json (or
 * ~/.docker/config.json), then podman's auth.json ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers,
 * ~/.config/containers). None: anonymous.
 */
export function findCredentials(registry: string, env: Readonly<Record<string, string | undefined>>, problems: string[] = []): Credentials | undefined {
  const wanted = new Set(keysFor(registry));
  const server = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
  const lookIn = (cfg: ConfigFile): Credentials | undefined => {
    // a helper for this registry, or the store for all: docker asks only it
    const helper = Object.entries(cfg.credHelpers).find(([k]) => wanted.has(hostOfKey(k)))?.[1];
    if (typeof helper === 'string' && helper) return fromHelper(helper, server, env, problems);
    if (cfg.credsStore) {
      const c = fromHelper(cfg.credsStore, server, env, problems);
      if (c) return c;
    }
    for (const [k, v] of Object.entries(cfg.auths)) if (wanted.has(hostOfKey(k))) return fromEntry(v);
    return undefined;
  };
  if (env.DOCKER_AUTH_CONFIG) {
    const c = lookIn(configOf(env.DOCKER_AUTH_CONFIG, 'DOCKER_AUTH_CONFIG'));
    if (c) return c;
  }
  const home = env.HOME ?? homedir();
  const files = [
    path.join(env.DOCKER_CONFIG ?? path.join(home, '.docker'), 'config.json'),
    ...(env.REGISTRY_AUTH_FILE ? [env.REGISTRY_AUTH_FILE] : []),
    ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json')] : []),
    path.join(home, '.config', 'containers', 'auth.json'),
  ];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const c = lookIn(configOf(text, f));
    if (c) return c;
  }
  return undefined;
}

/** Loopback, private, link-local or unspecified: addresses a token realm may not point at (unless the registry is there). */
export function isInternalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  return h === '::1' || h === '::' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80:') || h.startsWith('::ffff:');
}

/** The realm a Bearer challenge names (or a redirect of a token request: `what`), if imgsize may ask it for a token. */
export function checkRealm(realm: string | undefined, registryUrl: URL, what = 'the token realm'): URL {
  if (!realm) throw new ImgsizeError('input', registryUrl.host, 'the registry asks for a token but names no realm');
  let u: URL;
  try {
    u = new URL(realm);
  } catch {
    throw new ImgsizeError('input', registryUrl.host, `${what} "${realm.slice(0, 200)}" is not a URL`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && registryUrl.protocol === 'http:')) {
    throw new ImgsizeError('input', registryUrl.host, `refusing ${what} ${u.origin}: plain http for a registry reached over https`);
  }
  if (isInternalHost(u.hostname) && !isInternalHost(registryUrl.hostname)) {
    throw new ImgsizeError('input', registryUrl.host, `refusing ${what} ${u.origin}: a loopback or private address for a public registry`);
  }
  return u;
}

export interface TokenRequest {
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** One HTTP exchange, redirects not followed (client.ts gives undici's; tests give their own). */
export type SendOnce = (url: URL, req: TokenRequest) => Promise<{ statusCode: number; headers: Readonly<Record<string, string | string[] | undefined>>; body: { dump(): Promise<void> } }>;

const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_TOKEN_REDIRECTS = 5;

/**
 * A token request with its redirects followed by hand, each hop held to the realm's rules
 * (checkRealm: https, or http for a registry reached over http; no loopback or private address for
 * a public registry) and never from https to http. Credentials go to the realm's own origin only:
 * a redirect elsewhere drops Authorization, and a POST that would carry its refresh token there is
 * refused (as are 307/308, which keep the body).
 */
export async function requestToken<R extends Awaited<ReturnType<SendOnce>>>(realm: URL, req: TokenRequest, registryUrl: URL, send: (url: URL, req: TokenRequest) => Promise<R>): Promise<R> {
  let url = realm;
  let cur = req;
  for (let hop = 0; ; hop++) {
    const r = await send(url, cur);
    if (!REDIRECT_STATUS.has(r.statusCode)) return r;
    await r.body.dump().catch(() => undefined);
    const location = r.headers.location;
    const loc = Array.isArray(location) ? location[0] : location;
    if (!loc) throw new ImgsizeError('input', registryUrl.host, `the token service answered ${r.statusCode} without a location`);
    if (hop >= MAX_TOKEN_REDIRECTS) throw new ImgsizeError('input', registryUrl.host, `the token service redirected more than ${MAX_TOKEN_REDIRECTS} times`);
    let next: URL;
    try {
      next = new URL(loc, url);
    } catch {
      throw new ImgsizeError('input', registryUrl.host, `the token service redirected to "${loc.slice(0, 200)}", which is not a URL`);
    }
    checkRealm(next.href, registryUrl, "the token service's redirect to");
    if (url.protocol === 'https:' && next.protocol !== 'https:') throw new ImgsizeError('input', registryUrl.host, `refusing the token service's redirect to ${next.origin}: from https to plain http`);
    // 303, and 301/302 of a POST, become a GET without a body (as browsers and undici do)
    if (r.statusCode === 303 || ((r.statusCode === 301 || r.statusCode === 302) && cur.method === 'POST')) {
      const { 'content-type': _, ...headers } = cur.headers;
      cur = { method: 'GET', headers };
    }
    if (next.origin !== realm.origin) {
      if (cur.body !== undefined)
        throw new ImgsizeError('input', registryUrl.host, `refusing the token service's redirect to ${next.origin}: the refresh token is sent to the realm's own origin only`);
      const { authorization: _, ...headers } = cur.headers;
      cur = { ...cur, headers };
    }
    url = next;
  }
}
