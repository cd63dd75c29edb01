/** Image references, as distribution's grammar and Docker Hub's defaults have them (a table). */
import { describe, expect, it } from 'vitest';
import { looksLikeReference, parseReference } from '../../src/registry/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    ['ubuntu', 'docker.io', 'registry-1.docker.io', 'library/ubuntu', 'latest', undefined],
    ['ubuntu:22.04', 'docker.io', 'registry-1.docker.io', 'library/ubuntu', '22.04', undefined],
    ['docker.io/library/ubuntu', 'docker.io', 'registry-1.docker.io', 'library/ubuntu', 'latest', undefined],
    ['index.docker.io/acme/app:1', 'docker.io', 'registry-1.docker.io', 'acme/app', '1', undefined],
    ['acme/app', 'docker.io', 'registry-1.docker.io', 'acme/app', 'latest', undefined],
    ['ghcr.io/org/app:1.2', 'ghcr.io', 'ghcr.io', 'org/app', '1.2', undefined],
    ['ghcr.io/org/team/app', 'ghcr.io', 'ghcr.io', 'org/team/app', 'latest', undefined],
    ['localhost/app', 'localhost', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/app:dev', 'localhost:5000', 'localhost:5000', 'app', 'dev', undefined],
    ['127.0.0.1:5000/test/hello:v1', '127.0.0.1:5000', '127.0.0.1:5000', 'test/hello', 'v1', undefined],
    ['[::1]:5000/app:v1', '[::1]:5000', '[::1]:5000', 'app', 'v1', undefined],
    [`app@${D}`, 'docker.io', 'registry-1.docker.io', 'library/app', undefined, D],
    [`ghcr.io/org/app:1.2@${D}`, 'ghcr.io', 'ghcr.io', 'org/app', '1.2', D],
    ['Registry.Example/app', 'registry.example', 'registry.example', 'app', 'latest', undefined],
    ['my_app/a__b/c-d.e:t_1.x', 'docker.io', 'registry-1.docker.io', 'my_app/a__b/c-d.e', 't_1.x', undefined],
    ['registry://ghcr.io/org/app', 'ghcr.io', 'ghcr.io', 'org/app', 'latest', undefined],
  ])('%s', (given, registry, endpoint, repository, tag, digest) => {
    const r = parseReference(given);
    expect({ registry: r.registry, endpoint: r.endpoint, repository: r.repository, tag: r.tag, digest: r.digest }).toEqual({ registry, endpoint, repository, tag, digest });
    expect(r.ref).toBe(digest ?? tag);
  });

  it.each([
    ['', /not an image reference/],
    ['Ubuntu', /not an image reference/],
    ['app:', /invalid tag/],
    ['app:-x', /invalid tag/],
    [`app:${'t'.repeat(129)}`, /invalid tag/],
    ['app@sha256:abc', /invalid digest/],
    [`app@sha256:${'A'.repeat(64)}`, /not 64 hex digits/],
    ['ghcr.io//app', /not an image reference/],
    ['ghcr.io/app/', /not an image reference/],
    ['ghcr.io/-app', /not an image reference/],
    ['bad_host:5000/app', /invalid registry host/],
    ['a/b c', /not an image reference/],
  ])('refuses %j', (given, why) => {
    expect(() => parseReference(given)).toThrow(why);
  });

  it('spells the canonical name with the registry', () => {
    expect(parseReference('ubuntu').canonical).toBe('docker.io/library/ubuntu:latest');
    expect(parseReference(`ghcr.io/org/app:1@${D}`).canonical).toBe(`ghcr.io/org/app:1@${D}`);
  });
});

describe('telling a reference from a path', () => {
  const files = new Set(['app.tar', 'out/report.json', 'ghcr.io/org/app']);
  const exists = (p: string): boolean => files.has(p);
  it.each([
    ['app.tar', false],
    ['-', false],
    ['ghcr.io/org/app:1.2', true],
    ['ghcr.io/org/app', false], // a folder of that name exists: the path wins
    ['registry://ghcr.io/org/app', true], // unless forced
    ['localhost:5000/app', true],
    ['ubuntu:22.04', true],
    ['acme/app', true],
    ['ubuntu', false], // a bare word stays a (missing) file
    ['missing.tar', false],
    ['./app.tar.gz', false],
    ['samples/after.tar', false],
    ['reports/main.json', false],
  ])('%s → %s', (arg, expected) => {
    expect(looksLikeReference(arg, exists)).toBe(expected);
  });
});
