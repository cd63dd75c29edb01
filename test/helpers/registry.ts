/**
 * A real registry for the tests: Debian's docker-registry (CNCF distribution) run by hand on
 * 127.0.0.1 with a random port and a temporary store, images pushed with skopeo. Never the packaged
 * service (it binds :5000 on all interfaces). Under CI=true a missing docker-registry or skopeo fails
 * the run (.ci/run installs them); elsewhere the tests that need them are skipped with a reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

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
  push(source: string, ref: string, extra?: string[]): void;
  stop(): void;
}

export async function startRegistry(dir: string, opts: { htpasswd?: boolean } = {}): Promise<Registry> {
  const port = await freePort();
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const auth = opts.htpasswd ? `auth: {htpasswd: {realm: imgsize-test, path: ${path.join(dir, 'htpasswd')}}}\n` : '';
  if (opts.htpasswd) writeFileSync(path.join(dir, 'htpasswd'), `${HTPASSWD}\n`);
  writeFileSync(
    path.join(dir, 'config.yml'),
    `version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: ${path.join(dir, 'data')}}, delete: {enabled: true}}\nhttp: {addr: 127.0.0.1:${port}}\n${auth}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = spawnSync('node', ['-e', `fetch('http://${host}/v2/').then((r) => process.exit(r.status === 200 || r.status === 401 ? 0 : 1), () => process.exit(1))`]);
    if (up.status === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    push(source, ref, extra = []) {
      const creds = opts.htpasswd ? ['--dest-creds', 'tester:testpass'] : [];
      const r = spawnSync('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', ...creds, ...extra, source, `docker://${host}/${ref}`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`skopeo copy ${source} failed: ${r.stderr}`);
    },
    stop() {
      child.kill();
    },
  };
}
