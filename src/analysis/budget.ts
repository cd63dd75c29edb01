/**
 * The CI gate: evaluates rules against a report (and, for path rules, the final file list) into
 * a verdict of plain data. One pure function decides the exit code. Formatting lives in render/.
 */
import type { Report } from './report.js';
import { metricBytes, type Metric } from './diff.js';
import { globToRegExp } from './glob.js';
import type { Growth } from '../config/size.js';

export type Level = 'fail' | 'warn';

export interface Rules {
  readonly budgets?: readonly { readonly metric: Metric; readonly limit: number; readonly level: Level }[];
  readonly maxLayers?: { readonly limit: number; readonly level: Level };
  readonly packages?: readonly { readonly glob: string; readonly limit: number; readonly level: Level }[];
  readonly forbiddenPaths?: { readonly globs: readonly string[]; readonly level: Level };
  readonly wasted?: { readonly maxBytes?: number; readonly maxPercent?: number; readonly level: Level };
  readonly growth?: { readonly baseline: Pick<Report, 'totals'>; readonly baselineLabel: string; readonly max: Growth; readonly metric: Metric; readonly level: Level };
  readonly findings?: readonly { readonly code: string; readonly level: Level }[];
}

export type RuleKind = 'budget' | 'layers' | 'package' | 'forbidden-paths' | 'wasted-bytes' | 'wasted-percent' | 'growth' | 'finding';

export interface RuleResult {
  readonly kind: RuleKind;
  /** What was measured: a metric, a package glob, a finding code. */
  readonly subject: string;
  readonly status: 'pass' | 'fail' | 'warn';
  readonly level: Level;
  readonly unit: 'bytes' | 'count' | 'percent';
  readonly measured: number;
  readonly limit: number;
  /** Paths, packages or findings behind a failure. */
  readonly details?: readonly string[];
}

export interface Verdict {
  readonly results: readonly RuleResult[];
  readonly failed: number;
  readonly warned: number;
}

export function ruleCount(r: Rules): number {
  return (
    (r.budgets?.length ?? 0) +
    (r.maxLayers ? 1 : 0) +
    (r.packages?.length ?? 0) +
    (r.forbiddenPaths ? 1 : 0) +
    (r.wasted ? 1 : 0) +
    (r.growth ? 1 : 0) +
    (r.findings?.length ?? 0)
  );
}

/** `finalPaths` is needed only for forbiddenPaths (a saved report has no file list). */
export function evaluate(report: Report, rules: Rules, finalPaths?: readonly string[]): Verdict {
  const results: RuleResult[] = [];
  const push = (kind: RuleKind, subject: string, level: Level, unit: RuleResult['unit'], measured: number, limit: number, details?: string[]): void => {
    const ok = measured <= limit;
    results.push({ kind, subject, level, unit, measured, limit, status: ok ? 'pass' : level, ...(details && !ok ? { details } : {}) });
  };
  for (const b of rules.budgets ?? []) push('budget', b.metric, b.level, 'bytes', metricBytes(report, b.metric), b.limit);
  if (rules.maxLayers) push('layers', 'layers', rules.maxLayers.level, 'count', report.layers.length, rules.maxLayers.limit);
  for (const p of rules.packages ?? []) {
    const re = globToRegExp(p.glob, { path: false });
    const hits = report.packages.filter((x) => re.test(x.name));
    const bytes = hits.reduce((a, x) => a + x.bytes, 0);
    push('package', p.glob, p.level, 'bytes', bytes, p.limit, hits.map((x) => `${x.name} ${x.version ?? ''}`.trim()));
  }
  if (rules.forbiddenPaths) {
    if (!finalPaths) throw new Error('forbiddenPaths needs the image itself, not a saved report');
    const res = rules.forbiddenPaths.globs.map((g) => globToRegExp(g, { path: true }));
    const hits = finalPaths.filter((p) => res.some((re) => re.test(p)));
    push('forbidden-paths', rules.forbiddenPaths.globs.join(', '), rules.forbiddenPaths.level, 'count', hits.length, 0, hits.slice(0, 10));
  }
  if (rules.wasted) {
    const w = rules.wasted;
    if (w.maxBytes !== undefined) push('wasted-bytes', 'wasted', w.level, 'bytes', report.totals.wastedBytes, w.maxBytes);
    if (w.maxPercent !== undefined) {
      const pct = report.totals.contentBytes === 0 ? 0 : (100 * report.totals.wastedBytes) / report.totals.contentBytes;
      push('wasted-percent', 'wasted', w.level, 'percent', pct, w.maxPercent);
    }
  }
  if (rules.growth) {
    const g = rules.growth;
    const before = metricBytes(g.baseline, g.metric);
    const growth = metricBytes(report, g.metric) - before;
    const limit = g.max.kind === 'bytes' ? g.max.value : Math.floor((before * g.max.value) / 100);
    push('growth', `${g.metric} vs ${g.baselineLabel}`, g.level, 'bytes', growth, limit);
  }
  for (const f of rules.findings ?? []) {
    const hit = report.findings.filter((x) => x.code === f.code);
    push('finding', f.code, f.level, 'count', hit.length, 0, hit.map((x) => x.title));
  }
  return { results, failed: results.filter((r) => r.status === 'fail').length, warned: results.filter((r) => r.status === 'warn').length };
}

/** 0 when every rule passed (warnings allowed), 1 when any failed. Errors (2) never get here. */
export function verdictExitCode(v: Verdict): 0 | 1 {
  return v.failed > 0 ? 1 : 0;
}
