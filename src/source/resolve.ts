/**
 * The front door: the one place that decides where an image comes from. An argument (with
 * `--source` and the run's working directory) becomes a source — stdin, a file or folder, a saved
 * report, a daemon's image, a registry's image — and source/read.ts opens it. The order, as docker,
 * dive and skopeo users expect:
 *
 * 1. `-` or nothing: stdin.
 * 2. a transport prefix as skopeo writes them: `docker-daemon:NAME` (the Docker daemon),
 *    `containers-storage:NAME` (Podman), `docker://REF` and `registry://REF` (a registry),
 *    `docker-archive:PATH`, `oci-archive:PATH`, `oci:PATH` (a file or folder).
 * 3. `--source docker|podman|registry|archive` forces one.
 * 4. an existing path: a saved report (it opens a JSON object) or an archive or folder.
 * 5. anything else that parses as an image name: the local daemons (Docker, then Podman), then
 *    the registry it names (Docker Hub for a name without a host).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ImgsizeError } from '../base/errors.js';
import type { Engine } from '../daemon/endpoints.js';
import { looksLikeReference, parseReference, REGISTRY_PREFIX, type ImageReference } from '../registry/reference.js';
import { looksLikeSavedReport } from '../report/sniff.js';

export const SOURCES = ['docker', 'podman', 'registry', 'archive'] as const;
export type SourceFlag = (typeof SOURCES)[number];

/** An image in a local daemon: the engines to ask, in order, and the registry to ask when none has it. */
export interface DaemonQuery {
  readonly name: string;
  readonly engines: readonly Engine[];
  readonly fallback?: ImageReference;
  /** The name is a bare word that could have been a file: said when nothing has it. */
  readonly couldBeFile?: boolean;
}

/**
 * A path (file or folder; `label` names it in reports and errors, e.g. `-` for stdin that is a
 * file), a stream, an image in a registry (registry/reference.ts) or in a local daemon.
 */
export type ImageSource =
  | { readonly path: string; readonly label?: string }
  | { readonly stream: AsyncIterable<Buffer>; readonly label: string }
  | { readonly reference: ImageReference }
  | { readonly daemon: DaemonQuery };

/** What an argument names: an image source, or a saved --json report. */
export type Resolved = ImageSource | { readonly saved: string; readonly label: string };

export interface ResolveContext {
  readonly cwd: string;
  readonly stdin: AsyncIterable<Buffer> & { readonly isTTY?: boolean };
  /** stdin is this regular file: read with random access. */
  readonly stdinFile?: string | undefined;
  readonly source?: SourceFlag | undefined;
  /** A saved report may be named (inspect, diff, check); a baseline or overview may not be an image. */
  readonly savedReports?: boolean;
}

const TRANSPORTS: readonly [prefix: string, to: (rest: string) => Resolved | 'path'][] = [
  ['docker-daemon:', (rest) => ({ daemon: { name: rest, engines: ['docker'] } })],
  ['containers-storage:', (rest) => ({ daemon: { name: rest, engines: ['podman'] } })],
  ['docker://', (rest) => ({ reference: parseReference(rest) })],
  ['docker-archive:', () => 'path'],
  ['oci-archive:', () => 'path'],
  ['oci:', () => 'path'],
];

export function resolveSource(arg: string | undefined, ctx: ResolveContext): Resolved {
  if (arg === undefined || arg === '-') {
    if (arg === undefined && ctx.stdin.isTTY) {
      throw new ImgsizeError('usage', 'input', 'no image given and stdin is a terminal', {
        hint: 'name one (imgsize app:latest, imgsize app.tar) or pipe an archive (docker save app | imgsize); see imgsize --help',
      });
    }
    return ctx.stdinFile ? { path: ctx.stdinFile, label: '-' } : { stream: ctx.stdin, label: '-' };
  }
  const abs = (p: string): string => path.resolve(ctx.cwd, p);
  const exists = (p: string): boolean => existsSync(abs(p));
  for (const [prefix, to] of TRANSPORTS) {
    if (!arg.startsWith(prefix)) continue;
    const rest = arg.slice(prefix.length);
    if (rest === '') throw new ImgsizeError('usage', arg, `names nothing after ${prefix}`);
    const r = to(rest);
    return r === 'path' ? { path: abs(rest), label: rest } : r;
  }
  if (arg.startsWith(REGISTRY_PREFIX)) return { reference: parseReference(arg) };
  switch (ctx.source) {
    case 'archive':
      return { path: abs(arg), label: arg };
    case 'registry':
      return { reference: parseReference(arg) };
    case 'docker':
    case 'podman':
      return { daemon: { name: arg, engines: [ctx.source] } };
    default:
  }
  if (exists(arg)) return ctx.savedReports !== false && looksLikeSavedReport(abs(arg)) ? { saved: abs(arg), label: arg } : { path: abs(arg), label: arg };
  if (looksLikeReference(arg, exists)) return { daemon: { name: arg, engines: ['docker', 'podman'], fallback: parseReference(arg) } };
  // a bare word (`alpine`, `app`): a local image first, as dive and docker read it — or a file that is not there
  if (/^[a-z0-9][a-z0-9._-]*$/.test(arg) && !/\.(tar|tgz|gz|zst|zstd|json|oci)$/i.test(arg)) {
    return { daemon: { name: arg, engines: ['docker', 'podman'], fallback: parseReference(arg), couldBeFile: true } };
  }
  return { path: abs(arg), label: arg };
}
