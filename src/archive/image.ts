/**
 * Assembles the image model from everything the outer archive held: finds the format
 * (OCI index, docker manifest.json or both), has the image chosen (platform.ts), matches layers to
 * their scans, and verifies digests and diff_ids. Only archive/ knows docker vs OCI.
 */
import { ImgsizeError, listSome, oneImageExpected } from '../base/errors.js';
import type { Warning } from '../report/schema.js';
import type { ImageModel, ModelLayer, ArchiveFormat } from '../model.js';
import { displayPath } from '../base/paths.js';
import type { Absent, Candidate } from './candidate.js';
import { resolveMember, type OuterContents } from './contents.js';
import { addRepoTags, dockerCandidates } from './docker-manifest.js';
import { digestInName, getCaseInsensitive, isObject, parseJson, short, verifyBlob, type Fail, type Json } from './metadata.js';
import { rootedAtLayout, walkIndex } from './oci-index.js';
import { choose, severalImages } from './platform.js';

export interface AssembleOptions {
  /** `os/arch[/variant]`; default linux/amd64 (with the single-other-platform fallback). */
  readonly platform?: string;
  /** A tag or reference name to pick one image out of several. */
  readonly image?: string;
  /** When false, digest and diff_id mismatches become warnings. */
  readonly verify: boolean;
  /** Path as the user gave it ('-' for stdin). */
  readonly sourcePath: string;
  /** The command that refuses to pick the first of several images silently (a CI gate must not gate one of many; a diff compares two named ones). */
  readonly requireOne?: string;
  /** What to call the format when the caller knows better than the layout (an image in a registry). */
  readonly format?: ArchiveFormat;
  /** Several images of the platform and no --image: read them all for an overview (assemble()). */
  readonly overview?: boolean;
}

/** What an archive held: the image asked for, or (an overview) every image of the platform. */
export type Assembled = { readonly kind: 'image'; readonly model: ImageModel } | { readonly kind: 'archive'; readonly images: readonly ImageModel[]; readonly notices: readonly string[] };

interface Resolved {
  readonly outer: OuterContents;
  /** The folder of the given archive the image was read from ('' or 'name/'). */
  readonly root: string;
  readonly format: ArchiveFormat;
  /** The image asked for, or every image of the platform for an overview. */
  readonly chosen: readonly Candidate[];
  readonly several: boolean;
  readonly warnings: Warning[];
  readonly notices: string[];
}

/** Finds the format and picks the image (platform, --image) from the archive's metadata. */
function resolve(given: OuterContents, opts: AssembleOptions): Resolved {
  const warnings: Warning[] = [];
  const notices: string[] = [];
  const { outer, root } = rootedAtLayout(given, notices);
  const indexBlob = resolveMember(outer.entries, 'index.json');
  const manifestBlob = resolveMember(outer.entries, 'manifest.json');

  let format: ArchiveFormat;
  let candidates: Candidate[] = [];
  // images docker's manifest.json names: several of them (and no --image) make an overview
  let namedImages = 0;
  const absent: Absent[] = [];
  if (indexBlob) {
    const index = parseJson(indexBlob, 'index.json');
    if (!isObject(index)) throw new ImgsizeError('format', 'index.json', 'not a JSON object');
    if ('layers' in index || 'config' in index) {
      throw new ImgsizeError('format', 'index.json', 'holds an image manifest, not an image index', {
        hint: 'an OCI layout needs index.json to list its manifests',
      });
    }
    if (index.manifests !== null && index.manifests !== undefined && !Array.isArray(index.manifests)) {
      throw new ImgsizeError('format', 'index.json', '"manifests" is not a list');
    }
    const fail = failer(opts, warnings);
    candidates = walkIndex(outer, index, 0, { visited: new Set(), walked: new Map(), fail }, [], absent, warnings);
    format = manifestBlob ? 'docker+oci' : 'oci';
    if (candidates.length === 0 && !manifestBlob) {
      const why = absent.length > 0 ? `its ${absent.length} manifest(s) are not in the archive (${listSome(absent.map((a) => short(a.digest)))})` : 'it lists no image manifests';
      throw new ImgsizeError('format', 'index.json', `no image in this archive: ${why}`);
    }
    if (candidates.length > 0 && manifestBlob) namedImages = addRepoTags(outer, manifestBlob, candidates);
  } else {
    format = 'docker';
  }
  if (candidates.length === 0) {
    if (!manifestBlob) {
      if (resolveMember(outer.entries, 'repositories')) {
        throw new ImgsizeError('format', opts.sourcePath, 'pre-Docker-1.10 archive (no manifest.json) is not supported', {
          hint: 'load it and save it again with a current Docker',
        });
      }
      throw new ImgsizeError('format', opts.sourcePath, 'not an image archive: no index.json or manifest.json found', {
        hint: 'expected the output of docker save, an oci-archive or an OCI layout folder',
      });
    }
    candidates = dockerCandidates(outer, manifestBlob);
    namedImages = candidates.length;
  }

  const several = severalImages(candidates, { ...opts, namedImages });
  const chosen = several ?? [choose(candidates, absent, opts, notices)];
  for (const a of absent) {
    if (a.platform) notices.push(`skipped ${a.platform}: its manifest ${short(a.digest)} is not in the archive (partial export)`);
  }
  return { outer, root, format, chosen, several: several !== undefined, warnings, notices };
}

/**
 * The members holding the chosen image's layers, when the metadata can tell already (a folder is
 * read metadata first, so only these big blobs need reading); undefined when it cannot.
 */
export function layerMembers(outer: OuterContents, opts: AssembleOptions): Set<string> | undefined {
  try {
    const r = resolve(outer, opts);
    // the config too: one over the small-member size is read like a layer (same limits as a stream)
    return new Set(r.chosen.flatMap((c) => [...c.layers.map((l) => r.root + l.member), r.root + c.configMember]));
  } catch {
    return undefined;
  }
}

/** A check that failed: an error, or with --no-verify a warning in the report. */
function failer(opts: AssembleOptions, warnings: Warning[]): Fail {
  return (code, what, why) => {
    if (opts.verify) throw new ImgsizeError(code, what, why, { hint: 'use --no-verify to report anyway, with a warning' });
    if (!warnings.some((w) => w.message === `${what}: ${why}`)) warnings.push({ code, message: `${what}: ${why}` });
  };
}

/** The image asked for (--image, --platform; the first of several unless opts.overview), or an overview of several. */
export function assemble(given: OuterContents, opts: AssembleOptions): Assembled {
  const r = resolve(given, opts);
  if (r.several) return { kind: 'archive', images: r.chosen.map((c) => imageOf(r, c, opts, [...r.warnings])), notices: r.notices };
  return { kind: 'image', model: imageOf(r, r.chosen[0]!, opts, r.warnings) };
}

export function assembleImage(given: OuterContents, opts: AssembleOptions): ImageModel {
  const a = assemble(given, { ...opts, overview: false });
  if (a.kind !== 'image') throw oneImageExpected(opts.sourcePath);
  return a.model;
}

function imageOf(r: Resolved, chosen: Candidate, opts: AssembleOptions, warnings: Warning[]): ImageModel {
  const { outer, format, notices } = r;
  const fail = failer(opts, warnings);

  if (!chosen.config) {
    throw new ImgsizeError('missing-blob', chosen.configMember, `the image config is not in the archive`);
  }
  const config = parseJson(chosen.config, chosen.configMember);
  if (!isObject(config)) throw new ImgsizeError('format', chosen.configMember, 'image config is not a JSON object');
  if (chosen.manifestBlob && chosen.manifestDigest) verifyBlob(chosen.manifestBlob, chosen.manifestDigest, chosen.manifestSize, 'image manifest', fail);
  if (chosen.configDigest) verifyBlob(chosen.config, chosen.configDigest, undefined, 'image config', fail);

  const rootfs = getCaseInsensitive(config, 'rootfs');
  const diffIds = isObject(rootfs) && Array.isArray(rootfs.diff_ids) ? (rootfs.diff_ids as unknown[]).map(String) : undefined;
  if (!diffIds) warnings.push({ code: 'no-diff-ids', message: 'the image config has no rootfs.diff_ids; layers were not checked against it' });
  else if (diffIds.length !== chosen.layers.length) {
    fail('format', 'image config', `lists ${diffIds.length} diff_ids for ${chosen.layers.length} layers`);
  }

  const history = Array.isArray(config.history) ? (config.history as unknown[]).filter(isObject) : [];
  const steps = mapHistory(history, chosen.layers.length);

  const unhashed: number[] = [];
  const layers: ModelLayer[] = chosen.layers.map((l, index) => {
    const blob = resolveMember(outer.entries, l.member);
    const label = `layer ${index + 1} (${l.digest ? short(l.digest) : displayPath(l.member)})`;
    if (!blob) throw new ImgsizeError('missing-blob', label, `blob ${l.digest ?? displayPath(l.member)} is not in the archive`);
    if (blob.size === 0) throw new ImgsizeError('corrupt', label, 'the layer blob is empty (0 bytes)');
    if (!blob.scan) {
      throw new ImgsizeError('corrupt', label, blob.scanError?.message ?? 'not a tar archive');
    }
    if (l.digest) verifyBlob(blob, l.digest, l.size, label, fail);
    const want = diffIds?.[index];
    let diffId = blob.scan.diffId ?? blob.digest;
    if (diffId === undefined) {
      // a big layer not hashed (--no-verify on a file or folder): its names stand in, unchecked
      unhashed.push(index + 1);
      diffId = want ?? l.digest ?? digestInName(l.member) ?? 'sha256:unknown';
    } else if (want !== undefined && want !== diffId) {
      fail('digest-mismatch', label, `diff_id mismatch: the config says ${want}, the layer's tar hashes to ${diffId}`);
    }
    const step = steps[index];
    return {
      index,
      digest: l.digest ?? blob.digest ?? diffId,
      diffId,
      mediaType: l.mediaType,
      compression: blob.scan.compression,
      compressedBytes: blob.size,
      uncompressedBytes: blob.scan.uncompressedBytes,
      createdBy: step?.createdBy ?? null,
      ...(step && step.empty.length > 0 ? { emptyLayerHistory: step.empty } : {}),
      scan: blob.scan,
    };
  });

  if (unhashed.length > 0) {
    warnings.push({
      code: 'not-verified',
      message: `layer${unhashed.length > 1 ? 's' : ''} ${unhashed.join(', ')} not hashed (--no-verify): digests and diff_ids are the manifest's and config's, unchecked`,
    });
  }
  const created = typeof config.created === 'string' ? config.created : null;
  return {
    source: { path: opts.sourcePath, format: opts.format ?? format, outerCompression: outer.outerCompression },
    image: {
      platform: chosen.platform,
      repoTags: chosen.names,
      configDigest: chosen.configDigest ?? chosen.config.digest ?? 'sha256:unknown',
      manifestDigest: chosen.manifestDigest,
      created,
    },
    layers,
    warnings,
    notices,
  };
}

/** Each layer's Dockerfile step from the config's history (empty_layer steps gathered before the next layer). */
export function mapHistory(history: Json[], layerCount: number): { createdBy: string | null; empty: string[] }[] {
  const out: { createdBy: string | null; empty: string[] }[] = [];
  let pending: string[] = [];
  for (const h of history) {
    const by = typeof h.created_by === 'string' ? h.created_by : typeof h.comment === 'string' ? h.comment : '';
    if (h.empty_layer === true) {
      pending.push(by);
      continue;
    }
    out.push({ createdBy: by || null, empty: pending });
    pending = [];
  }
  if (pending.length > 0 && out.length > 0 && out.length === layerCount) {
    out[out.length - 1] = { ...out[out.length - 1]!, empty: [...out[out.length - 1]!.empty, ...pending] };
  }
  return out.slice(0, layerCount);
}
