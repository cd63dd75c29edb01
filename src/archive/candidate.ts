/** An image the archive's metadata describes, before one is chosen (platform, --image). */
import type { BlobRecord } from './contents.js';

export interface Candidate {
  readonly platform: string;
  readonly names: string[];
  /** Layer locations in order, with what we know of each. */
  readonly layers: readonly { readonly member: string; readonly digest?: string; readonly size?: number; readonly mediaType: string | null }[];
  readonly config: BlobRecord | undefined;
  readonly configMember: string;
  readonly configDigest?: string;
  readonly manifestDigest: string | null;
  /** The manifest blob and its descriptor's size, to verify the chosen one. */
  readonly manifestBlob?: BlobRecord;
  readonly manifestSize?: number;
  readonly key: string;
}

/** A manifest an index lists but the archive does not hold (a partial export). */
export interface Absent {
  readonly platform: string | null;
  readonly digest: string;
}
