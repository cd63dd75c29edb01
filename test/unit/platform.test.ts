/** Choosing the image: names (--image) and platforms (--platform), as tables. */
import { describe, expect, it } from 'vitest';
import { nameMatches } from '../../src/archive/platform.js';
import { platformMatches } from '../../src/base/platform.js';

describe('nameMatches(name in the archive, --image)', () => {
  it.each([
    ['app:1', 'app:1', true],
    ['app:latest', 'app', true],
    ['docker.io/library/app:latest', 'app', true],
    ['docker.io/library/app:latest', 'app:latest', true],
    ['index.docker.io/library/app:2', 'app:2', true],
    ['docker.io/acme/app:2', 'acme/app:2', true],
    ['localhost/app:latest', 'app', true],
    ['ghcr.io/acme/app:1.2', 'app:1.2', true],
    ['ghcr.io/acme/app:1.2', 'acme/app:1.2', true],
    ['ghcr.io/acme/app:1.2', 'ghcr.io/acme/app:1.2', true],
    ['app:1', 'app:2', false],
    ['app:1', 'app', false],
    ['myapp:latest', 'app', false],
    ['ghcr.io/acme/app:1.2', 'other/app:1.2', false],
    ['registry:5000/app:1', 'app:1', true],
    ['app@sha256:abc', 'app@sha256:abc', true],
  ])('%s against %s → %s', (name, want, expected) => {
    expect(nameMatches(name, want)).toBe(expected);
  });
});

describe('platformMatches(platform of the image, --platform)', () => {
  it.each([
    ['linux/amd64', 'linux/amd64', true],
    ['linux/amd64/v1', 'linux/amd64', true],
    ['linux/amd64', 'linux/amd64/v1', true],
    ['linux/x86_64', 'linux/amd64', true],
    ['linux/arm64/v8', 'linux/arm64', true],
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/aarch64', 'linux/arm64', true],
    ['linux/arm/v7', 'linux/arm', true],
    ['linux/arm/v7', 'linux/arm/v7', true],
    ['linux/arm/v6', 'linux/arm/v7', false],
    ['linux/arm', 'linux/arm/v7', false],
    ['linux/amd64', 'linux/arm64', false],
    ['windows/amd64', 'linux/amd64', false],
    ['LINUX/AMD64', 'linux/amd64', true],
    ['linux/amd64/v3', 'linux/amd64', true],
    ['linux/amd64/v3', 'linux/amd64/v2', false],
  ])('%s against %s → %s', (have, want, expected) => {
    expect(platformMatches(have, want)).toBe(expected);
  });
});
