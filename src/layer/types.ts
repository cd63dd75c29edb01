/** What one layer's scan is, as plain data (the model holds it; analyses read it), and what a scan is given. */
import type { Compression, DecoderChoice } from './decoder.js';
import type { PushSize, PushSizeMode } from './push-size.js';

export type EntryKind = 'file' | 'symlink' | 'hardlink' | 'dir' | 'other';

/** One member of a layer that is not a whiteout. */
export interface LayerEntry {
  /** Normalised path (raw bytes as latin1). */
  readonly path: string;
  readonly kind: EntryKind;
  /** contentBytes of this entry: file size, symlink target length in bytes, else 0. */
  readonly size: number;
  /** Raw symlink target (symlinks); the normalised path of the file it names (hardlinks). */
  readonly target?: string;
}

export interface LayerScan {
  readonly compression: Compression;
  /** Length of the decompressed tar stream, headers and padding included. */
  readonly uncompressedBytes: number;
  /** sha256 of the decompressed tar stream; undefined for uncompressed layers (= the blob digest). */
  readonly diffId: string | undefined;
  /** Tar members as `tar -tv` lists them (PAX / GNU long-name headers excluded). */
  readonly entries: number;
  /** Regular-file sizes + symlink target lengths; hardlinks count 0. */
  readonly contentBytes: number;
  readonly whiteouts: number;
  /** Non-whiteout members in archive order. */
  readonly files: readonly LayerEntry[];
  /** Folders whose lower-layer children this layer hides (`.wh..wh..opq`). */
  readonly opaqueDirs: readonly string[];
  /** Paths this layer deletes from the lower layers (`.wh.<name>`). */
  readonly deletions: readonly string[];
  /** Small files captured for the detectors, keyed by normalised path (last one wins). */
  readonly captured: ReadonlyMap<string, Buffer>;
  /** Files a detector wanted that were over its cap: not captured, their size (the report warns). */
  readonly oversize?: ReadonlyMap<string, number>;
  /** For an uncompressed layer: what gzipping it for a push would upload (see push-size.ts). */
  readonly pushSize?: PushSize;
}

export interface ScanOptions {
  /** Which regular files to capture (path is normalised); return the byte cap, or 0 to skip. */
  readonly capture?: (path: string, size: number) => number;
  /** Largest tail of bytes accepted after the tar's end-of-archive marker. */
  readonly maxTrailingBytes?: number;
  /** Output/input ratio above which a stream (once past 1 GiB) is refused as a bomb. */
  readonly maxRatio?: number;
  /** Output bytes past which the ratio is checked (default RATIO_FLOOR, 1 GiB). */
  readonly ratioFloor?: number;
  /** How many more plain layers may be sized for a push (shared by the archive's members). */
  readonly pushBudget?: { left: number };
  /** What is left of the image's budget for captured metadata files (shared by all its layers). */
  readonly captureBudget?: { left: number };
  /** How an uncompressed layer's push size is found: sampled (default) or exact; off: not at all. */
  readonly pushSize?: PushSizeMode | 'off';
  /** Which decoders may be used (default auto). */
  readonly decoder?: DecoderChoice;
}

export interface ScanHints {
  /** The blob's size when known (from the outer tar header): big ones may use an external decoder. */
  readonly size?: number;
  /** The caller does not verify this blob (--no-verify): a compressed layer's tar is not hashed either. */
  readonly unhashed?: boolean;
  /** The caller never writes into a chunk again (a download's): kept for the decoder without a copy. */
  readonly ownChunks?: boolean;
}
