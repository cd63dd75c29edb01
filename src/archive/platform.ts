/**
 * Choosing the image: --image by name, --platform by os/arch[/variant] (default linux/amd64, with
 * the single-other-platform fallback), and where each candidate's platform comes from.
 */
import { ImgsizeError } from '../errors.js';
import type { Candidate, Absent } from './candidate.js';
import type { BlobRecord } from './contents.js';
import { isObject, short, unique } from './metadata.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

export interface ChooseOptions {
  readonly platform?: string | undefined;
  readonly image?: string | undefined;
  readonly requireOne?: boolean | undefined;
}

export function choose(candidates: Candidate[], absent: Absent[], opts: ChooseOptions, notices: string[]): Candidate {
  let pool = candidates;
  if (opts.image !== undefined) {
    pool = candidates.filter((c) => c.names.some((n) => nameMatches(n, opts.image!)));
    if (pool.length === 0) {
      const all = candidates.flatMap((c) => c.names);
      throw new ImgsizeError('platform', `--image ${opts.image}`, `no such image in the archive; it holds: ${all.length ? all.join(', ') : '(untagged images only)'}`);
    }
  }
  const want = opts.platform ?? DEFAULT_PLATFORM;
  const matches = pool.filter((c) => platformMatches(c.platform, want));
  if (matches.length > 0) {
    const chosen = matches[0]!;
    if (matches.length > 1 && opts.requireOne && opts.image === undefined) {
      const names = matches.map((c) => c.names[0] ?? c.manifestDigest ?? c.configMember);
      throw new ImgsizeError('usage', 'check', `the archive holds ${matches.length} ${want} images (${names.join(', ')}); a gate checks one image: choose it with --image`, {
        hint: `e.g. imgsize check ARCHIVE --image ${names[0]} …, once per image`,
      });
    }
    if (matches.length > 1) {
      notices.push(`the archive holds ${matches.length} ${want} images; using the first (${chosen.names[0] ?? chosen.manifestDigest ?? chosen.configMember}); choose another with --image`);
    }
    return chosen;
  }
  const missing = absent.find((a) => a.platform && platformMatches(a.platform, want));
  if (missing) {
    throw new ImgsizeError('missing-blob', want, `the ${want} image is listed in the index but its manifest ${short(missing.digest)} is not in the archive (partial export)`, {
      hint: `choose one that is present with --platform: ${unique(pool.map((c) => c.platform)).join(', ')}`,
    });
  }
  const platforms = unique(pool.map((c) => c.platform));
  if (opts.platform === undefined && pool.length === 1) {
    notices.push(`no ${want} image in the archive; using its only image, ${pool[0]!.platform}`);
    return pool[0]!;
  }
  throw new ImgsizeError('platform', `--platform ${want}`, `no ${want} image in the archive; it holds: ${platforms.join(', ')}`, {
    hint: 'choose one with --platform',
  });
}

export function platformMatches(have: string, want: string): boolean {
  const h = canonicalPlatform(have).split('/');
  const w = canonicalPlatform(want).split('/');
  if (h[0] !== w[0] || h[1] !== w[1]) return false;
  if (w.length < 3) return true;
  return h[2] === w[2];
}

export function canonicalPlatform(p: string): string {
  const parts = p.toLowerCase().split('/');
  if (parts[1] === 'arm64' && parts[2] === 'v8') parts.length = 2;
  if (parts[1] === 'amd64' && parts[2] === 'v1') parts.length = 2;
  if (parts[1] === 'x86_64') parts[1] = 'amd64';
  if (parts[1] === 'aarch64') parts[1] = 'arm64';
  return parts.join('/');
}

/**
 * `app` matches `app:latest`, `docker.io/library/app:latest` and podman's `localhost/app:latest`;
 * a registry or namespace the user leaves out matches any.
 */
export function nameMatches(name: string, want: string): boolean {
  if (name === want) return true;
  const norm = (s: string): string => {
    let r = s.replace(/^(docker\.io|index\.docker\.io)\/(library\/)?/, '');
    if (!/:[^/]+$/.test(r) && !r.includes('@')) r += ':latest';
    return r;
  };
  const n = norm(name);
  const w = norm(want);
  return n === w || n.endsWith(`/${w}`);
}

/** os/arch[/variant] from an image config blob; null when absent or unreadable (reported when chosen). */
export function configPlatform(config: BlobRecord | undefined): string | null {
  if (!config?.json) return null;
  try {
    const c: unknown = JSON.parse(config.json.toString('utf8'));
    return isObject(c) ? platformOf({ os: c.os, architecture: c.architecture, variant: c.variant }) : null;
  } catch {
    return null;
  }
}

export function platformOf(p: unknown): string | null {
  if (!isObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') return null;
  return typeof p.variant === 'string' && p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}
