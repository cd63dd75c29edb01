/**
 * The local daemon as a source (issue 23): a real Podman API service on a socket of the test's own,
 * images loaded into it with `podman load`. `imgsize NAME` (the daemons, then the registry),
 * `imgsize docker-daemon:NAME` (Docker's API at DOCKER_HOST, here Podman's compatible one) and
 * `--source podman` give the same report as `docker save NAME | imgsize`; a daemon that does not
 * answer or has no such image says which sockets were tried.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podmanMissing, startPodman, type Podman } from '../helpers/podman.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLE = path.join(ROOT, 'samples/hello.oci.tar');
const PYAPP = path.join(ROOT, '../shared/corpus/images/imgsize__pyapp.oci-archive.tar');
const tmp = tempFolders('imgsize-daemon-');

/** The figures of two reports (their sources' names aside). */
const figures = (json: string) => {
  const r = JSON.parse(json);
  return { image: r.image, totals: r.totals, layers: r.layers, packages: r.packages, directories: r.directories, wasted: r.wasted, findings: r.findings, warnings: r.warnings };
};

if (podmanMissing) {
  if (process.env.CI) {
    describe('daemon', () => {
      it('has its components', () => {
        throw new Error(`missing ${podmanMissing}: .ci/run installs it`);
      });
    });
  } else {
    console.warn(`daemon tests skipped: no ${podmanMissing} here`);
    describe.skip('daemon', () => it('needs podman', () => undefined));
  }
} else {
  describe('an image in the local daemon (Podman’s API service)', () => {
    let podman: Podman;
    let saved: string;
    let hasPyapp = false;
    const setup = (async (): Promise<void> => {
      podman = await startPodman(tmp());
      await podman.tag(await podman.load(SAMPLE), 'app:latest');
      saved = path.join(tmp(), 'app.tar');
      await podman.save('app:latest', saved);
      if (existsSync(PYAPP)) {
        await podman.tag(await podman.load(PYAPP), 'pyapp:1');
        hasPyapp = true;
      }
    })();
    setup.catch(() => undefined); // reported by the beforeAll below
    beforeAll(() => setup);
    afterAll(() => podman?.stop());

    it('imgsize NAME reads it from the daemon: the same report as docker save NAME | imgsize', async () => {
      const env = { CONTAINER_HOST: podman.host, HOME: tmp() };
      const fromDaemon = await run(['app:latest', '--json'], { env });
      expect(fromDaemon.code, fromDaemon.stderr).toBe(0);
      expect(fromDaemon.stderr).toBe(`imgsize: read app:latest from the podman daemon at ${podman.host} (CONTAINER_HOST)\n`);
      const piped = await run(['--json'], { stdin: readFileSync(saved) });
      expect(piped.code, piped.stderr).toBe(0);
      expect(figures(fromDaemon.stdout)).toEqual(figures(piped.stdout));
      expect(JSON.parse(fromDaemon.stdout).source).toEqual({ path: 'app:latest', format: 'docker', outerCompression: 'none' });
      expect(JSON.parse(fromDaemon.stdout).totals.contentBytes).toBe(4_800_029);
    });

    it('docker-daemon:NAME asks Docker’s API at DOCKER_HOST (Podman’s compatible socket here)', async () => {
      const r = await run(['docker-daemon:app:latest', '--json'], { env: { DOCKER_HOST: podman.host, HOME: tmp() } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^imgsize: read app:latest from the docker daemon at unix:\/\/.*podman\.sock \(DOCKER_HOST\)\n$/);
      const piped = await run(['--json'], { stdin: readFileSync(saved) });
      expect(figures(r.stdout)).toEqual(figures(piped.stdout));
    });

    it('packages and findings of a real image, as from its archive', async () => {
      if (!hasPyapp) return void expect(process.env.CI, 'the corpus is missing').toBeFalsy();
      const env = { CONTAINER_HOST: podman.host, HOME: tmp() };
      const d = await run(['pyapp:1', '--json', '--source', 'podman'], { env });
      expect(d.code, d.stderr).toBe(0);
      const archive = await run([PYAPP, '--json']);
      const a = figures(archive.stdout);
      const b = figures(d.stdout);
      // podman stores and exports the layers uncompressed: the content, files and packages are the archive's
      expect(b.totals.contentBytes).toBe(a.totals.contentBytes);
      expect(b.totals.files).toBe(a.totals.files);
      expect(b.packages).toEqual(a.packages);
      expect(b.findings.map((f: { code: string }) => f.code)).toEqual(a.findings.map((f: { code: string }) => f.code));
    });

    it('diff and check take daemon images too (check of a compressed budget reads the local image, not a registry)', async () => {
      const env = { CONTAINER_HOST: podman.host, HOME: tmp() };
      const d = await run(['diff', 'app:latest', 'app:latest', '--json'], { env });
      expect(d.code, d.stderr).toBe(0);
      expect(JSON.parse(d.stdout).diff.totals.content.delta).toBe(0);
      const c = await run(['check', 'app:latest', '--budget', '50kB', '--metric', 'compressed'], { env });
      expect(c.code, c.stderr).toBe(1);
      expect(c.stderr).toMatch(/^imgsize: read app:latest from the podman daemon/);
    });

    it('a name no daemon has: which sockets were asked, then the registry', async () => {
      const r = await run(['--source', 'podman', 'nope:1'], { env: { CONTAINER_HOST: podman.host, HOME: tmp() } });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`imgsize: nope:1: not in the local daemon (tried podman at ${podman.host} (CONTAINER_HOST): has no image nope:1)\nhint: check the name (docker images lists them)\n`);
    });
  });
}

describe('no daemon to ask', () => {
  it('says which sockets were tried', async () => {
    const r = await run(['docker-daemon:app:latest'], { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock', HOME: '/nonexistent' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'imgsize: app:latest: no docker daemon answered (tried docker at unix:///nonexistent/docker.sock (DOCKER_HOST): no such socket)\nhint: start the daemon, or point DOCKER_HOST (Podman: CONTAINER_HOST) at its socket\n',
    );
  });

  it('an ssh:// DOCKER_HOST is named, not dialled', async () => {
    const r = await run(['--source', 'docker', 'app'], { env: { DOCKER_HOST: 'ssh://me@build-box', HOME: '/nonexistent' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tried docker at ssh:\/\/me@build-box \(DOCKER_HOST\): ssh:\/\/ hosts are not read/);
  });
});
