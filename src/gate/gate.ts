/**
 * The gate as one pure call: the rules against a report and, for path rules, the image's layers
 * and final filesystem (a saved report has no file list, so path rules need the image).
 */
import { ImgsizeError } from '../base/errors.js';
import type { LayerScan } from '../layer/types.js';
import type { ManifestReport, Report, Verdict } from '../report/schema.js';
import { evaluate, type Rules } from './budget.js';
import { forbiddenHits } from './forbidden.js';
import type { FsNode } from '../analysis/squash.js';

/** What path rules look at: each layer's entries and the final filesystem. */
export interface ImageFiles {
  readonly layers: readonly Pick<LayerScan, 'files' | 'deletions' | 'opaqueDirs'>[];
  readonly root: FsNode;
}

export function gate(report: Report, rules: Rules, files?: ImageFiles): Verdict {
  if (!rules.forbiddenPaths) return evaluate(report, rules);
  if (!files) throw new ImgsizeError('usage', 'forbiddenPaths', 'needs the image itself, not a saved report (a report has no file list)');
  return evaluate(report, rules, forbiddenHits(rules.forbiddenPaths.globs, files.layers, files.root));
}

/** Why the rules need the layers, or undefined when the manifest decides them (compressed budgets and growth, the layer count). */
export function manifestOnlyProblem(rules: Rules): string | undefined {
  const other = (rules.budgets ?? []).find((b) => b.metric !== 'compressed');
  if (other) return `a ${other.metric} budget`;
  if (rules.growth && rules.growth.metric !== 'compressed') return `growth of ${rules.growth.metric}`;
  if (rules.packages?.length) return 'package rules';
  if (rules.forbiddenPaths) return 'forbiddenPaths';
  if (rules.wasted) return 'wasted rules';
  if (rules.findings?.length) return 'finding rules';
  return undefined;
}

/**
 * The gate on what a manifest-only read knows. Only the rules manifestOnlyProblem lets through
 * reach evaluate(), and they read the compressed total and the layer count alone: the figures a
 * manifest cannot give are not made up, they are never asked for.
 */
export function gateManifest(m: ManifestReport, rules: Rules): Verdict {
  const problem = manifestOnlyProblem(rules);
  if (problem) throw new ImgsizeError('usage', '--manifest-only', `${problem} need the layers: run without --manifest-only`);
  return evaluate({ manifest: { compressedBytes: m.totals.compressedBytes, layers: m.totals.layers } }, rules);
}
