/**
 * The HTML report: one self-contained file made from the report (or the diff) as the contract has
 * it. The page's data is the report without its tree plus the tree as columns; the viewer
 * (src/viewer/, built to dist/viewer/viewer.js) draws it. Pure but for reading the built viewer once.
 */
import type { ArchiveOverview, DiffResult, DiffTree, FleetReport, Report, ReportTree, Verdict } from '../report/schema.js';
import type { DiffPage, FleetPage, Kind, OverviewPage, ReportPage, TreeColumns } from './html-data.js';
import { htmlDocument } from './html-page.js';
import { describeItem } from './items.js';
import { describeRule, renderVerdictText } from './verdict.js';
import { visible } from './escape.js';
import { afterContractFixes } from '../fix/fixes.js';
import { VERSION } from '../base/version.js';

/** Items shown per finding (as in text output). */
const FINDING_ITEMS = 5;

const KINDS: Record<ReportTree['nodes'][number]['kind'], Kind> = { folder: 0, file: 1, symlink: 2, smaller: 3 };

/** The columns every tree has, report's or diff's: the shape (parents, names, kinds, folds). */
function shapeColumns(n: readonly (ReportTree['nodes'][number] | DiffTree['nodes'][number])[]): Pick<TreeColumns, 'parent' | 'name' | 'kind' | 'partial' | 'folded'> {
  return {
    parent: n.map((x) => x.parent ?? -1),
    name: n.map((x) => x.name),
    kind: n.map((x) => KINDS[x.kind]),
    partial: n.map((x) => (x.partial ? 1 : 0)),
    folded: n.map((x) => x.folded ?? 0),
  };
}

export function reportColumns(t: ReportTree): TreeColumns {
  const n = t.nodes;
  return {
    nodeBudget: t.nodeBudget,
    ...shapeColumns(n),
    bytes: n.map((x) => x.bytes),
    files: n.map((x) => x.files),
    layer: n.map((x) => x.layer ?? 0),
    pkg: n.map((x) => x.package ?? -1),
  };
}

export function diffColumns(t: DiffTree): TreeColumns {
  const n = t.nodes;
  return { nodeBudget: n.length, ...shapeColumns(n), bytes: n.map((x) => x.after), before: n.map((x) => x.before) };
}

function verdictFields(verdict: Verdict | undefined): Pick<ReportPage, 'verdictLines' | 'verdictFailed'> {
  if (!verdict) return {};
  return { verdictLines: renderVerdictText(verdict).trimEnd().split('\n'), verdictFailed: verdict.failed };
}

/** `imgsize IMAGE --html`: the report (and a check's verdict) as a page. */
export function renderReportHtml(report: Report, verdict?: Verdict): string {
  return htmlDocument('imgsize report', reportPage(report, verdict));
}

/** `imgsize all.tar --html`: the overview of several images, each drillable to its own report. */
export function renderOverviewHtml(overview: ArchiveOverview, reports: readonly Report[]): string {
  const page: OverviewPage = { page: 'overview', version: VERSION, tree: null, overview, images: reports.map((r) => reportPage(r)) };
  return htmlDocument('imgsize archive', page);
}

/** `imgsize fleet merge --html`: the fleet, each image drillable to its own report (`reports` in the fleet's image order). */
export function renderFleetHtml(fleet: FleetReport, reports: readonly Report[]): string {
  const page: FleetPage = {
    page: 'fleet',
    version: VERSION,
    tree: null,
    fleet,
    images: reports.map((r) => reportPage(r)),
    gateLines: fleet.gates.map((g) => g.results.filter((r) => r.status !== 'pass').map((r) => visible(describeRule(r)))),
  };
  return htmlDocument('imgsize fleet', page);
}

function reportPage(report: Report, verdict?: Verdict): ReportPage {
  const { tree, ...rest } = report;
  return {
    page: 'report',
    version: VERSION,
    ...verdictFields(verdict),
    tree: tree ? reportColumns(tree) : null,
    report: rest,
    ...(report.fixes && report.fixes.length > 0 ? { afterFixes: afterContractFixes(report.fixes, report) } : {}),
    findingItems: report.findings.map((f) => {
      const lines = f.items.slice(0, FINDING_ITEMS).map((i) => ({ text: visible(describeItem(i)), ...(i.path !== undefined ? { path: i.path } : {}) }));
      return f.items.length > FINDING_ITEMS ? [...lines, { text: `… and ${f.items.length - FINDING_ITEMS} more` }] : lines;
    }),
  };
}

/** `imgsize diff A B --html`: the change as a page. */
export function renderDiffHtml(diff: DiffResult, verdict?: Verdict): string {
  const { tree, ...rest } = diff;
  const page: DiffPage = { page: 'diff', version: VERSION, ...verdictFields(verdict), tree: tree ? diffColumns(tree) : null, diff: rest };
  return htmlDocument('imgsize diff', page);
}
