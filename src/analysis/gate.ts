/**
 * The gate as one pure call: the rules against a report and, for path rules, the image's layers
 * and final filesystem (a saved report has no file list, so path rules need the image).
 */
import { ImgsizeError } from '../errors.js';
import type { LayerScan } from '../layer/scan.js';
import type { Report, Verdict } from '../report/schema.js';
import { evaluate, type Rules } from './budget.js';
import { forbiddenHits } from './forbidden.js';
import type { FsNode } from './squash.js';

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
