/**
 * Reading an image straight from a registry: a real one (docker-registry on loopback), images
 * pushed with skopeo. The same numbers as the archive of the same image, every format skopeo
 * writes, platforms of an index, auth, and clean errors.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, ociMembers } from '../fixtures/builder.js';
import { makeClientCert, makeTls, missingTools, registryTools, startRegistry, startTokenServer, type Registry, type TokenServer } from '../helpers/registry.js';
import { run } from '../helpers/run.js';
import { ManifestReportSchema } from '../../src/report/schema.js';
import { tempFolders } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLE = path.join(ROOT, 'samples/hello.oci.tar');
const tmp = tempFolders('imgsize-registry-');
const sameImage = (a: string, b: string): void => {
  const x = JSON.parse(a);
  const y = JSON.parse(b);
  for (const k of ['totals', 'layers', 'packages', 'directories', 'largestFiles', 'wasted', 'findings']) expect(x[k], k).toEqual(y[k]);
  expect(x.image.manifestDigest).toBe(y.image.manifestDigest);
};

if (!registryTools) {
  if (process.env.CI) {
    describe('registry', () => {
      it('has its components', () => {
        throw new Error(`missing ${missingTools}: .ci/run installs them`);
      });
    });
  } else {
    console.warn(`registry tests skipped: no ${missingTools} here`);
    describe.skip('registry', () => it('needs docker-registry and skopeo', () => undefined));
  }
} else {
  describe('an image in a registry', () => {
    let reg: Registry;
    let layout: string;
    // started while the file is collected: every registry of this file comes up at once
    const setup1 = (async (): Promise<void> => {
      reg = await startRegistry(tmp());
      await reg.push(`oci-archive:${SAMPLE}`, 'test/hello:v1');
      await reg.push(`oci-archive:${SAMPLE}`, 'test/hello:v2s2', ['--format', 'v2s2']);
      // a two-platform index
      const amd = await buildImage({ architecture: 'amd64', layers: [{ entries: [{ path: 'amd.bin', size: 3000 }], compression: 'gzip' }] });
      const arm = await buildImage({ architecture: 'arm64', variant: 'v8', layers: [{ entries: [{ path: 'arm.bin', size: 5000 }], compression: 'gzip' }] });
      layout = tmp();
      for (const m of ociMembers([amd, arm], { nested: true })) {
        mkdirSync(path.dirname(path.join(layout, m.name)), { recursive: true });
        if (!m.name.endsWith('/')) writeFileSync(path.join(layout, m.name), m.data ?? Buffer.alloc(0));
      }
      await reg.push(`oci:${layout}`, 'test/multi:v1', ['--all']);
    })();
    setup1.catch(() => undefined); // reported by the beforeAll below, not as an unhandled rejection
    beforeAll(() => setup1);
    afterAll(() => reg?.stop());

    it('reports the same numbers as the archive of the same image', async () => {
      const fromRegistry = await run([`${reg.host}/test/hello:v1`, '--json']);
      expect(fromRegistry.code, fromRegistry.stderr).toBe(0);
      const fromArchive = await run([SAMPLE, '--json']);
      sameImage(fromRegistry.stdout, fromArchive.stdout);
      const rep = JSON.parse(fromRegistry.stdout);
      expect(rep.source).toEqual({ path: `${reg.host}/test/hello:v1`, format: 'registry', outerCompression: 'none' });
      expect(rep.image.repoTags).toEqual([`${reg.host}/test/hello:v1`]);
    });

    it('the push-size estimate of layers stored uncompressed is within its margin of what a real pusher (skopeo) uploads', async () => {
      const corpus = path.resolve(ROOT, '../shared/corpus/images');
      // (the npm7 archive is a Docker ≥ 25 save: skopeo reads it as the OCI layout it holds)
      const archives = [
        ['oci-archive', 'snyk__npm7-without-package-lock-file.tar'],
        ['docker-archive', 'dive__test-docker-image.tar'],
        ['docker-archive', 'snyk__skopeo-copy-busybox.tar'],
        ['docker-archive', 'snyk__docker-oci-busybox.armv7.tar'],
      ].map(([t, f]) => [t!, path.join(corpus, f!)] as const);
      if (!archives.every(([, f]) => existsSync(f))) return void expect(process.env.CI, 'the corpus is missing').toBeFalsy();
      const offsets: number[] = [];
      for (const [k, [transport, file]] of archives.entries()) {
        await reg.push(`${transport}:${file}`, `calib/c${k}:1`);
        const pushed = JSON.parse((await run([`${reg.host}/calib/c${k}:1`, '--manifest-only', '--json', '--platform', k === 3 ? 'linux/arm/v7' : 'linux/amd64'])).stdout) as {
          layers: { compressedBytes: number }[];
        };
        const estimated = JSON.parse((await run([file, '--json', ...(k === 3 ? ['--platform', 'linux/arm/v7'] : [])])).stdout) as {
          layers: { pushBytes: number; uncompressedBytes: number; pushSize?: { estimated: boolean } }[];
        };
        estimated.layers.forEach((l, i) => {
          if (l.pushSize?.estimated && l.uncompressedBytes >= 1 << 20) offsets.push(pushed.layers[i]!.compressedBytes / l.pushBytes - 1);
        });
      }
      expect(offsets.length).toBeGreaterThanOrEqual(4);
      // what skopeo's pgzip writes: more than gzip -6, within the ±7 % the verdicts are weighed against
      for (const o of offsets) expect(Math.abs(o)).toBeLessThan(0.07);
      expect(Math.max(...offsets)).toBeGreaterThan(0);
    });

    it('--insecure-registry on a registry that speaks plain HTTP: tried over HTTPS, read over HTTP', async () => {
      const r = await run([`${reg.host}/test/hello:v1`, '--json', '--insecure-registry', reg.host]);
      expect(r.code, r.stderr).toBe(0);
      sameImage(r.stdout, (await run([SAMPLE, '--json'])).stdout);
    });

    it('reads a Docker v2s2 manifest of the same image, with the same layers', async () => {
      const a = JSON.parse((await run([`${reg.host}/test/hello:v2s2`, '--json'])).stdout);
      const b = JSON.parse((await run([SAMPLE, '--json'])).stdout);
      expect(a.totals).toEqual(b.totals);
      expect(a.layers.map((l: { diffId: string }) => l.diffId)).toEqual(b.layers.map((l: { diffId: string }) => l.diffId));
    });

    it('picks the platform of an index with --platform', async () => {
      const amd = JSON.parse((await run([`${reg.host}/test/multi:v1`, '--json'])).stdout);
      const arm = JSON.parse((await run([`${reg.host}/test/multi:v1`, '--json', '--platform', 'linux/arm64'])).stdout);
      expect([amd.image.platform, amd.totals.contentBytes]).toEqual(['linux/amd64', 3000]);
      expect([arm.image.platform, arm.totals.contentBytes]).toEqual(['linux/arm64/v8', 5000]);
      const m = ManifestReportSchema.parse(JSON.parse((await run([`${reg.host}/test/multi:v1`, '--manifest-only', '--json'])).stdout));
      expect(m.platforms?.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64/v8']);
      expect(m.platforms?.[0]?.compressedBytes).toBe(m.totals.compressedBytes);
      const none = await run([`${reg.host}/test/multi:v1`, '--platform', 'linux/s390x']);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^imgsize: --platform linux\/s390x: no linux\/s390x image in .*; it holds: linux\/amd64, linux\/arm64\/v8/);
    });

    it('gates and diffs references like archives', async () => {
      const c = await run(['check', `${reg.host}/test/hello:v1`, '--budget', '1MB', '--metric', 'compressed']);
      expect(c.code, c.stderr).toBe(0);
      const d = await run(['diff', SAMPLE, `${reg.host}/test/hello:v1`, '--json']);
      expect(d.code, d.stderr).toBe(0);
      expect(JSON.parse(d.stdout).diff.totals.content.delta).toBe(0);
    });

    it('--manifest-only: compressed sizes and steps without a layer, as the full report has them', async () => {
      const m = await run([`${reg.host}/test/hello:v1`, '--manifest-only', '--json']);
      expect(m.code, m.stderr).toBe(0);
      const doc = ManifestReportSchema.parse(JSON.parse(m.stdout));
      const full = JSON.parse((await run([`${reg.host}/test/hello:v1`, '--json'])).stdout);
      expect(doc.totals).toEqual({ compressedBytes: full.totals.compressedBytes, layers: full.layers.length });
      expect(doc.layers.map((l) => [l.number, l.digest, l.compressedBytes, l.compression, l.createdBy])).toEqual(
        full.layers.map((l: Record<string, unknown>) => [l.number, l.digest, l.compressedBytes, l.compression, l.createdBy]),
      );
      expect(doc.image.manifestDigest).toBe(full.image.manifestDigest);
      const text = await run([`${reg.host}/test/hello:v1`, '--manifest-only']);
      expect(text.stdout).toMatch(/Compressed 83\.6 kB \(83,639 bytes: what a pull downloads\)/);
      expect(text.stdout).toMatch(/manifest only: no layer was downloaded/);
      const archive = await run([SAMPLE, '--manifest-only']);
      expect(archive.code).toBe(2);
      expect(archive.stderr).toMatch(/^imgsize: --manifest-only: reads an image in a registry/);
    });

    it('says clearly what is missing: a tag, a repository, a registry', async () => {
      const tag = await run([`${reg.host}/test/hello:nope`]);
      expect(tag.code).toBe(2);
      expect(tag.stderr).toMatch(/^imgsize: .*test\/hello:nope: not found in the registry \(MANIFEST_UNKNOWN/);
      const down = await run(['127.0.0.1:1/test/hello:v1']);
      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(/^imgsize: 127\.0\.0\.1:1: cannot reach the registry at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
      expect(down.stderr).not.toMatch(/\n\s+at /);
    });
  });

  describe('a registry that needs a password (htpasswd)', () => {
    let reg: Registry;
    // started while the file is collected: every registry of this file comes up at once
    const setup2 = (async (): Promise<void> => {
      reg = await startRegistry(tmp(), { htpasswd: true });
      await reg.push(`oci-archive:${SAMPLE}`, 'private/hello:v1');
    })();
    setup2.catch(() => undefined); // reported by the beforeAll below, not as an unhandled rejection
    beforeAll(() => setup2);
    afterAll(() => reg?.stop());

    it('is refused without credentials and read with DOCKER_AUTH_CONFIG', async () => {
      const home = tmp();
      const anon = await run([`${reg.host}/private/hello:v1`], { env: { HOME: home } });
      expect(anon.code).toBe(2);
      expect(anon.stderr).toMatch(/access denied: needs a user name and password/);
      const auth = JSON.stringify({ auths: { [`http://${reg.host}/v2/`]: { auth: Buffer.from('tester:testpass').toString('base64') } } });
      const ok = await run([`${reg.host}/private/hello:v1`, '--json'], { env: { HOME: home, DOCKER_AUTH_CONFIG: auth } });
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout).totals.contentBytes).toBe(4_800_029);
    });

    it('reads ~/.docker/config.json', async () => {
      const home = tmp();
      mkdirSync(path.join(home, '.docker'));
      writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ auths: { [reg.host]: { username: 'tester', password: 'testpass' } } }));
      const ok = await run([`${reg.host}/private/hello:v1`, '--json'], { env: { HOME: home } });
      expect(ok.code, ok.stderr).toBe(0);
    });
  });

  describe('a registry with token auth (as Docker Hub, GHCR)', () => {
    let reg: Registry;
    let tokens: TokenServer;
    // started while the file is collected: every registry of this file comes up at once
    const setup3 = (async (): Promise<void> => {
      const dir = tmp();
      tokens = await startTokenServer(dir);
      reg = await startRegistry(dir, { token: tokens });
      await reg.push(`oci-archive:${SAMPLE}`, 'public/hello:v1');
      await reg.push(`oci-archive:${SAMPLE}`, 'private/hello:v1');
    })();
    setup3.catch(() => undefined); // reported by the beforeAll below, not as an unhandled rejection
    beforeAll(() => setup3);
    afterAll(() => {
      reg?.stop();
      tokens?.stop();
    });

    it('reads a public repository with an anonymous token, asked for once', async () => {
      tokens.log.length = 0;
      const r = await run([`${reg.host}/public/hello:v1`, '--json'], { env: { HOME: tmp() } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).totals.contentBytes).toBe(4_800_029);
      expect(tokens.log).toEqual(['GET anonymous repository:public/hello:pull']);
    });

    it('diff of two references in one repository asks for one token', async () => {
      tokens.log.length = 0;
      const d = await run(['diff', `${reg.host}/public/hello:v1`, `${reg.host}/public/hello:v1`, '--json'], { env: { HOME: tmp() } });
      expect(d.code, d.stderr).toBe(0);
      expect(tokens.log).toEqual(['GET anonymous repository:public/hello:pull']);
    });

    it('asks for a new token when the registry refuses one mid-pull (it expired)', async () => {
      // in front of the registry: the third request that carries a token is refused as a registry
      // refuses an expired one (401 and its challenge); the pull must get a new token and go on
      const challenge = await new Promise<string>((resolve, reject) => {
        httpRequest(`http://${reg.host}/v2/public/hello/manifests/v1`, (r) => {
          r.resume();
          resolve(String(r.headers['www-authenticate']));
        })
          .on('error', reject)
          .end();
      });
      let withToken = 0;
      const proxy = createHttpServer((req, res) => {
        if (req.headers.authorization && ++withToken === 3) {
          return void res.writeHead(401, { 'www-authenticate': `${challenge},error="invalid_token"`, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        }
        const up = httpRequest(`http://${reg.host}${req.url}`, { method: req.method, headers: { ...req.headers, host: reg.host } }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        req.pipe(up);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      try {
        tokens.log.length = 0;
        const host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
        const r = await run([`${host}/public/hello:v1`, '--json'], { env: { HOME: tmp() } });
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout).totals.contentBytes).toBe(4_800_029);
        expect(tokens.log).toEqual(['GET anonymous repository:public/hello:pull', 'GET anonymous repository:public/hello:pull']);
      } finally {
        proxy.close();
      }
    });

    it('is denied a private one anonymously, and reads it with a password or an identity token', async () => {
      const home = tmp();
      const anon = await run([`${reg.host}/private/hello:v1`], { env: { HOME: home } });
      expect(anon.code).toBe(2);
      expect(anon.stderr).toMatch(/^imgsize: .*private\/hello:v1: access denied/);
      const basic = JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('tester:testpass').toString('base64') } } });
      const withPassword = await run([`${reg.host}/private/hello:v1`, '--json'], { env: { HOME: home, DOCKER_AUTH_CONFIG: basic } });
      expect(withPassword.code, withPassword.stderr).toBe(0);
      tokens.log.length = 0;
      const identity = JSON.stringify({ auths: { [reg.host]: { identitytoken: tokens.refreshToken } } });
      const withToken = await run([`${reg.host}/private/hello:v1`, '--json'], { env: { HOME: home, DOCKER_AUTH_CONFIG: identity } });
      expect(withToken.code, withToken.stderr).toBe(0);
      expect(tokens.log).toEqual(['POST refresh_token tester repository:private/hello:pull']);
    });

    it('asks a credential helper (docker-credential-*) named in credHelpers', async () => {
      const home = tmp();
      const bin = path.join(home, 'bin');
      mkdirSync(bin);
      writeFileSync(
        path.join(bin, 'docker-credential-imgsizetest'),
        '#!/bin/sh\n[ "$1" = get ] || exit 1\nread -r server\necho "$server" >> "$(dirname "$0")/asked"\nprintf \'{"ServerURL":"%s","Username":"tester","Secret":"testpass"}\\n\' "$server"\n',
        { mode: 0o755 },
      );
      mkdirSync(path.join(home, '.docker'));
      writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'imgsizetest' } }));
      const r = await run([`${reg.host}/private/hello:v1`, '--json'], { env: { HOME: home, PATH: `${bin}:${process.env.PATH}` } });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(path.join(bin, 'asked'), 'utf8')).toBe(`${reg.host}\n`);
      // a helper that is not installed: anonymous, and the refusal says why
      writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'imgsize-missing' } }));
      const missing = await run([`${reg.host}/private/hello:v1`], { env: { HOME: home } });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/hint: the credential helper docker-credential-imgsize-missing is not installed, so imgsize asked anonymously/);
    });

    it('fleet plan --registry lists the catalog with the token its challenge scopes (registry:catalog:*), logged in; anonymously it is refused', async () => {
      const home = tmp();
      const anon = await run(['fleet', 'plan', '--registry', reg.host, '-q'], { env: { HOME: home } });
      expect(anon.code).toBe(2);
      expect(anon.stderr).toMatch(/^imgsize: .*catalog.*: access denied/);
      expect(anon.stdout).toBe('');
      tokens.log.length = 0;
      const basic = JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('tester:testpass').toString('base64') } } });
      const r = await run(['fleet', 'plan', '--registry', reg.host, '-q'], { env: { HOME: home, DOCKER_AUTH_CONFIG: basic } });
      expect(r.code, r.stderr).toBe(0);
      // both tags hold one manifest: it is planned once
      expect(JSON.parse(r.stdout).images.map((i: { reference: string }) => i.reference)).toEqual([`${reg.host}/private/hello:v1`]);
      expect(tokens.log).toContain('GET tester registry:catalog:*');
      expect(tokens.log).toContain('GET tester repository:private/hello:pull');
      expect(tokens.log).toContain('GET tester repository:public/hello:pull');
    });
  });

  describe('a registry that fails now and then', () => {
    let reg: Registry;
    let proxy: Server;
    let host: string;
    const seen: string[] = [];
    // started while the file is collected: every registry of this file comes up at once
    const setup4 = (async (): Promise<void> => {
      reg = await startRegistry(tmp());
      await reg.push(`oci-archive:${SAMPLE}`, 'test/hello:v1');
      // in front of it: the first manifest request gets a 503, the first download of each blob
      // is cut after half its bytes
      const cut = new Set<string>();
      let busy = true;
      proxy = createHttpServer((req, res) => {
        const url = req.url ?? '/';
        seen.push(`${req.method} ${url}${req.headers.range ? ` ${req.headers.range.replace(/\d+/, 'N')}` : ''}`);
        if (url.includes('/manifests/') && busy) {
          busy = false;
          return void res.writeHead(503, { 'retry-after': '0' }).end();
        }
        const up = httpRequest(`http://${reg.host}${url}`, { method: req.method, headers: { ...req.headers, host: reg.host } }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          const length = Number(r.headers['content-length'] ?? 0);
          if (url.includes('/blobs/') && !req.headers.range && length > 1000 && !cut.has(url)) {
            cut.add(url);
            let sent = 0;
            r.on('data', (d: Buffer) => {
              if (sent >= length / 2) return;
              if (sent + d.length >= length / 2) {
                // half the bytes, delivered, then the connection closes (FIN, not a reset that could drop them)
                res.write(d.subarray(0, Math.floor(length / 2) - sent), () => setTimeout(() => res.socket?.end(), 20));
                sent = length;
                r.destroy();
                return;
              }
              sent += d.length;
              res.write(d);
            });
            return;
          }
          r.pipe(res);
        });
        req.pipe(up);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      host = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
    })();
    setup4.catch(() => undefined); // reported by the beforeAll below, not as an unhandled rejection
    beforeAll(() => setup4);
    afterAll(() => {
      reg?.stop();
      proxy?.close();
    });

    it('retries a 503 and resumes a broken download where it stopped, with the same numbers', async () => {
      const r = await run([`${host}/test/hello:v1`, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const fromArchive = await run([SAMPLE, '--json']);
      sameImage(r.stdout, fromArchive.stdout);
      expect(seen.filter((x) => x.includes('/manifests/')).length).toBe(2);
      expect(seen.filter((x) => x.includes('bytes=N-')).length).toBeGreaterThan(0);
    });

    it('check of a compressed budget reads the manifest and config only, no layer', async () => {
      seen.length = 0;
      const c = await run(['check', `${host}/test/hello:v1`, '--budget', '50kB', '--metric', 'compressed', '--json']);
      expect(c.code, c.stderr).toBe(1);
      const doc = ManifestReportSchema.parse(JSON.parse(c.stdout));
      expect(doc.verdict?.results[0]).toMatchObject({ kind: 'budget', subject: 'compressed', measured: 83_639, status: 'fail' });
      expect(seen.filter((x) => x.includes('/blobs/')).length).toBe(1); // the config
    });

    it('with a layer cache, a second read downloads no layer blob and reports the same figures', async () => {
      const cache = path.join(tmp(), 'cache');
      seen.length = 0;
      const first = await run([`${host}/test/hello:v1`, '--json', '--cache', cache]);
      expect(first.code, first.stderr).toBe(0);
      // (this registry fails now and then: a blob may be asked for twice)
      const blobUrls = (): Set<string> => new Set(seen.filter((x) => x.includes('/blobs/')).map((x) => x.split(' ')[1] ?? x));
      expect(blobUrls().size).toBe(4); // the config and three layers
      seen.length = 0;
      const second = await run([`${host}/test/hello:v1`, '--json', '--cache', cache]);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toContain('3 layers from the layer cache');
      expect(blobUrls().size).toBe(1); // the config only
      sameImage(second.stdout, first.stdout);
    });

    it('diff of two references fetches a blob both share once', async () => {
      seen.length = 0;
      const d = await run(['diff', `${host}/test/hello:v1`, `${host}/test/hello:v1`, '--json']);
      expect(d.code, d.stderr).toBe(0);
      expect(JSON.parse(d.stdout).diff.sharedCompressedBytes).toBeGreaterThan(0);
      const blobs = seen.filter((x) => x.includes('/blobs/'));
      expect(blobs.length).toBe(4); // the config and three layers, once for both sides
      expect(new Set(blobs).size).toBe(4);
    });
  });

  describe('a registry over TLS with a private CA', () => {
    let reg: Registry;
    let ca: string;
    // started while the file is collected: every registry of this file comes up at once
    const setup5 = (async (): Promise<void> => {
      const dir = tmp();
      const tls = makeTls(dir);
      ca = readFileSync(tls.ca, 'utf8');
      reg = await startRegistry(dir, { tls });
      await reg.push(`oci-archive:${SAMPLE}`, 'test/hello:v1');
    })();
    setup5.catch(() => undefined); // reported by the beforeAll below, not as an unhandled rejection
    beforeAll(() => setup5);
    afterAll(() => reg?.stop());

    it("is trusted with the CA in docker's certs.d folder, refused without it", async () => {
      const bare = await run([`${reg.host}/test/hello:v1`], { env: { HOME: tmp() } });
      expect(bare.code).toBe(2);
      expect(bare.stderr).toMatch(
        /^imgsize: 127\.0\.0\.1:\d+: cannot reach the registry at https:\/\/127\.0\.0\.1:\d+ \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
      );
      const home = tmp();
      const certs = path.join(home, '.config/docker/certs.d', reg.host);
      mkdirSync(certs, { recursive: true });
      writeFileSync(path.join(certs, 'ca.crt'), ca);
      const ok = await run([`${reg.host}/test/hello:v1`, '--json'], { env: { HOME: home } });
      expect(ok.code, ok.stderr).toBe(0);
      sameImage(ok.stdout, (await run([SAMPLE, '--json'])).stdout);
    });

    it('--insecure-registry, as docker means it: HTTPS without verifying that host, the same image', async () => {
      const ok = await run([`${reg.host}/test/hello:v1`, '--json', '--insecure-registry', reg.host], { env: { HOME: tmp() } });
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout).source.format).toBe('registry');
      sameImage(ok.stdout, (await run([SAMPLE, '--json'])).stdout);
    });
  });

  describe('a registry that wants a client certificate (mutual TLS)', () => {
    let reg: Registry;
    let dir: string;
    const setup7 = (async (): Promise<void> => {
      dir = tmp();
      const tls = makeTls(dir);
      makeClientCert(dir);
      reg = await startRegistry(dir, { tls: { ...tls, clientCa: tls.ca } });
      // skopeo's cert dir holds the pair only (it wants a .cert for every .key it finds)
      const push = path.join(dir, 'push-certs');
      mkdirSync(push);
      for (const f of ['client.cert', 'client.key']) writeFileSync(path.join(push, f), readFileSync(path.join(dir, f)));
      await reg.push(`oci-archive:${SAMPLE}`, 'test/hello:v1', ['--dest-cert-dir', push]);
    })();
    setup7.catch(() => undefined); // reported by the beforeAll below, not as an unhandled rejection
    beforeAll(() => setup7);
    afterAll(() => reg?.stop());

    it("presents docker's certs.d client.cert and client.key to that registry, and is refused without them", async () => {
      const home = tmp();
      const certs = path.join(home, '.config/docker/certs.d', reg.host);
      mkdirSync(certs, { recursive: true });
      writeFileSync(path.join(certs, 'ca.crt'), readFileSync(path.join(dir, 'ca.crt')));
      const without = await run([`${reg.host}/test/hello:v1`], { env: { HOME: home } });
      expect(without.code).toBe(2);
      expect(without.stderr).toMatch(
        /^imgsize: 127\.0\.0\.1:\d+: cannot reach the registry at https:\/\/127\.0\.0\.1:\d+ \(UND_ERR_SOCKET\)\nhint: if the registry wants a client certificate, put client\.cert and client\.key in \/etc\/docker\/certs\.d\/127\.0\.0\.1:\d+\//,
      );
      writeFileSync(path.join(certs, 'client.cert'), readFileSync(path.join(dir, 'client.cert')));
      writeFileSync(path.join(certs, 'client.key'), readFileSync(path.join(dir, 'client.key')));
      const ok = await run([`${reg.host}/test/hello:v1`, '--json'], { env: { HOME: home } });
      expect(ok.code, ok.stderr).toBe(0);
      sameImage(ok.stdout, (await run([SAMPLE, '--json'])).stdout);
    });
  });

  describe('a registry that lies or sends blobs elsewhere', () => {
    let reg: Registry;
    const servers: Server[] = [];
    const listen = async (handler: Parameters<typeof createHttpServer>[1]): Promise<number> => {
      const srv = createHttpServer(handler);
      servers.push(srv);
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      return (srv.address() as { port: number }).port;
    };
    /** Forwards to the registry, optionally rewriting what it answers. */
    const forward = (req: IncomingMessage, res: ServerResponse, body?: (b: Buffer) => Buffer): void => {
      const up = httpRequest(`http://${reg.host}${req.url}`, { method: req.method, headers: { ...req.headers, host: reg.host } }, (r) => {
        const parts: Buffer[] = [];
        r.on('data', (d: Buffer) => parts.push(d));
        r.on('end', () => {
          const b = Buffer.concat(parts);
          const out = body ? body(b) : b;
          res.writeHead(r.statusCode ?? 502, { ...r.headers, 'content-length': String(out.length) }).end(out);
        });
      });
      req.pipe(up);
    };
    // started while the file is collected: every registry of this file comes up at once
    const setup6 = (async (): Promise<void> => {
      reg = await startRegistry(tmp(), { htpasswd: true });
      await reg.push(`oci-archive:${SAMPLE}`, 'private/hello:v1');
    })();
    setup6.catch(() => undefined); // reported by the beforeAll below, not as an unhandled rejection
    beforeAll(() => setup6);
    afterAll(() => {
      reg?.stop();
      for (const s of servers) s.close();
    });

    it('a blob whose bytes do not match its digest is an error, not a report', async () => {
      // the config comes back with one digit changed (valid JSON, another digest); a layer with one bit flipped
      const port = await listen((req, res) => {
        if (!(req.url ?? '').includes('/blobs/')) return forward(req, res);
        forward(req, res, (b) => (b[0] === 0x7b ? Buffer.from(b.toString('latin1').replace('2024-01-01', '2025-01-01'), 'latin1') : b));
      });
      const env = { HOME: tmp(), DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { [`127.0.0.1:${port}`]: { username: 'tester', password: 'testpass' } } }) };
      const r = await run([`127.0.0.1:${port}/private/hello:v1`, '--json'], { env });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^imgsize: image config: digest mismatch: expected sha256:bf687058321f\w+, the blob hashes to sha256:/);
      const flip = await listen((req, res) => {
        if (!(req.url ?? '').includes('/blobs/')) return forward(req, res);
        forward(req, res, (b) => (b[0] === 0x1f && b.length > 1000 ? Buffer.concat([b.subarray(0, 500), Buffer.from([b[500]! ^ 1]), b.subarray(501)]) : b));
      });
      const env2 = { HOME: tmp(), DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { [`127.0.0.1:${flip}`]: { username: 'tester', password: 'testpass' } } }) };
      const l = await run([`127.0.0.1:${flip}/private/hello:v1`, '--json'], { env: env2 });
      expect(l.code).toBe(2);
      expect(l.stderr).toMatch(/^imgsize: layer \d \(sha256:\w+\): (invalid gzip data|digest mismatch)/);
      expect(l.stderr).not.toMatch(/\n\s+at /);
    });

    it('follows a redirect to another host for a blob, without sending Authorization there', async () => {
      const authSeen: (string | undefined)[] = [];
      const blobHost = await listen((req, res) => {
        authSeen.push(req.headers.authorization);
        // the CDN: serves the blob it is asked for (fetched from the registry with its own credentials)
        const url = (req.url ?? '').replace('/cdn', '');
        const up = httpRequest(`http://${reg.host}${url}`, { headers: { authorization: `Basic ${Buffer.from('tester:testpass').toString('base64')}` } }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.end();
      });
      const port = await listen((req, res) => {
        if ((req.url ?? '').includes('/blobs/')) return void res.writeHead(307, { location: `http://localhost:${blobHost}/cdn${req.url}` }).end();
        forward(req, res);
      });
      const env = { HOME: tmp(), DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { [`127.0.0.1:${port}`]: { username: 'tester', password: 'testpass' } } }) };
      const r = await run([`127.0.0.1:${port}/private/hello:v1`, '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).totals.contentBytes).toBe(4_800_029);
      expect(authSeen.length).toBe(4);
      expect(authSeen.every((a) => a === undefined)).toBe(true);
    });
  });
}
