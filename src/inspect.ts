/**
 * The main job as one call, for programs and for the CLI: read an image (a path or a stream),
 * with the package detectors' metadata captured as it streams, and build its report.
 */
import { readSourceThen, type ImageSource, type ReadImageOptions } from './source/read.js';
import { archiveOverview } from './analysis/overview.js';
import type { ArchiveOverview } from './report/schema.js';
import { oneImageExpected } from './base/errors.js';
import { buildReport, type ReportOptions } from './analysis/report.js';
import type { ImageFiles } from './gate/gate.js';
import { squash } from './analysis/squash.js';
import { DETECTORS, captureFor, prepareDetectors } from './detectors/index.js';
import type { ImageModel } from './model.js';
import type { Report } from './report/schema.js';

export interface InspectOptions extends Omit<ReadImageOptions, 'verify'>, Omit<ReportOptions, 'detectors' | 'squashed'> {
  /** When false, digest and diff_id mismatches become warnings (default true). */
  readonly verify?: boolean;
  /** With an overview: each image's report too (the overview's HTML page drills into them). */
  readonly overviewReports?: boolean;
}

export interface Inspected {
  readonly report: Report;
  /** The model the report was built from. */
  readonly model: ImageModel;
  /** Each layer's entries and the final filesystem: what path rules of the gate look at. */
  readonly files: ImageFiles;
}

/** An archive of several images read without --image: the overview, and the notices of the read. */
export interface Overviewed {
  readonly overview: ArchiveOverview;
  readonly notices: readonly string[];
  /** Each image's report, in the overview's order (with overviewReports). */
  readonly reports?: readonly Report[];
}

/** Reads the image once and returns its report, the model it was built from and its files. */
export async function inspectImage(src: ImageSource, opts: InspectOptions = {}): Promise<Inspected> {
  const r = await inspectSource(src, { ...opts, overview: false });
  if ('overview' in r) throw oneImageExpected('archive');
  return r;
}

/** As inspectImage; with `overview`, an archive of several images of the platform and no --image gives its overview instead. */
export async function inspectSource(src: ImageSource, opts: InspectOptions = {}): Promise<Inspected | Overviewed> {
  const { top, depth, thresholds, treeNodes, verify, scan, overviewReports, ...read } = opts;
  const reportOpts = { ...(top !== undefined ? { top } : {}), ...(depth !== undefined ? { depth } : {}), ...(treeNodes !== undefined ? { treeNodes } : {}), ...(thresholds ? { thresholds } : {}) };
  // the reports are built while the read's last hashes run; they leave only once those passed
  return readSourceThen(src, { ...read, verify: verify ?? true, scan: { capture: captureFor(DETECTORS), ...scan } }, async (got): Promise<Inspected | Overviewed> => {
    if (got.kind === 'archive') {
      const overview = archiveOverview(got.images);
      if (!overviewReports) return { overview, notices: got.notices };
      const reports: Report[] = [];
      for (const m of got.images) reports.push((await reportOf(m, reportOpts)).report);
      return { overview, notices: got.notices, reports };
    }
    return reportOf(got.model, reportOpts);
  });
}

/** One image's report, with the detectors its captured metadata wants. */
async function reportOf(model: ImageModel, opts: Omit<ReportOptions, 'detectors' | 'squashed'>): Promise<Inspected> {
  const layers = model.layers.map((l) => l.scan);
  await prepareDetectors(
    DETECTORS,
    layers.flatMap((l) => [...l.captured.keys()]),
  );
  const squashed = squash(layers);
  const report = buildReport(model, { ...opts, detectors: DETECTORS, squashed });
  return { report, model, files: { layers, root: squashed.root } };
}
