/** samples/fleet-workflow.yml: plan → a matrix of scan jobs → merge, and every imgsize line in it is a command imgsize has. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../helpers/run.js';

interface Job {
  needs?: string;
  outputs?: Record<string, string>;
  strategy?: { matrix: Record<string, string> };
  steps: { run?: string; uses?: string; with?: Record<string, unknown> }[];
}
/** A GitHub Actions expression as the workflow writes it. */
const expr = (e: string): string => `\${{ ${e} }}`;
const WORKFLOW = parse(readFileSync(path.resolve('samples/fleet-workflow.yml'), 'utf8')) as { jobs: Record<string, Job> };

describe('samples/fleet-workflow.yml', () => {
  it('plans once, scans a matrix of shards from the plan, merges after every shard', () => {
    const { plan, scan, merge } = WORKFLOW.jobs;
    expect(Object.keys(WORKFLOW.jobs)).toEqual(['plan', 'scan', 'merge']);
    expect(plan?.outputs?.shards).toBe(expr('steps.plan.outputs.shards'));
    expect(scan?.needs).toBe('plan');
    expect(scan?.strategy?.matrix.shard).toBe(expr('fromJSON(needs.plan.outputs.shards)'));
    expect(merge?.needs).toBe('scan');
  });

  it('runs only commands and options imgsize has', async () => {
    const lines = Object.values(WORKFLOW.jobs)
      .flatMap((j) => j.steps.flatMap((s) => (s.run ?? '').split('\n')))
      .map((l) => l.trim())
      .filter((l) => l.startsWith('imgsize '));
    expect(lines.length).toBe(4);
    for (const line of lines) {
      const [, , sub] = line.split(/\s+/);
      const help = await run(['fleet', sub!, '--help']);
      expect(help.code, line).toBe(0);
      for (const flag of line.match(/(?<=\s)--?[a-z][a-z-]*/g) ?? []) expect(help.stdout, `${line}: ${flag}`).toContain(flag);
    }
  });
});
