/**
 * The image model: plain, readonly data handed from the archive reader to the analyses.
 * Every metric is defined once here, with its unit in its name.
 */
import type { ArchiveFormat, Warning } from './report/schema.js';
import type { LayerScan } from './layer/types.js';
import type { Compression } from './layer/decoder.js';

export type { ArchiveFormat };

export interface ModelLayer {
  readonly index: number;
  /** sha256 of the layer blob as stored (the manifest's descriptor digest in OCI layouts). */
  readonly digest: string;
  /** sha256 of the decompressed layer tar, as computed from the bytes. */
  readonly diffId: string;
  readonly mediaType: string | null;
  readonly compression: Compression;
  /** Length of the layer blob as stored: what a registry stores and a pull downloads. */
  readonly compressedBytes: number;
  /** Length of the decompressed tar stream, headers and padding included. */
  readonly uncompressedBytes: number;
  /** The Dockerfile step that made the layer (config history, empty_layer steps skipped). */
  readonly createdBy: string | null;
  /** Steps that made no layer (ENV, CMD, …) between the previous layer and this one. */
  readonly emptyLayerHistory?: readonly string[];
  readonly scan: LayerScan;
}

export interface ImageModel {
  readonly source: { readonly path: string; readonly format: ArchiveFormat; readonly outerCompression: Compression };
  readonly image: {
    readonly platform: string;
    readonly repoTags: readonly string[];
    readonly configDigest: string;
    readonly manifestDigest: string | null;
    readonly created: string | null;
  };
  readonly layers: readonly ModelLayer[];
  readonly warnings: readonly Warning[];
  /** Things to tell the user on stderr (e.g. which platform was chosen and why). */
  readonly notices: readonly string[];
}
