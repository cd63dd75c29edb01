/** The front door (source/resolve.ts) and where daemons listen (daemon/endpoints.ts), as tables. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSource, type Resolved } from '../../src/source/resolve.js';
import { daemonEndpoints } from '../../src/daemon/endpoints.js';
import { tempDir } from '../helpers/temp.js';

const tmp = tempDir('imgsize-door-');
const stdin = Object.assign((async function* () {})(), { isTTY: false });

/** What kind of source an argument becomes, in short. */
function kind(arg: string | undefined, source?: 'docker' | 'podman' | 'registry' | 'archive'): string {
  const dir = tmp();
  writeFileSync(path.join(dir, 'app.tar'), 'x');
  writeFileSync(path.join(dir, 'report.json'), '{"schemaVersion":3}');
  mkdirSync(path.join(dir, 'layout'), { recursive: true });
  const r: Resolved = resolveSource(arg, { cwd: dir, stdin, source });
  if ('saved' in r) return `saved ${path.basename(r.saved)}`;
  if ('stream' in r) return 'stdin';
  if ('path' in r) return `path ${path.relative(dir, r.path)}`;
  if ('reference' in r) return `registry ${r.reference.canonical}`;
  return `daemon ${r.daemon.engines.join('+')} ${r.daemon.name}${r.daemon.fallback ? ` → ${r.daemon.fallback.canonical}` : ''}`;
}

describe('resolveSource: where an argument names an image', () => {
  it.each([
    [undefined, undefined, 'stdin'],
    ['-', undefined, 'stdin'],
    ['app.tar', undefined, 'path app.tar'],
    ['layout', undefined, 'path layout'],
    ['report.json', undefined, 'saved report.json'],
    ['missing.tar', undefined, 'path missing.tar'],
    ['app:latest', undefined, 'daemon docker+podman app:latest → docker.io/library/app:latest'],
    ['alpine', undefined, 'daemon docker+podman alpine → docker.io/library/alpine:latest'],
    ['ghcr.io/org/app:1.2', undefined, 'daemon docker+podman ghcr.io/org/app:1.2 → ghcr.io/org/app:1.2'],
    ['docker-daemon:app:latest', undefined, 'daemon docker app:latest'],
    ['containers-storage:app:latest', undefined, 'daemon podman app:latest'],
    ['docker://ghcr.io/org/app:1.2', undefined, 'registry ghcr.io/org/app:1.2'],
    ['registry://app.tar', undefined, 'registry docker.io/library/app.tar:latest'],
    ['oci-archive:app.tar', undefined, 'path app.tar'],
    ['oci:layout', undefined, 'path layout'],
    ['app:latest', 'registry', 'registry docker.io/library/app:latest'],
    ['app:latest', 'podman', 'daemon podman app:latest'],
    ['app:latest', 'archive', 'path app:latest'],
  ] as const)('%s (--source %s) → %s', (arg, source, want) => {
    expect(kind(arg, source)).toBe(want);
  });
});

describe('daemonEndpoints: where docker and podman listen', () => {
  const none = (): undefined => undefined;

  it('DOCKER_HOST wins, with TLS from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    const files: Record<string, string> = { '/certs/ca.pem': 'CA', '/certs/cert.pem': 'CERT', '/certs/key.pem': 'KEY' };
    const e = daemonEndpoints(['docker'], { DOCKER_HOST: 'tcp://build:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, (f) => files[f], '/home/u');
    expect(e).toEqual([{ engine: 'docker', host: 'tcp://build:2376', from: 'DOCKER_HOST', tls: { verify: true, ca: 'CA', cert: 'CERT', key: 'KEY' } }]);
  });

  it('the current docker context (config.json currentContext → its meta.json)', () => {
    const id = createHash('sha256').update('colima').digest('hex');
    const files: Record<string, string> = {
      '/home/u/.docker/config.json': '{"currentContext":"colima"}',
      [`/home/u/.docker/contexts/meta/${id}/meta.json`]: '{"Name":"colima","Endpoints":{"docker":{"Host":"unix:///home/u/.colima/docker.sock","SkipTLSVerify":false}}}',
    };
    expect(daemonEndpoints(['docker'], {}, (f) => files[f], '/home/u')).toEqual([{ engine: 'docker', host: 'unix:///home/u/.colima/docker.sock', from: 'docker context "colima"' }]);
  });

  it('else the default sockets: docker, then podman rootless and rootful', () => {
    expect(daemonEndpoints(['docker', 'podman'], { XDG_RUNTIME_DIR: '/run/user/1000' }, none, '/home/u').map((e) => `${e.engine} ${e.host}`)).toEqual([
      'docker unix:///var/run/docker.sock',
      'podman unix:///run/user/1000/podman/podman.sock',
      'podman unix:///run/podman/podman.sock',
    ]);
    expect(daemonEndpoints(['podman'], { CONTAINER_HOST: 'unix:///tmp/p.sock' }, none, '/home/u')).toEqual([{ engine: 'podman', host: 'unix:///tmp/p.sock', from: 'CONTAINER_HOST' }]);
  });
});
