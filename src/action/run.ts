/**
 * The GitHub Action (action.yml): imgsize on the image a workflow built, a size gate, and one
 * sticky comment on the pull request with the before → after diff and the verdict. It runs the
 * CLI itself (main(io), in this process: the same output as `imgsize … --format markdown`) —
 *
 * 1. `imgsize check IMAGE <rules> --json` (or `imgsize IMAGE --json` without rules) → the report,
 *    kept in a file for the next run's baseline; under GitHub Actions the CLI writes the verdict
 *    to the step summary, the annotations and the outputs itself;
 * 2. with a baseline (a saved report, or the base branch's image by reference): `imgsize diff
 *    BASELINE REPORT --format markdown`, the verdict appended; else the report's own Markdown;
 * 3. the comment: created once, then updated in place (found by its hidden marker). A token that may
 *    not write (a fork's pull request) is a warning, never a failed check.
 *
 * The exit code is the gate's: 0 within budget, 1 over, 2 when imgsize could not run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main, type Io } from '../cli/main.js';
import { findConfig } from '../gate/config-file.js';
import { COMMENT_MARKER } from '../render/markdown.js';
import { renderVerdictMarkdown } from '../render/verdict.js';
import { escapeData } from '../render/github.js';
import { readSavedReport } from '../report/read.js';
import { GitHubError, upsertComment } from './github.js';

export interface ActionIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly appendFile: (file: string, text: string) => void;
}

/** An input as the runner passes it: INPUT_<NAME>, upper case, spaces as underscores. */
function input(env: ActionIo['env'], name: string): string | undefined {
  const v = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();
  return v ? v : undefined;
}

/**
 * Runs the CLI in this process; its stdout is returned, its stderr goes to the step's log. Under
 * GitHub Actions the CLI writes its Markdown to the step summary itself; a run that only renders
 * the comment (`summary: false`) does not write it again.
 */
async function imgsize(io: ActionIo, argv: string[], summary = true): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const cli: Io = {
    argv,
    stdin: Object.assign((async function* () {})(), { isTTY: true }),
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => io.stderr.write(s), isTTY: false },
    env: summary ? io.env : { ...io.env, GITHUB_STEP_SUMMARY: undefined },
    cwd: io.cwd,
    appendFile: io.appendFile,
  };
  const code = await main(cli);
  return { code, stdout };
}

/** The pull request the workflow runs for, from the event payload. */
function pullRequest(env: ActionIo['env']): number | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } };
    const n = event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
    return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

export async function runAction(io: ActionIo): Promise<number> {
  const { env } = io;
  const warn = (s: string): void => void io.stdout.write(`::warning title=imgsize::${escapeData(s)}\n`);
  const image = input(env, 'image');
  if (!image) {
    io.stdout.write('::error title=imgsize::the input "image" is required (a local image name, a registry reference, or an archive path)\n');
    return 2;
  }
  const at = (p: string): string => path.resolve(io.cwd, p);
  const reportFile = at(input(env, 'report') ?? path.join(env.RUNNER_TEMP ?? io.cwd, 'imgsize-report.json'));
  const baseline = input(env, 'baseline');
  const flags = (name: string, flag = `--${name}`): string[] => {
    const v = input(env, name);
    return v === undefined ? [] : [flag, v];
  };
  const rules = [...flags('budget'), ...flags('metric'), ...flags('config'), ...flags('max-growth'), ...flags('max-layers')];
  // growth is measured against a saved report; a baseline by reference is for the comment's diff
  if (input(env, 'max-growth') && baseline) rules.push('--baseline', baseline);
  const gate = rules.length > 0 || findConfig(io.cwd) !== undefined;
  const common = [...flags('platform'), ...flags('html')];

  const first = await imgsize(io, gate ? ['check', image, ...rules, ...common, '--json'] : [image, ...common, '--json']);
  if (first.code === 2) return 2;
  writeFileSync(reportFile, first.stdout);
  io.appendFile(env.GITHUB_OUTPUT ?? '/dev/null', `report=${reportFile}\n`);

  let body: string;
  if (baseline) {
    const diff = await imgsize(io, ['diff', baseline, reportFile, ...flags('platform'), '--format', 'markdown']);
    if (diff.code === 2) {
      warn(`the baseline ${baseline} could not be read: the comment shows this image alone`);
      body = (await imgsize(io, [reportFile, '--format', 'markdown'], false)).stdout;
    } else {
      const { verdict, ...report } = readSavedReport(reportFile);
      body = diff.stdout + (verdict ? `\n${renderVerdictMarkdown(verdict, report).replace(`${COMMENT_MARKER}\n`, '')}` : '');
    }
  } else {
    body = (await imgsize(io, [reportFile, '--format', 'markdown'], false)).stdout;
  }

  const pr = pullRequest(env);
  if (input(env, 'comment') !== 'false' && pr !== undefined) {
    const token = input(env, 'github-token') ?? env.GITHUB_TOKEN;
    if (!token || !env.GITHUB_REPOSITORY) warn('no GITHUB_TOKEN or GITHUB_REPOSITORY: the pull request is not commented');
    else {
      try {
        const c = await upsertComment({ api: env.GITHUB_API_URL ?? 'https://api.github.com', token, repository: env.GITHUB_REPOSITORY }, pr, COMMENT_MARKER, body);
        io.appendFile(env.GITHUB_OUTPUT ?? '/dev/null', `comment-url=${c.url}\n`);
        io.stderr.write(`imgsize: ${c.created ? 'commented on' : 'updated its comment on'} pull request #${pr}\n`);
      } catch (e) {
        const status = e instanceof GitHubError ? e.status : 0;
        warn(
          status === 403 || status === 404
            ? `cannot comment on pull request #${pr} (HTTP ${status}): a pull request from a fork gets a read-only token; the verdict is in the step summary`
            : `cannot comment on pull request #${pr}: ${(e as Error).message}`,
        );
      }
    }
  }
  return first.code;
}
