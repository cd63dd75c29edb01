/**
 * Choosing the image: --image by name, --platform by os/arch[/variant] (default linux/amd64, with
 * the single-other-platform fallback), and where each candidate's platform comes from.
 */
import { ImgsizeError, listSome } from '../base/errors.js';
import { DEFAULT_PLATFORM, platformMatches, platformOf } from '../base/platform.js';
import type { Candidate, Absent } from './candidate.js';
import type { BlobRecord } from './contents.js';
import { isObject, short, unique } from './metadata.js';

export interface ChooseOptions {
  readonly platform?: string | undefined;
  readonly image?: string | undefined;
  /** The command that must not take the first of several images silently (check, diff). */
  readonly requireOne?: string | undefined;
  /** Several images of the platform and no --image: all of them (an overview), not the first. */
  readonly overview?: boolean | undefined;
}

/** The image ID (its config's digest) of a candidate; the manifest digest where there is one. */
function idsOf(c: Candidate): string[] {
  return [c.configDigest ?? c.config?.digest, c.manifestDigest].filter((d): d is string => typeof d === 'string');
}

/**
 * --image as docker takes it: a name (`busybox` = `busybox:latest` = `docker.io/library/busybox:latest`),
 * else a digest or an image ID prefix (`sha256:3f57…`, `3f57d9401f8d`; at least 4 hex digits).
 */
export function imageMatches(c: Candidate, want: string): boolean {
  if (c.names.some((n) => nameMatches(n, want))) return true;
  const hex = /^(?:sha256:)?([a-f0-9]{4,64})$/i.exec(want)?.[1]?.toLowerCase();
  return hex !== undefined && idsOf(c).some((d) => d.toLowerCase().startsWith(`sha256:${hex}`));
}

/** Tags registries give signatures and attestations (`sha256-<hex>.sig`, `.att`, `.sbom`, regclient's `.meta`): not images one picks. */
const ARTIFACT_TAG = /(^|[:/])sha256-[a-f0-9]{64}(\.[\w-]+)*$/;

/** The names an image goes by to people: its tags, artifact tags left out. */
export function imageNames(names: readonly string[]): string[] {
  return names.filter((n) => !ARTIFACT_TAG.test(n));
}

/** How an image can be named to --image: its tags, or its short ID when it has none. */
export function choiceNames(candidates: readonly Candidate[]): string[] {
  return unique(
    candidates.flatMap((c) => {
      const names = imageNames(c.names);
      return names.length > 0 ? names : idsOf(c).slice(0, 1).map(short);
    }),
  );
}

/**
 * The images an overview shows: several of the platform asked for, none named, in an archive that
 * names several images (docker save app:1 app:2: manifest.json lists them). An OCI layout whose
 * index lists several manifests gives its first, as before (the corpus's contract for them).
 */
export function severalImages(candidates: Candidate[], opts: ChooseOptions & { readonly namedImages: number }): Candidate[] | undefined {
  if (!opts.overview || opts.image !== undefined || opts.namedImages < 2) return undefined;
  const want = opts.platform ?? DEFAULT_PLATFORM;
  let matches = candidates.filter((c) => platformMatches(c.platform, want));
  // the single-other-platform fallback of choose(), for archives of one other platform
  if (matches.length === 0 && opts.platform === undefined && unique(candidates.map((c) => c.platform)).length === 1) matches = candidates;
  const distinct = unique(matches.map((c) => idsOf(c)[0] ?? c.key));
  return distinct.length > 1 ? matches : undefined;
}

export function choose(candidates: Candidate[], absent: Absent[], opts: ChooseOptions, notices: string[]): Candidate {
  let pool = candidates;
  if (opts.image !== undefined) {
    pool = candidates.filter((c) => imageMatches(c, opts.image!));
    if (pool.length === 0) {
      const all = choiceNames(candidates);
      throw new ImgsizeError('platform', `--image ${opts.image}`, `no such image in the archive; it holds: ${all.length ? listSome(all) : '(no image)'}`);
    }
  }
  const want = opts.platform ?? DEFAULT_PLATFORM;
  const matches = pool.filter((c) => platformMatches(c.platform, want));
  if (matches.length > 0) {
    const chosen = matches[0]!;
    if (matches.length > 1 && opts.requireOne && opts.image === undefined) {
      const names = choiceNames(matches);
      const why = opts.requireOne === 'check' ? 'a gate checks one image' : `${opts.requireOne} compares one image per side`;
      throw new ImgsizeError('usage', opts.requireOne, `the archive holds ${matches.length} ${want} images (${listSome(names)}); ${why}: choose it with --image`, {
        hint:
          opts.requireOne === 'check' ? `e.g. imgsize check ARCHIVE --image ${names[0]} …, once per image` : `e.g. imgsize diff A B --image ${names[0]} (both sides), or --image BEFORE --image AFTER`,
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
      hint: `choose one that is present with --platform: ${listSome(unique(pool.map((c) => c.platform)))}`,
    });
  }
  const platforms = unique(pool.map((c) => c.platform));
  if (opts.platform === undefined && pool.length === 1) {
    notices.push(`no ${want} image in the archive; using its only image, ${pool[0]!.platform}`);
    return pool[0]!;
  }
  throw new ImgsizeError('platform', `--platform ${want}`, `no ${want} image in the archive; it holds: ${listSome(platforms)}`, {
    hint: 'choose one with --platform',
  });
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
