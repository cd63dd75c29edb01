/**
 * samples/github-workflow.yml, run as GitHub Actions would run it: its steps in order, `run:` under
 * `bash -e` and this repository's action (`uses: …/imgsize@…`) as the runner starts an action —
 * `node action/imgsize.mjs` (the committed bundle) with its inputs as INPUT_* (action.yml's
 * defaults filled in) — each step with its own $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT, `if:` and
 * `${{ … }}` honoured. GitHub's API is a loopback server of the test's own; the build step is
 * replaced by a sample archive (the image input names it), the registry baseline by a saved report.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { startGitHub, type FakeGitHub } from '../helpers/github-api.js';
import { tempFolders } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/imgsize.js');
const BUNDLE = path.join(ROOT, 'action/imgsize.mjs');
type Step = { name?: string; id?: string; if?: string; run?: string; uses?: string; with?: Record<string, string> };
const WORKFLOW = parse(readFileSync(path.join(ROOT, 'samples/github-workflow.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
const ACTION = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { using: string; main: string } };
const STEPS = Object.values(WORKFLOW.jobs)[0]!.steps;
const tmp = tempFolders('imgsize-workflow-');

interface StepRun {
  readonly name: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly summary: string;
  readonly outputs: Record<string, string>;
}

let gh: FakeGitHub;
beforeAll(async () => {
  gh = await startGitHub();
});
afterAll(() => gh?.close());

/** Runs one process as a step does, to its end (asynchronously: the loopback GitHub API answers meanwhile). */
function exec(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the workflow in a fresh workspace holding the config, for pull request `pr`, the image being `archive`. */
async function runWorkflow(archive: string, baseline: string, pr = 7): Promise<{ steps: StepRun[]; workspace: string }> {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run npm test (it builds first) or npm run build');
  const ws = tmp();
  mkdirSync(path.join(ws, '.git')); // the config search stops at the repository root
  copyFileSync(path.join(ROOT, 'samples/imgsize.config.json'), path.join(ws, 'imgsize.config.json'));
  writeFileSync(path.join(ws, '.event.json'), JSON.stringify({ pull_request: { number: pr } }));
  const outputs: Record<string, Record<string, string>> = {};
  const steps: StepRun[] = [];
  const github = { repository: 'octo/app', token: 'ghs_runner' } as Record<string, string>;
  const expand = (text: string): string =>
    text.replace(/\$\{\{\s*(?:steps\.([\w-]+)\.outputs\.([\w-]+)|github\.(\w+))\s*\}\}/g, (_, id?: string, name?: string, g?: string) =>
      g !== undefined ? (github[g] ?? '') : (outputs[id!]?.[name!] ?? ''),
    );
  let failed = false;
  for (const [i, step] of STEPS.entries()) {
    const always = step.if === 'always()';
    if (step.if && !always) throw new Error(`the test knows only if: always(), not ${step.if}`);
    if (failed && !always) continue;
    const summary = path.join(ws, `.summary-${i}`);
    const output = path.join(ws, `.output-${i}`);
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: ws,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: github.repository,
      GITHUB_EVENT_PATH: path.join(ws, '.event.json'),
      RUNNER_TEMP: ws,
    };
    let r: { code: number | null; stdout: string; stderr: string };
    if (step.run) {
      const script = expand(step.run.replace(/^docker build .*$/m, 'true'));
      r = await exec('bash', ['--norc', '--noprofile', '-e', '-c', script], ws, env);
    } else if (step.uses && /\/imgsize@/.test(step.uses)) {
      // as the runner starts a node action: its main file, the inputs (defaults from action.yml) as INPUT_*
      expect(ACTION.runs).toEqual({ using: 'node20', main: 'action/imgsize.mjs' });
      const inputs: Record<string, string> = {};
      for (const [k, v] of Object.entries(ACTION.inputs)) if (v.default !== undefined) inputs[k] = expand(v.default);
      for (const [k, v] of Object.entries(step.with ?? {})) inputs[k] = expand(String(v));
      // the build's image and the registry's baseline, as this test has them
      if (inputs.image === 'app:pr') inputs.image = archive;
      if (inputs.baseline === 'ghcr.io/octo/app:main') inputs.baseline = baseline;
      for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
      r = await exec(process.execPath, [BUNDLE], ws, env);
    } else continue; // actions/checkout, upload-artifact: not this test's
    const out: Record<string, string> = {};
    for (const line of readFileSync(output, 'utf8').split('\n')) {
      const m = /^([\w-]+)=(.*)$/.exec(line);
      if (m) out[m[1]!] = m[2]!;
    }
    if (step.id) outputs[step.id] = out;
    steps.push({ name: step.name ?? step.run ?? step.uses ?? '', code: r.code, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summary, 'utf8'), outputs: out });
    if (r.code !== 0) failed = true;
  }
  return { steps, workspace: ws };
}

const step = (steps: StepRun[], name: string): StepRun => {
  const s = steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step ${name} ran`);
  return s;
};

describe('samples/github-workflow.yml under a simulated GitHub Actions runner', () => {
  let baseline: string;
  beforeAll(() => {
    baseline = path.join(tmp(), 'main.json');
    const r = spawnSync(process.execPath, [BIN, path.join(ROOT, 'samples/hello.oci.tar'), '--json'], { encoding: 'utf8' });
    writeFileSync(baseline, r.stdout);
  });

  it('passing image: the action comments the diff once, outputs reach the next step, the HTML report is there', async () => {
    const { steps, workspace } = await runWorkflow(path.join(ROOT, 'samples/hello.oci.tar'), baseline, 41);
    expect(steps.map((s) => [s.name, s.code])).toEqual([
      ['build', 0],
      ['imgsize', 0],
      ['verdict', 0],
    ]);
    const a = step(steps, 'imgsize');
    expect(a.outputs).toMatchObject({ verdict: 'pass', failed: '0', metric: 'compressed', limit: '424000000', report: path.join(workspace, 'imgsize-report.json') });
    const report = JSON.parse(readFileSync(a.outputs.report!, 'utf8'));
    expect(Number(a.outputs.bytes)).toBe(report.verdict.results[0].measured);
    expect(readFileSync(path.join(workspace, 'imgsize.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*"page":"report"/);
    const [comment, ...more] = gh.comments.get(41)!;
    expect(more).toEqual([]);
    expect(comment!.body).toMatch(/^<!-- imgsize -->\n### imgsize: hello\\:latest → hello\\:latest\n/);
    expect(comment!.body).toMatch(/^### ✔ imgsize: within budget$/m);
    expect(step(steps, 'verdict').stdout).toBe(`imgsize verdict pass, compressed ${a.outputs.bytes} of 424000000 bytes\n`);
  });

  it('failing image, pushed twice: annotations, exit 1, and still one comment, updated with why', async () => {
    const img = await buildImage({
      tags: ['app:pr'],
      layers: [
        {
          entries: [
            { path: 'app/main.py', content: 'print(1)\n' },
            { path: 'app/.env', content: 'TOKEN=x\n' },
          ],
          createdBy: 'COPY . /app',
        },
      ],
    });
    const archive = path.join(tmp(), 'app.tar');
    writeFileSync(archive, await outerTar(dockerLegacyMembers([img])));
    for (const push of [1, 2]) {
      const { steps } = await runWorkflow(archive, baseline, 42);
      expect(
        steps.map((s) => [s.name, s.code]),
        `push ${push}`,
      ).toEqual([
        ['build', 0],
        ['imgsize', 1],
        ['verdict', 0],
      ]);
      const a = step(steps, 'imgsize');
      expect(a.stderr).toMatch(/^::error title=imgsize finding::finding secrets: /m);
      expect(a.outputs).toMatchObject({ verdict: 'fail', failed: '1' });
      expect(step(steps, 'verdict').stdout).toMatch(/^imgsize verdict fail, compressed \d+ of 424000000 bytes\n$/);
    }
    const comments = gh.comments.get(42)!;
    expect(comments.length).toBe(1);
    expect(comments[0]!.body).toMatch(/^### ✖ imgsize: 1 size rule\(s\) failed$/m);
    expect(comments[0]!.body).toMatch(/secrets/);
    expect(comments[0]!.body).not.toMatch(/^::/m);
    expect(gh.requests.filter((r) => r.includes('/issues/42/') && r.startsWith('POST'))).toEqual(['POST /repos/octo/app/issues/42/comments']);
    expect(gh.requests.filter((r) => r.startsWith('PATCH'))).toEqual(['PATCH /repos/octo/app/issues/comments/1001']);
    expect(gh.tokens.every((t) => t === 'Bearer ghs_runner')).toBe(true);
  });
});

describe('writing the report', () => {
  const hello = path.join(ROOT, 'samples/hello.oci.tar');
  const sh = (cmd: string): ReturnType<typeof spawnSync> =>
    spawnSync('bash', ['--norc', '--noprofile', '-c', cmd], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmpdir(), IMGSIZE_CACHE: 'off' } });

  it.runIf(existsSync('/dev/full'))('to a full disk: one line, exit 2', () => {
    const r = sh(`node ${BIN} ${hello} --json > /dev/full`);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('imgsize: output: cannot write the report (ENOSPC)\n');
  });

  it('JSON to a reader that closed the pipe: one line, exit 2; a table to head: exit 0', () => {
    const closed = sh(`node ${BIN} ${hello} --json | (exec 0<&-; sleep 0.5); echo "rc=\${PIPESTATUS[0]}"`);
    expect(closed.stdout).toBe('rc=2\n');
    expect(closed.stderr).toMatch(/^imgsize: output: cannot write the report \(EPIPE: the reader closed the pipe\)\n$/);
    const head = sh(`node ${BIN} ${hello} | head -1; echo "rc=\${PIPESTATUS[0]}"`);
    expect(head.stdout).toMatch(/^Image\s+hello:latest\nrc=0\n$/);
  });

  it('an unwritable step summary is a warning; the verdict exit code stands', () => {
    const r = spawnSync('node', [BIN, 'check', hello, '--budget', '1MB', '--metric', 'content'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/nonexistent/dir/summary.md' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^imgsize: warning: cannot write \$GITHUB_STEP_SUMMARY \(ENOENT\); the verdict stands$/m);
  });
});
