/**
 * A layer's index, built from its tar headers as they pass: every member that is not a whiteout (its
 * normalised path, kind, size, link target), the whiteouts (deletions, opaque folders), and the small
 * files the package detectors ask for, captured within the image's budget.
 */
import { ImgsizeError } from '../base/errors.js';
import { normalizePath, whiteoutOf } from '../base/paths.js';
import { type EntrySink, printable, type TarEntry } from '../tar/reader.js';
import type { LayerEntry, LayerScan, ScanOptions } from './types.js';

/** Package metadata captured in all, per image (the largest real files are about 1 MB each). */
export const MAX_CAPTURE_TOTAL_BYTES = 256 << 20;

export type LayerIndexResult = Pick<LayerScan, 'contentBytes' | 'whiteouts' | 'files' | 'opaqueDirs' | 'deletions' | 'captured' | 'oversize'>;

export class LayerIndex {
  private contentBytes = 0;
  private whiteouts = 0;
  private readonly files: LayerEntry[] = [];
  private readonly opaqueDirs: string[] = [];
  private readonly deletions: string[] = [];
  private readonly captured = new Map<string, Buffer>();
  private readonly oversize = new Map<string, number>();

  constructor(private readonly opts: Pick<ScanOptions, 'capture' | 'captureBudget'>) {}

  /** One tar member: indexed; a sink for its content when it is to be captured. */
  entry(e: TarEntry): EntrySink | undefined {
    const path = normalizePath(e.name);
    const wo = whiteoutOf(path);
    if (wo) {
      this.whiteouts++;
      if (wo.kind === 'opaque') this.opaqueDirs.push(wo.dir);
      else this.deletions.push(wo.path);
      return undefined;
    }
    let size = 0;
    if (e.type === 'file') size = e.size;
    else if (e.type === 'symlink') size = e.linkname.length;
    this.contentBytes += size;
    this.files.push(
      e.type === 'symlink'
        ? { path, kind: 'symlink', size, target: e.linkname }
        : e.type === 'hardlink'
          ? { path, kind: 'hardlink', size, target: normalizePath(e.linkname) }
          : { path, kind: e.type, size },
    );
    const capture = this.opts.capture;
    if (e.type !== 'file' || !capture) return undefined;
    if (e.size === 0) {
      if (capture(path, 0) > 0) this.captured.set(path, Buffer.alloc(0));
      return undefined;
    }
    const cap = capture(path, e.size);
    if (cap > 0 && e.size <= cap) {
      const budget = this.opts.captureBudget;
      if (budget) {
        if (budget.left < e.size) {
          throw new ImgsizeError('limit', 'layer', `package metadata files pass ${MAX_CAPTURE_TOTAL_BYTES >> 20} MiB in all (at ${printable(path)}): far more than real images hold`);
        }
        budget.left -= e.size;
      }
      return this.captureSink(path, e.size);
    }
    if (cap > 0) this.oversize.set(path, e.size);
    return undefined;
  }

  private captureSink(path: string, size: number): EntrySink {
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    return {
      write: (c) => {
        c.copy(buf, at);
        at += c.length;
      },
      end: () => {
        this.captured.set(path, buf);
      },
    };
  }

  result(): LayerIndexResult {
    return {
      contentBytes: this.contentBytes,
      whiteouts: this.whiteouts,
      files: this.files,
      opaqueDirs: this.opaqueDirs,
      deletions: this.deletions,
      captured: this.captured,
      oversize: this.oversize,
    };
  }
}
