/**
 * imgsize as a library: `import { inspectImage, diffReports, evaluate } from 'imgsize'`.
 * Everything here is what the CLI uses; the report types are the published contract
 * (schema/report.schema.json, generated from ./report/schema.ts).
 */
export { inspectImage, inspectSource, type InspectOptions, type Inspected, type Overviewed } from './inspect.js';
export { readImage, readSource, type ImageSource, type ReadImageOptions } from './source/read.js';
export { archiveOverview } from './analysis/overview.js';
export { buildReport, REPORT_TOP, type ReportOptions } from './analysis/report.js';
export { diffReports, metricBytes, METRICS } from './analysis/diff.js';
export { evaluate, verdictExitCode, PUSH_ESTIMATE_MARGIN, type Rules, type RuleOrigin } from './gate/budget.js';
export { forbiddenHits } from './gate/forbidden.js';
export { buildTree } from './analysis/tree.js';
export { TREE_NODES, MAX_TREE_NODES } from './report/limits.js';
export { diffTrees } from './analysis/tree-diff.js';
export { renderReportHtml, renderDiffHtml } from './render/html.js';
export { DETECTORS, captureFor, type Detector, type DetectedPackage } from './detectors/index.js';
export { parseSavedReport, readSavedReport, MAX_SAVED_REPORT_BYTES } from './report/read.js';
export { reportJsonSchema } from './report/json-schema.js';
export { ArchiveOverviewSchema, DiffDocumentSchema, DiffSchema, DocumentSchema, ReportSchema, ReportTreeSchema, VerdictSchema, SCHEMA_VERSION } from './report/schema.js';
export type {
  ArchiveFormat,
  ArchiveOverview,
  Delta,
  DiffDocument,
  DiffResult,
  DiffTree,
  Ecosystem,
  Estimate,
  Finding,
  FindingCode,
  FindingItem,
  ForbiddenHit,
  Level,
  Metric,
  Report,
  ReportLayer,
  ReportPackage,
  ReportTree,
  RuleItem,
  RuleResult,
  TorchBuild,
  TreeNode,
  Verdict,
  Warning,
  WarningCode,
} from './report/schema.js';
export type { ImageModel, ModelLayer } from './model.js';
export { ImgsizeError, type ErrorCode } from './base/errors.js';
