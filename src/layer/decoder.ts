/** What a decoder is, for the in-process decoders (decompress.ts) and the external ones (external.ts). */

export type Compression = 'gzip' | 'zstd' | 'none';

/**
 * A decoder hands its output to `onData` in order. Each chunk is the consumer's to keep, unless it
 * asked for `reuseOutput`: then a chunk is valid only until `onData` returns (or the promise it
 * returns settles), and the consumer copies what it keeps.
 */
export interface Decoder {
  /** True when the decoder works off this thread and wants big writes (see LayerScanner.feed). */
  readonly batches: boolean;
  /**
   * True when the decoder still reads a chunk after `write` returns (and its promise settles): a
   * child's stdin, zlib's thread pool, fzstd's buffering. Such a decoder is given bytes of its own.
   */
  readonly keepsInput: boolean;
  write(chunk: Buffer): void | Promise<void>;
  /**
   * Several chunks it may keep as they are, in order, at once (a child's stdin: one writev): where
   * it has this, a batch of chunks given away (`ownChunks`) goes without being joined first.
   */
  writeChunks?(chunks: Buffer[]): void | Promise<void>;
  end(): Promise<void>;
}

export type OnData = (chunk: Buffer) => void | Promise<void>;

/**
 * Which decoders may be used: `auto` (the fastest here), `builtin` (in-process only: node:zlib,
 * fzstd), `external` (the gzip/zstd commands for big blobs). The CLI takes it from IMGSIZE_DECODER.
 */
export type DecoderChoice = 'auto' | 'builtin' | 'external';
