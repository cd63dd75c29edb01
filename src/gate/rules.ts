/**
 * The gate's rules from the config file and the command-line flags, merged: the flags win rule by
 * rule (a `--budget` replaces the file's budget for the same metric, `--max-layers` its maxLayers,
 * `--max-growth` its growth), everything else in the file stands. Each rule says where it came
 * from. Pure: the config is already read and validated, baselines come through `loadBaseline`.
 */
import { DEFAULT_METRIC, type Metric } from '../analysis/diff.js';
import type { Report } from '../analysis/report.js';
import type { Rules } from './budget.js';
import type { FindingCode, Level } from '../report/schema.js';
import type { Growth } from '../base/size.js';
import type { Config } from './config-schema.js';
import { compileNameGlob, compilePathGlobs } from './glob.js';
import { ImgsizeError } from '../base/errors.js';

export interface FlagRules {
  readonly budget?: number;
  /** --metric, when given; the default is content. */
  readonly metric?: Metric;
  readonly maxLayers?: number;
  readonly maxGrowth?: Growth;
  readonly baseline?: string;
}

export interface Baseline {
  readonly report: Pick<Report, 'totals'>;
  readonly label: string;
}

export function mergeRules(
  config: { readonly rules: Config; readonly label: string } | undefined,
  flags: FlagRules,
  loadBaseline: (path: string) => Baseline,
  /** The other side of a diff: the growth baseline when none is named. */
  before?: Baseline,
): Rules {
  const cfg = config?.rules;
  const from = config?.label ?? 'config';
  const metric = flags.metric ?? DEFAULT_METRIC;
  const budgets: { metric: Metric; limit: number; level: 'fail' | 'warn'; from: string }[] = Object.entries(cfg?.budget ?? {})
    .filter(([m]) => flags.budget === undefined || m !== metric)
    .map(([m, r]) => ({ metric: m as Metric, limit: r!.limit, level: r!.level, from }));
  if (flags.budget !== undefined) budgets.push({ metric, limit: flags.budget, level: 'fail', from: '--budget' });
  const rules: { -readonly [K in keyof Rules]: Rules[K] } = {};
  if (budgets.length > 0) rules.budgets = budgets;
  if (flags.maxLayers !== undefined) rules.maxLayers = { limit: flags.maxLayers, level: 'fail', from: '--max-layers' };
  else if (cfg?.maxLayers) rules.maxLayers = { ...cfg.maxLayers, from };
  if (cfg?.packages) {
    rules.packages = Object.entries(cfg.packages).map(([glob, r]) => {
      compileNameGlob(glob); // a bad glob is refused before the image is read
      return { glob, limit: r.limit, level: r.level, from };
    });
  }
  if (cfg?.forbiddenPaths) {
    compilePathGlobs(cfg.forbiddenPaths.limit);
    rules.forbiddenPaths = { globs: cfg.forbiddenPaths.limit, level: cfg.forbiddenPaths.level, from };
  }
  if (cfg?.wasted) rules.wasted = { ...cfg.wasted, from };
  if (cfg?.findings) rules.findings = (Object.entries(cfg.findings) as [FindingCode, Level][]).map(([code, level]) => ({ code, level, from }));
  const growth = flags.maxGrowth ?? cfg?.growth?.max;
  if (growth) {
    const path = flags.baseline ?? cfg?.growth?.baseline;
    const base = path !== undefined ? loadBaseline(path) : before;
    if (!base) throw new ImgsizeError('usage', '--max-growth', 'needs a baseline: --baseline REPORT.json (a report saved with --json)');
    const byFlag = flags.maxGrowth !== undefined;
    rules.growth = {
      baseline: base.report,
      baselineLabel: base.label,
      max: growth,
      metric: byFlag ? metric : (cfg?.growth?.metric ?? metric),
      level: byFlag ? 'fail' : (cfg?.growth?.level ?? 'fail'),
      from: byFlag ? '--max-growth' : from,
    };
  } else if (flags.baseline !== undefined) {
    throw new ImgsizeError('usage', '--baseline', 'needs --max-growth (e.g. 5% or 10MB)');
  }
  return rules;
}
