/**
 * imgsize.config.json: the zod schema is the only source of its shape. Each rule is a value,
 * or `{ "limit": value, "level": "warn" }` to warn instead of fail.
 */
import { z } from 'zod';
import { FindingCodeSchema, MetricSchema } from '../report/schema.js';
import { DEFAULT_METRIC } from '../analysis/diff.js';
import { parseGrowth, parseSize, SIZE_EXAMPLE } from '../base/size.js';

const Level = z.enum(['fail', 'warn']);
const Metric = MetricSchema;
const FindingCode = FindingCodeSchema;

const Size = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseSize(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a size; ${SIZE_EXAMPLE}` });
    return z.NEVER;
  }
  return n;
});

const GrowthLimit = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const g = parseGrowth(v);
  if (g === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a growth limit; e.g. "5%" or "10MB"` });
    return z.NEVER;
  }
  return g;
});

function rule<T extends z.ZodType>(value: T) {
  return z.union([value.transform((limit) => ({ limit, level: 'fail' as const })), z.strictObject({ limit: value, level: Level.default('fail') })]);
}

/** The rules that judge one image by its report: a config's own, and each repository's of a fleet. */
const imageRules = {
  /** Total budgets by metric: { "compressed": "424MB" }. */
  budget: z.partialRecord(Metric, rule(Size)).optional(),
  maxLayers: rule(z.number().int().positive()).optional(),
  /** Per-package maximum bytes by glob on the name: { "nvidia-*": 0 } forbids. */
  packages: z.record(z.string(), rule(Size)).optional(),
  wasted: z.strictObject({ maxBytes: Size.optional(), maxPercent: z.number().min(0).max(100).optional(), level: Level.default('fail') }).optional(),
  /** Findings that fail (or warn) the gate: { "secrets": "fail" }. */
  findings: z.partialRecord(FindingCode, Level).optional(),
};

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  ...imageRules,
  /** Globs that must match no path of the final filesystem. */
  forbiddenPaths: rule(z.array(z.string())).optional(),
  growth: z.strictObject({ baseline: z.string().optional(), max: GrowthLimit, metric: Metric.default(DEFAULT_METRIC), level: Level.default('fail') }).optional(),
  /**
   * `imgsize fleet merge`: rules per repository, by a glob on `registry/repository` or on the
   * repository alone ({ "team/ml-*": { "budget": { "compressed": "4GB" } } }); an image is judged
   * by the first that matches.
   */
  repositories: z.record(z.string(), z.strictObject(imageRules)).optional(),
});

export type Config = z.output<typeof ConfigSchema>;

export const CONFIG_EXAMPLE = `{
  "budget": { "compressed": "424MB" },
  "packages": { "nvidia-*": 0 },
  "findings": { "secrets": "fail" }
}`;
