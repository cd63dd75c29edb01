/**
 * Where a local daemon listens, found as docker, podman and dive find it. Docker: `DOCKER_HOST`
 * (with `DOCKER_TLS_VERIFY` / `DOCKER_TLS` and `DOCKER_CERT_PATH`), else the current docker context
 * (`DOCKER_CONTEXT`, else `currentContext` of the docker config; its meta.json and TLS files), else
 * `/var/run/docker.sock`. Podman's Docker-compatible API: `CONTAINER_HOST`, else the rootless socket
 * (`$XDG_RUNTIME_DIR/podman/podman.sock`), else the rootful one (`/run/podman/podman.sock`).
 * Pure: the environment and the file reader are given.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export type Engine = 'docker' | 'podman';

export interface Endpoint {
  readonly engine: Engine;
  /** `unix:///path` or `tcp://host:port`, as the user would write it. */
  readonly host: string;
  /** What named it: `DOCKER_HOST`, `docker context "x"`, `the default socket`. */
  readonly from: string;
  /** TLS for a tcp host: the files' contents, and whether the daemon's certificate is verified. */
  readonly tls?: { readonly verify: boolean; readonly ca?: string; readonly cert?: string; readonly key?: string };
}

type Env = Readonly<Record<string, string | undefined>>;
type ReadFile = (file: string) => string | undefined;

/** The endpoints to try for these engines, in order. */
export function daemonEndpoints(engines: readonly Engine[], env: Env, readFile: ReadFile, home: string): Endpoint[] {
  return engines.flatMap((e) => (e === 'docker' ? dockerEndpoints(env, readFile, home) : podmanEndpoints(env)));
}

function dockerEndpoints(env: Env, readFile: ReadFile, home: string): Endpoint[] {
  const configDir = env.DOCKER_CONFIG || path.join(env.HOME || home, '.docker');
  if (env.DOCKER_HOST) {
    const tlsOn = Boolean(env.DOCKER_TLS_VERIFY) || Boolean(env.DOCKER_TLS);
    const certs = env.DOCKER_CERT_PATH || configDir;
    return [{ engine: 'docker', host: env.DOCKER_HOST, from: 'DOCKER_HOST', ...(tlsOn ? { tls: tlsFiles(certs, Boolean(env.DOCKER_TLS_VERIFY), readFile) } : {}) }];
  }
  const context = env.DOCKER_CONTEXT || currentContext(configDir, readFile);
  if (context && context !== 'default') {
    const id = createHash('sha256').update(context).digest('hex');
    const meta = parse(readFile(path.join(configDir, 'contexts', 'meta', id, 'meta.json')));
    const docker = (meta?.Endpoints as Record<string, { Host?: unknown; SkipTLSVerify?: unknown }> | undefined)?.docker;
    if (docker && typeof docker.Host === 'string' && docker.Host) {
      const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
      const tls = tlsFiles(tlsDir, docker.SkipTLSVerify !== true, readFile);
      return [{ engine: 'docker', host: docker.Host, from: `docker context "${context}"`, ...(docker.Host.startsWith('tcp://') && (tls.ca || tls.cert) ? { tls } : {}) }];
    }
  }
  return [{ engine: 'docker', host: 'unix:///var/run/docker.sock', from: 'the default socket' }];
}

function podmanEndpoints(env: Env): Endpoint[] {
  if (env.CONTAINER_HOST) return [{ engine: 'podman', host: env.CONTAINER_HOST, from: 'CONTAINER_HOST' }];
  const out: Endpoint[] = [];
  if (env.XDG_RUNTIME_DIR) out.push({ engine: 'podman', host: `unix://${path.join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')}`, from: 'the rootless socket' });
  out.push({ engine: 'podman', host: 'unix:///run/podman/podman.sock', from: 'the rootful socket' });
  return out;
}

function currentContext(configDir: string, readFile: ReadFile): string | undefined {
  const c = parse(readFile(path.join(configDir, 'config.json')))?.currentContext;
  return typeof c === 'string' ? c : undefined;
}

function tlsFiles(dir: string, verify: boolean, readFile: ReadFile): NonNullable<Endpoint['tls']> {
  const ca = readFile(path.join(dir, 'ca.pem'));
  const cert = readFile(path.join(dir, 'cert.pem'));
  const key = readFile(path.join(dir, 'key.pem'));
  return { verify, ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text.length > 1 << 20) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What an endpoint said when it gave no image. */
export interface Tried {
  readonly endpoint: Endpoint;
  /** Why it gave no image: it did not answer (and why), or it has no such image. */
  readonly why: string;
}

/** A daemon's name in messages: `the podman daemon at unix:///run/podman/podman.sock`. */
export function daemonName(e: Endpoint): string {
  return `the ${e.engine} daemon at ${e.host}`;
}

/** "tried unix:///var/run/docker.sock (the default socket): no such socket; …" */
export function describeTried(tried: readonly Tried[]): string {
  return tried.map((t) => `${t.endpoint.engine} at ${t.endpoint.host} (${t.endpoint.from}): ${t.why}`).join('; ');
}
