/**
 * Entry point of the archive module: opens what the user named (a file, an OCI layout folder,
 * or a stream such as stdin), reads it once and assembles the image model.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { ImgsizeError, oneImageExpected } from '../base/errors.js';
import { releaseHashing } from '../layer/hasher.js';
import { MAX_CAPTURE_TOTAL_BYTES } from '../layer/entries.js';
import { MAX_SIZED_LAYERS } from '../layer/plain-push.js';
import type { ImageModel } from '../model.js';
import { cannotRead, type BlobRecord, type OuterContents, type ReadOptions } from '../archive/contents.js';
import { readOuterFile } from '../archive/read-file.js';
import { readOuterDirectory } from '../archive/read-folder.js';
import { readOuterStream } from '../archive/read-stream.js';
import { assemble, assembleImage, layerMembers, type AssembleOptions, type Assembled } from '../archive/image.js';
import type { DaemonQuery, ImageSource } from './resolve.js';
import { daemonEndpoints, daemonName, describeTried, type Tried } from '../daemon/endpoints.js';
import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';

export type { ImageSource } from './resolve.js';

export type ReadImageOptions = Omit<AssembleOptions, 'sourcePath' | 'format'> &
  ReadOptions & {
    /** Where registry credentials are looked up (DOCKER_AUTH_CONFIG, DOCKER_CONFIG, HOME; default process.env). */
    readonly env?: Readonly<Record<string, string | undefined>>;
    /** Registry blobs read in this run, by digest: a layer both sides of a diff share is read once. */
    readonly registryBlobs?: Map<string, BlobRecord>;
    /** Registry hosts reached over plain HTTP (--insecure-registry). */
    readonly insecureRegistries?: readonly string[];
    /** Registry authorizations got in this run: both sides of a diff in one repository share a token. */
    readonly registryTokens?: Map<string, string>;
  };

/** The image the options name (the first of several, with a notice). */
export async function readImage(src: ImageSource, opts: ReadImageOptions): Promise<ImageModel> {
  const a = await readSource(src, { ...opts, overview: false });
  if (a.kind !== 'image') throw oneImageExpected('archive');
  return a.model;
}

/** The image the options name — or, with `overview` and several images of the platform and no --image, all of them. */
export function readSource(src: ImageSource, opts: ReadImageOptions): Promise<Assembled> {
  return readSourceThen(src, opts, (a) => a);
}

/**
 * Reads as readSource and hands what it read to `use`, which runs while the read's last checks
 * (a cached layer's hash, on a hashing worker) still run: what `use` makes is returned only once
 * every check passed — a failed check is the error, whatever `use` did.
 */
export async function readSourceThen<T>(src: ImageSource, opts: ReadImageOptions, use: (a: Assembled) => T | Promise<T>): Promise<T> {
  const pending: Promise<void>[] = [];
  /** The hashing workers stopped once no check runs: their heaps need not stay for the analysis. */
  const release = (): Promise<void> => Promise.allSettled(pending).then(() => releaseHashing());
  let released: Promise<void> | undefined;
  try {
    // one budget for the metadata captured from all the image's layers
    // the environment is read once, here at the door (the CLI gives its own; a library caller may not)
    const a = await readAndAssemble(src, {
      ...opts,
      pending,
      env: opts.env ?? process.env,
      scan: { ...opts.scan, captureBudget: { left: MAX_CAPTURE_TOTAL_BYTES }, pushBudget: { left: MAX_SIZED_LAYERS } },
    });
    released = release();
    if (pending.length === 0) await released;
    const [used, checked] = await Promise.allSettled([Promise.resolve().then(() => use(a)), Promise.all(pending)]);
    if (checked.status === 'rejected') throw checked.reason;
    if (used.status === 'rejected') throw used.reason;
    return used.value;
  } finally {
    await (released ?? release());
  }
}

async function readAndAssemble(src: ImageSource, opts: ReadImageOptions): Promise<Assembled> {
  if ('daemon' in src) return readDaemon(src.daemon, opts);
  if ('reference' in src) {
    // the registry and daemon clients (undici) are loaded only by a run that reaches them
    const { readRegistry } = await import('../registry/source.js');
    const outer = await readRegistry(src.reference, {
      ...opts,
      env: opts.env ?? {},
      insecure: opts.insecureRegistries,
      tokens: opts.registryTokens,
      ...(opts.registryBlobs ? { blobs: opts.registryBlobs } : {}),
    });
    return { kind: 'image', model: assembleImage(outer, { ...opts, sourcePath: src.reference.given, format: 'registry' }) };
  }
  if ('stream' in src) {
    const outer = await readOuterStream(src.stream, opts);
    return assemble(outer, { ...opts, sourcePath: src.label });
  }
  const label = src.label ?? src.path;
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(src.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new ImgsizeError('input', label, 'no such file or directory') : cannotRead(label, e);
  }
  if (st.isDirectory() && !existsSync(path.join(src.path, 'index.json')) && !existsSync(path.join(src.path, 'manifest.json'))) {
    throw new ImgsizeError('format', label, 'not an image folder: no index.json (OCI layout) or manifest.json in it');
  }
  const assembleOpts = { ...opts, sourcePath: label };
  const planned = { ...opts, plan: (small: OuterContents) => layerMembers(small, assembleOpts) };
  // a FIFO, a character device, a socket: opened once and read as a stream (opening a FIFO a
  // second time would wait for a writer that has gone)
  const outer = st.isDirectory()
    ? await readOuterDirectory(src.path, planned)
    : !st.isFile()
      ? await readOuterStream(openFile(src.path), opts)
      : ((await readOuterFile(src.path, st.size, planned)) ?? (await readOuterStream(openFile(src.path), opts)));
  return assemble(outer, assembleOpts);
}

/** The image of a local daemon, when one has it: its stream, and the notice that says where it came from. */
export async function openDaemonImage(
  q: DaemonQuery,
  opts: { readonly env?: Readonly<Record<string, string | undefined>> | undefined; readonly platform?: string | undefined },
): Promise<{ found: true; stream: AsyncIterable<Buffer>; notice: string } | { found: false; tried: readonly Tried[] }> {
  const readText = (f: string): string | undefined => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  };
  const { saveFromDaemon } = await import('../daemon/client.js');
  const got = await saveFromDaemon(q.name, daemonEndpoints(q.engines, opts.env ?? {}, readText, homedir()), { platform: opts.platform });
  return got.found ? { found: true, stream: got.stream, notice: `read ${q.name} from ${daemonName(got.endpoint)} (${got.endpoint.from})` } : got;
}

/** An image of a local daemon, streamed as docker save streams it; else the registry its name names, when it has one. */
async function readDaemon(q: DaemonQuery, opts: ReadImageOptions): Promise<Assembled> {
  const got = await openDaemonImage(q, opts);
  if (got.found) {
    const outer = await readOuterStream(got.stream, opts);
    const a = assemble(outer, { ...opts, sourcePath: q.name });
    return a.kind === 'image' ? { ...a, model: { ...a.model, notices: [got.notice, ...a.model.notices] } } : { ...a, notices: [got.notice, ...a.notices] };
  }
  if (!q.fallback) throw daemonMissing(q, got.tried);
  try {
    return await readAndAssemble({ reference: q.fallback }, opts);
  } catch (e) {
    throw withDaemonsTried(e, q, got.tried);
  }
}

/** No daemon gave the image, and there is no registry to ask. */
export function daemonMissing(q: DaemonQuery, triedList: readonly Tried[]): ImgsizeError {
  const tried = describeTried(triedList);
  const none = triedList.every((t) => !t.why.startsWith('has no image'));
  return new ImgsizeError('input', q.name, none ? `no ${q.engines.join(' or ')} daemon answered (tried ${tried})` : `not in the local daemon (tried ${tried})`, {
    hint: none ? 'start the daemon, or point DOCKER_HOST (Podman: CONTAINER_HOST) at its socket' : 'check the name (docker images lists them)',
  });
}

/** The registry's failure for a name no daemon had, with the daemons tried (a bare word that could have been a file says so). */
export function withDaemonsTried(e: unknown, q: DaemonQuery, triedList: readonly Tried[]): unknown {
  if (!(e instanceof ImgsizeError) || e.code === 'digest-mismatch' || e.code === 'corrupt') return e;
  const where = `no local daemon has it (tried ${describeTried(triedList)})`;
  if (q.couldBeFile) return new ImgsizeError('input', q.name, `no such file or directory; ${where}; and the registry: ${e.message}`, { cause: e });
  return new ImgsizeError(e.code, e.what, e.message, { hint: `${e.hint ? `${e.hint}; ` : ''}${where}`, cause: e });
}

async function* openFile(path: string): AsyncGenerator<Buffer> {
  const s = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of s) yield chunk as Buffer;
  } catch (e) {
    throw cannotRead(path, e);
  } finally {
    s.destroy();
  }
}
