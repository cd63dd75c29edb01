/**
 * Rules per repository across a fleet (imgsize.config.json's `repositories`): each image is judged
 * by the first glob that matches its repository — `registry/repository`, or the repository alone —
 * with the same rules `imgsize check` applies to one image. A pure function over the reports.
 */
import type { Config } from '../gate/config-schema.js';
import { evaluate, type Rules } from '../gate/budget.js';
import { compileNameGlob } from '../gate/glob.js';
import { mergeRules } from '../gate/rules.js';
import { ImgsizeError } from '../base/errors.js';
import { parseReference } from '../registry/reference.js';
import type { FleetPlan, FleetReport, Report } from '../report/schema.js';

export type RepositoryRules = NonNullable<Config['repositories']>;

/** Each repository glob with its rules, compiled (a bad glob or rule is refused before any image is read). */
export interface RepositoryJudge {
  readonly patterns: readonly { readonly glob: string; readonly matches: (name: string) => boolean; readonly rules: Rules }[];
}

/** `label` says where the rules came from (the config file's name). */
export function repositoryJudge(repositories: RepositoryRules, label: string): RepositoryJudge {
  return {
    patterns: Object.entries(repositories).map(([glob, rules]) => ({
      glob,
      matches: compileNameGlob(glob),
      rules: mergeRules({ rules, label: `${label} (repositories: ${glob})` }, {}, () => {
        throw new ImgsizeError('internal', 'repositories', 'a repository’s rules have no growth baseline');
      }),
    })),
  };
}

/** The verdict of each image a repository glob names, in the plan's order. */
export function fleetGates(plan: FleetPlan, reports: readonly Report[], judge: RepositoryJudge): FleetReport['gates'] {
  const out: FleetReport['gates'][number][] = [];
  for (const [i, img] of plan.images.entries()) {
    const ref = parseReference(img.reference);
    const p = judge.patterns.find((x) => x.matches(`${ref.registry}/${ref.repository}`) || x.matches(ref.repository));
    if (!p) continue;
    const v = evaluate(reports[i]!, p.rules);
    out.push({ reference: img.reference, repositories: p.glob, failed: v.failed, warned: v.warned, results: v.results });
  }
  return out;
}
