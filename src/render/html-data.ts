/**
 * What the HTML report's page receives (render/html.ts writes it, the viewer reads it): the report
 * or diff as the contract has it, without its tree, and the tree as columns (a third of the bytes
 * of one object per node). Types only: shared by the writer and the viewer, nothing runs here.
 */
import type { ArchiveOverview, DiffResult, FleetReport, Report } from '../report/schema.js';

/** Node kinds in `TreeColumns.kind`: 0 folder, 1 file, 2 symlink, 3 "(N smaller)". */
export type Kind = 0 | 1 | 2 | 3;

export interface TreeColumns {
  /** The most nodes the tree could hold (--tree-nodes). */
  readonly nodeBudget: number;
  /** Position of each node's folder; -1 for the root (node 0). Always before the node. */
  readonly parent: readonly number[];
  readonly name: readonly string[];
  readonly kind: readonly Kind[];
  /** Bytes (a report), or AFTER's bytes (a diff). */
  readonly bytes: readonly number[];
  /** BEFORE's bytes (a diff only). */
  readonly before?: readonly number[];
  /** Regular files (a report only). */
  readonly files?: readonly number[];
  /** The layer number holding most of a leaf's bytes; 0 when none (opened folders). */
  readonly layer?: readonly number[];
  /** Position in packages of a leaf's owner; -1 when none. */
  readonly pkg?: readonly number[];
  /** 1 for a folder that is not opened (its children are left out). */
  readonly partial: readonly number[];
  /** Entries a smaller node stands for; 0 elsewhere. */
  readonly folded: readonly number[];
}

interface Common {
  /** imgsize's version, for the footer. */
  readonly version: string;
  /** The verdict of a check (or of a diff's gate), as the CLI prints it: one line per rule. */
  readonly verdictLines?: readonly string[];
  readonly verdictFailed?: number;
  readonly tree: TreeColumns | null;
}

export interface ReportPage extends Common {
  readonly page: 'report';
  readonly report: Omit<Report, 'tree'>;
  /** The image with all its fixes applied, about (fix/fixes.ts, the figure the CLI prints); absent without fixes. */
  readonly afterFixes?: { readonly contentBytes: number; readonly compressedBytes: number };
  /** Each finding's items as the CLI words them (the first few), with the path each names, if any. */
  readonly findingItems: readonly (readonly { readonly text: string; readonly path?: string }[])[];
}

export interface DiffPage extends Common {
  readonly page: 'diff';
  readonly diff: Omit<DiffResult, 'tree'>;
}

/** An archive of several images (docker save app:1 app:2): the overview, and each image's own page. */
export interface OverviewPage extends Omit<Common, 'tree'> {
  readonly page: 'overview';
  readonly overview: ArchiveOverview;
  /** Each image's report page, in the overview's order. */
  readonly images: readonly ReportPage[];
  readonly tree: null;
}

/** `imgsize fleet merge --html`: the fleet report, and each image's own page. */
export interface FleetPage extends Omit<Common, 'tree'> {
  readonly page: 'fleet';
  readonly fleet: FleetReport;
  /** Each image's report page, in the fleet report's order. */
  readonly images: readonly ReportPage[];
  /** Per image the rules by repository judged (fleet.gates' order): what broke, one line per rule, as the CLI words it. */
  readonly gateLines: readonly (readonly string[])[];
  readonly tree: null;
}

export type PageData = ReportPage | DiffPage | OverviewPage | FleetPage;
