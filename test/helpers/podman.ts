/**
 * A real daemon for the tests: Podman's API service (`podman system service`, Docker-compatible)
 * on a unix socket in a temporary folder, with its own storage (vfs: no kernel overlay needed) and
 * images loaded with `podman load`. Under CI=true a missing podman fails the run (.ci/run installs
 * it); elsewhere the tests that need it are skipped with a reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { spawnService } from './service.js';

export const podmanMissing = spawnSync('sh', ['-c', 'command -v podman'], { stdio: 'ignore' }).status === 0 ? undefined : 'podman (Debian package podman)';

export interface Podman {
  /** The socket, as DOCKER_HOST / CONTAINER_HOST take it: unix:///…/podman.sock */
  readonly host: string;
  /** `podman load -i archive`: the name it was loaded as. */
  load(archive: string): Promise<string>;
  /** `podman tag`. */
  tag(name: string, as: string): Promise<void>;
  /** `podman save --format docker-archive -o file name` (what `docker save` writes). */
  save(name: string, file: string): Promise<void>;
  stop(): void;
}

const run = (args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const p = spawn('podman', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`podman ${args.join(' ')}: exit ${code}: ${err.slice(-500)}`))));
  });

/** Answers /_ping once the service listens. */
const ping = (socketPath: string): Promise<boolean> =>
  new Promise((resolve) => {
    const r = request({ socketPath, path: '/_ping' }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    r.on('error', () => resolve(false));
    r.end();
  });

export async function startPodman(dir: string): Promise<Podman> {
  const socket = path.join(dir, 'podman.sock');
  const global = ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--log-level', 'error'];
  const service: ChildProcess = spawnService('podman', [...global, 'system', 'service', '--time=0', `unix://${socket}`]);
  let exited: string | undefined;
  service.on('exit', (code) => (exited = `podman system service exited (${code})`));
  // it comes up in a second or two; a loaded machine may take longer: wait for it, not for a clock
  for (let i = 0; !(existsSync(socket) && (await ping(socket))); i++) {
    if (exited) throw new Error(exited);
    if (i > 3000) throw new Error('podman system service did not come up in 5 minutes');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: `unix://${socket}`,
    load: async (archive) => {
      const out = await run([...global, 'load', '-i', archive]);
      const m = /Loaded image(?:\(s\))?: (.+)$/m.exec(out);
      if (!m) throw new Error(`podman load said: ${out}`);
      return m[1]!.split(',')[0]!.trim();
    },
    tag: async (name, as) => void (await run([...global, 'tag', name, as])),
    save: async (name, file) => void (await run([...global, 'save', '--format', 'docker-archive', '-o', file, name])),
    stop: () => service.kill(),
  };
}
