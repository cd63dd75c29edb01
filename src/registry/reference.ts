/**
 * Image references as Docker spells them: `[host[:port]/]path[:tag][@digest]` (distribution's
 * reference grammar). The first element is a host when it has a `.` or a `:`, is `localhost`, or
 * has uppercase letters (a path may not); IPv6 hosts in brackets (`[::1]:5000/app`). Docker Hub's
 * defaults: no host is `docker.io`, a one-element path there gets `library/`, no tag is `latest`;
 * with a tag and a digest the digest is what is fetched. Pure.
 */
import { ImgsizeError } from '../base/errors.js';

export interface ImageReference {
  /** As the user gave it. */
  readonly given: string;
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** The host to connect to (Docker Hub's is registry-1.docker.io), with its port. */
  readonly endpoint: string;
  /** Repository path: `library/ubuntu`, `org/app`. */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  /** What to ask the registry for: the digest when given, else the tag. */
  readonly ref: string;
  /** `registry/repository[:tag][@digest]`, the canonical spelling. */
  readonly canonical: string;
}

export const DOCKER_HUB = 'docker.io';
const HUB_ENDPOINT = 'registry-1.docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]{1,5})?$/;
/** A reference longer than this is not one (distribution caps names at 255). */
const MAX_REFERENCE = 512;

/** The explicit prefix that makes an argument a registry reference even where a file of that name exists. */
export const REGISTRY_PREFIX = 'registry://';

export function parseReference(input: string): ImageReference {
  const bad = (why: string): ImgsizeError =>
    new ImgsizeError('usage', 'image reference', `"${input.length > 80 ? `${input.slice(0, 79)}…` : input}" ${why}`, { hint: 'e.g. ghcr.io/org/app:1.2, localhost:5000/app@sha256:…, ubuntu' });
  let s = input.startsWith(REGISTRY_PREFIX) ? input.slice(REGISTRY_PREFIX.length) : input;
  if (s.length === 0 || s.length > MAX_REFERENCE) throw bad('is not an image reference');
  let digest: string | undefined;
  const at = s.indexOf('@');
  if (at >= 0) {
    digest = s.slice(at + 1);
    s = s.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`has an invalid digest "${digest}"`);
    if (digest.startsWith('sha256:') && !/^sha256:[0-9a-f]{64}$/.test(digest)) throw bad('has a sha256 digest that is not 64 hex digits');
  }
  // the tag: after the last ':' that follows the last '/' (a port's ':' comes before a '/')
  let tag: string | undefined;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash && !(slash < 0 && s.startsWith('['))) {
    tag = s.slice(colon + 1);
    s = s.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`has an invalid tag "${tag}"`);
  }
  const parts = s.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0]!;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase() || first.startsWith('['))) {
    if (!HOST.test(first)) throw bad(`has an invalid registry host "${first}"`);
    registry = first === 'index.docker.io' ? DOCKER_HUB : first.toLowerCase();
    parts.shift();
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
    throw bad('is not an image reference (a repository path is lowercase letters, digits and . _ - separated by /)');
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > 255) throw bad('names a repository longer than 255 characters');
  if (tag === undefined && digest === undefined) tag = 'latest';
  return {
    given: input,
    registry,
    endpoint: registry === DOCKER_HUB ? HUB_ENDPOINT : registry,
    repository,
    tag,
    digest,
    ref: digest ?? tag!,
    canonical: `${registry}/${repository}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`,
  };
}

/**
 * Whether a command-line argument names a registry image rather than a file: `registry://…`
 * always; otherwise when no file or folder of that name exists and it parses as a reference with a
 * registry host, a tag, a digest or a namespace (a bare word like `app`, and a name ending like an
 * archive or a report, `app.tar`, `main.json`, stay files: "no such file" is said).
 */
export function looksLikeReference(arg: string, exists: (p: string) => boolean): boolean {
  if (arg.startsWith(REGISTRY_PREFIX)) return true;
  if (arg === '-' || exists(arg)) return false;
  // what names an archive or a saved report is a (missing) file, never an image in a registry
  if (/\.(tar|tgz|gz|zst|zstd|json|oci)$/i.test(arg)) return false;
  try {
    const r = parseReference(arg);
    return r.registry !== DOCKER_HUB || arg.includes(':') || arg.includes('@') || arg.includes('/');
  } catch {
    return false;
  }
}
