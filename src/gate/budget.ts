/**
 * The CI gate: evaluates rules against a report (and, for path rules, the final file list) into
 * a verdict of plain data. One pure function decides the exit code. Formatting lives in render/.
 */
import type { Estimate, FindingCode, ForbiddenHit, Level, Metric, Report, RuleItem, RuleKind, RuleResult, Verdict } from '../report/schema.js';
import { metricBytes } from '../analysis/diff.js';
import { compileNameGlob } from './glob.js';
import type { Growth } from '../base/size.js';
import { ImgsizeError } from '../base/errors.js';

export type { Estimate, Level, RuleItem, RuleKind, RuleResult, Verdict };

/** Where a rule came from: a command-line flag (`--budget`) or the config file's path. */
export type RuleOrigin = string;

export interface Rules {
  readonly budgets?: readonly { readonly metric: Metric; readonly limit: number; readonly level: Level; readonly from?: RuleOrigin }[];
  readonly maxLayers?: { readonly limit: number; readonly level: Level; readonly from?: RuleOrigin };
  readonly packages?: readonly { readonly glob: string; readonly limit: number; readonly level: Level; readonly from?: RuleOrigin }[];
  readonly forbiddenPaths?: { readonly globs: readonly string[]; readonly level: Level; readonly from?: RuleOrigin };
  readonly wasted?: { readonly maxBytes?: number | undefined; readonly maxPercent?: number | undefined; readonly level: Level; readonly from?: RuleOrigin };
  readonly growth?: { readonly baseline: Pick<Report, 'totals'>; readonly baselineLabel: string; readonly max: Growth; readonly metric: Metric; readonly level: Level; readonly from?: RuleOrigin };
  readonly findings?: readonly { readonly code: FindingCode; readonly level: Level; readonly from?: RuleOrigin }[];
}

/**
 * The push-size estimate's margin. The figure models GNU gzip -6 (zlib level 6, sampled): within
 * −2 … +5 % of it, measured; what real pushers upload is more — containers/image's pgzip (skopeo,
 * podman push) 0.7–6.4 % more than the estimate on the corpus's and the bench's plain layers, Go's
 * compress/gzip (docker push) about 3 % more (README, What a push uploads). ±7 % covers both.
 */
export const PUSH_ESTIMATE_MARGIN = 0.07;

export function ruleCount(r: Rules): number {
  return (r.budgets?.length ?? 0) + (r.maxLayers ? 1 : 0) + (r.packages?.length ?? 0) + (r.forbiddenPaths ? 1 : 0) + (r.wasted ? 1 : 0) + (r.growth ? 1 : 0) + (r.findings?.length ?? 0);
}

/** Layers whose push size is estimated, for a metric (only `compressed` uses push sizes). */
function estimatedLayers(r: Pick<Report, 'totals'>, m: Metric): number {
  return m === 'compressed' ? r.totals.pushEstimatedLayers.length : 0;
}

/**
 * What the rules read of an image: its report, or what its manifest alone tells — the compressed
 * total and the layer count (gate.ts gateManifest: manifestOnlyProblem lets no other rule through).
 */
export type Gated = Pick<Report, 'totals' | 'layers' | 'packages' | 'findings'> | { readonly manifest: { readonly compressedBytes: number; readonly layers: number } };

/** The figures a rule asks for; a manifest-only read is asked for nothing it does not know. */
function factsOf(g: Gated): { bytes(m: Metric): number; estimated(m: Metric): number; layers: number; report(): Pick<Report, 'totals' | 'packages' | 'findings'> } {
  if (!('manifest' in g)) return { bytes: (m) => metricBytes(g, m), estimated: (m) => estimatedLayers(g, m), layers: g.layers.length, report: () => g };
  const unknown = (what: string): never => {
    throw new ImgsizeError('internal', 'gate', `${what} asked of a manifest-only read`);
  };
  return {
    bytes: (m) => (m === 'compressed' ? g.manifest.compressedBytes : unknown(`the ${m} size`)),
    estimated: () => 0,
    layers: g.manifest.layers,
    report: () => unknown('packages, findings or waste'),
  };
}

/** `forbidden` (the hits of forbiddenPaths over every layer) is needed only for that rule: a saved report has no file list. */
export function evaluate(image: Gated, rules: Rules, forbidden?: readonly ForbiddenHit[]): Verdict {
  const facts = factsOf(image);
  const results: RuleResult[] = [];
  type Extra = { items?: readonly RuleItem[]; estimate?: { layers: number; low: number; high: number }; note?: string };
  const push = (kind: RuleKind, subject: string, rule: { level: Level; from?: RuleOrigin }, unit: RuleResult['unit'], measured: number, limit: number, extra: Extra = {}): void => {
    const ok = measured <= limit;
    const e = extra.estimate;
    results.push({
      kind,
      subject,
      level: rule.level,
      unit,
      measured,
      limit,
      status: ok ? 'pass' : rule.level,
      ...(rule.from !== undefined ? { from: rule.from } : {}),
      ...(extra.items && !ok ? { items: extra.items } : {}),
      ...(extra.note && !ok ? { note: extra.note } : {}),
      ...(e && e.layers > 0 ? { estimate: { margin: PUSH_ESTIMATE_MARGIN, layers: e.layers, decided: e.low <= limit === e.high <= limit } } : {}),
    });
  };
  const range = (bytes: number): { low: number; high: number } => ({ low: Math.floor(bytes * (1 - PUSH_ESTIMATE_MARGIN)), high: Math.ceil(bytes * (1 + PUSH_ESTIMATE_MARGIN)) });
  for (const b of rules.budgets ?? []) {
    const bytes = facts.bytes(b.metric);
    push('budget', b.metric, b, 'bytes', bytes, b.limit, { estimate: { layers: facts.estimated(b.metric), ...range(bytes) } });
  }
  if (rules.maxLayers) push('layers', 'layers', rules.maxLayers, 'count', facts.layers, rules.maxLayers.limit);
  for (const p of rules.packages ?? []) {
    const matches = compileNameGlob(p.glob);
    const hits = facts.report().packages.filter((x) => matches(x.name));
    const bytes = hits.reduce((a, x) => a + x.bytes, 0);
    push('package', p.glob, p, 'bytes', bytes, p.limit, { items: hits.map((x) => ({ package: x.name, version: x.version, bytes: x.bytes })) });
  }
  if (rules.forbiddenPaths) {
    if (!forbidden) throw new Error('forbiddenPaths needs the image itself, not a saved report');
    push('forbidden-paths', rules.forbiddenPaths.globs.join(', '), rules.forbiddenPaths, 'count', forbidden.length, 0, { items: forbidden });
  }
  if (rules.wasted) {
    const w = rules.wasted;
    const report = facts.report();
    if (w.maxBytes !== undefined) push('wasted-bytes', 'wasted', w, 'bytes', report.totals.wastedBytes, w.maxBytes);
    if (w.maxPercent !== undefined) {
      const pct = report.totals.contentBytes === 0 ? 0 : (100 * report.totals.wastedBytes) / report.totals.contentBytes;
      push('wasted-percent', 'wasted', w, 'percent', pct, w.maxPercent);
    }
  }
  if (rules.growth) {
    const g = rules.growth;
    const before = metricBytes(g.baseline, g.metric);
    const after = facts.bytes(g.metric);
    const growth = after - before;
    const limit = g.max.kind === 'bytes' ? g.max.value : Math.floor((before * g.max.value) / 100);
    const layers = facts.estimated(g.metric) + estimatedLayers(g.baseline, g.metric);
    // the growth's range: each side's estimate may be off by the margin
    const low = Math.floor(after * (1 - PUSH_ESTIMATE_MARGIN)) - Math.ceil(before * (1 + PUSH_ESTIMATE_MARGIN));
    const high = Math.ceil(after * (1 + PUSH_ESTIMATE_MARGIN)) - Math.floor(before * (1 - PUSH_ESTIMATE_MARGIN));
    push('growth', `${g.metric} vs ${g.baselineLabel}`, g, 'bytes', growth, limit, { estimate: { layers, low, high } });
  }
  for (const f of rules.findings ?? []) {
    const hit = facts.report().findings.filter((x) => x.code === f.code);
    push('finding', f.code, f, 'count', hit.length, 0, { items: hit.flatMap((x) => x.items), note: hit.map((x) => x.title).join('; ') });
  }
  return { results, failed: results.filter((r) => r.status === 'fail').length, warned: results.filter((r) => r.status === 'warn').length };
}

/** 0 when every rule passed (warnings allowed), 1 when any failed. Errors (2) never get here. */
export function verdictExitCode(v: Verdict): 0 | 1 {
  return v.failed > 0 ? 1 : 0;
}
