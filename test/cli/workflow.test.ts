/**
 * samples/github-workflow.yml, run as GitHub Actions would run it: every `run:` step in order,
 * under `bash -e`, each with its own $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT files, `if:` and
 * `${{ steps.<id>.outputs.<name> }}` honoured; the image step is replaced by a sample archive
 * and `npx imgsize` by the built CLI (bin/imgsize.js over dist/, which `npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { tempFolders } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/imgsize.js');
const WORKFLOW = parse(readFileSync(path.join(ROOT, 'samples/github-workflow.yml'), 'utf8')) as {
  jobs: Record<string, { steps: { name?: string; id?: string; if?: string; run?: string; uses?: string }[] }>;
};
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

/** Runs the workflow's `run:` steps in a fresh workspace holding the config and the archive. */
function runWorkflow(archive: string): { steps: StepRun[]; workspace: string } {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is not built: run npm test (it builds first) or npm run build');
  const ws = tmp();
  mkdirSync(path.join(ws, '.git')); // the config search stops at the repository root
  copyFileSync(path.join(ROOT, 'samples/imgsize.config.json'), path.join(ws, 'imgsize.config.json'));
  const outputs: Record<string, Record<string, string>> = {};
  const steps: StepRun[] = [];
  let failed = false;
  STEPS.forEach((step, i) => {
    if (!step.run) return;
    const always = step.if === 'always()';
    if (step.if && !always) throw new Error(`the test knows only if: always(), not ${step.if}`);
    if (failed && !always) return;
    const script = step.run
      .replace(/^docker build .*$/m, 'true')
      .replace(/docker save \S+/g, `cat ${JSON.stringify(archive)}`)
      .replace(/\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g, (_, id: string, name: string) => outputs[id]?.[name] ?? '');
    const summary = path.join(ws, `.summary-${i}`);
    const output = path.join(ws, `.output-${i}`);
    writeFileSync(summary, '');
    writeFileSync(output, '');
    const npx = `npx() { if [ "$1" = imgsize ]; then shift; node ${JSON.stringify(BIN)} "$@"; else echo "npx $1: not in this test" >&2; return 127; fi; }\n`;
    const r = spawnSync('bash', ['--norc', '--noprofile', '-e', '-c', npx + script], {
      cwd: ws,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: ws, GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output },
    });
    const out: Record<string, string> = {};
    for (const line of readFileSync(output, 'utf8').split('\n')) {
      const m = /^([\w-]+)=(.*)$/.exec(line);
      if (m) out[m[1]!] = m[2]!;
    }
    if (step.id) outputs[step.id] = out;
    steps.push({ name: step.name ?? step.run, code: r.status, stdout: r.stdout, stderr: r.stderr, summary: readFileSync(summary, 'utf8'), outputs: out });
    if (r.status !== 0) failed = true;
  });
  return { steps, workspace: ws };
}

const step = (steps: StepRun[], name: string): StepRun => {
  const s = steps.find((x) => x.name === name);
  if (!s) throw new Error(`no step ${name} ran`);
  return s;
};
const markers = (s: string): number => s.split('<!-- imgsize -->').length - 1;

describe('samples/github-workflow.yml under a simulated GitHub Actions runner', () => {
  it('passing image: every step exits 0, the report and the comment parse, outputs reach the next step', () => {
    const { steps, workspace } = runWorkflow(path.join(ROOT, 'samples/hello.oci.tar'));
    expect(steps.map((s) => [s.name, s.code])).toEqual([
      ['build', 0],
      ['check', 0],
      ['comment', 0],
      ['verdict', 0],
    ]);
    const report = JSON.parse(readFileSync(path.join(workspace, 'imgsize.json'), 'utf8'));
    expect(report.verdict).toMatchObject({ failed: 0 });
    const check = step(steps, 'check');
    expect(check.outputs).toMatchObject({ verdict: 'pass', failed: '0', metric: 'compressed', limit: '424000000' });
    expect(Number(check.outputs.bytes)).toBe(report.verdict.results[0].measured);
    // the HTML report the artefact step uploads
    expect(readFileSync(path.join(workspace, 'imgsize.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*"page":"report"/);
    const comment = readFileSync(path.join(workspace, 'comment.md'), 'utf8');
    expect(comment.startsWith('<!-- imgsize -->\n### ✔ imgsize: within budget')).toBe(true);
    expect(comment).not.toMatch(/^::/m);
    expect(step(steps, 'verdict').stdout).toBe(`imgsize verdict pass, compressed ${check.outputs.bytes} of 424000000 bytes\n`);
    // the job summary is every step's summary: the verdict once
    expect(markers(steps.map((s) => s.summary).join(''))).toBe(1);
  });

  it('failing image: check exits 1 with annotations on stderr, its JSON still parses, the comment says why', async () => {
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
    const dir = tmp();
    const archive = path.join(dir, 'app.tar');
    writeFileSync(archive, await outerTar(dockerLegacyMembers([img])));
    const { steps, workspace } = runWorkflow(archive);
    expect(steps.map((s) => [s.name, s.code])).toEqual([
      ['build', 0],
      ['check', 1],
      ['comment', 0],
      ['verdict', 0],
    ]);
    const check = step(steps, 'check');
    expect(check.stderr).toMatch(/^::error title=imgsize finding::finding secrets: /m);
    expect(check.stdout).toBe('');
    const report = JSON.parse(readFileSync(path.join(workspace, 'imgsize.json'), 'utf8'));
    expect(report.verdict.failed).toBe(1);
    expect(check.outputs).toMatchObject({ verdict: 'fail', failed: '1' });
    const comment = readFileSync(path.join(workspace, 'comment.md'), 'utf8');
    expect(comment).toMatch(/^### ✖ imgsize: 1 size rule\(s\) failed$/m);
    expect(comment).toMatch(/secrets/);
    expect(comment).not.toMatch(/^::/m);
    expect(markers(steps.map((s) => s.summary).join(''))).toBe(1);
    expect(step(steps, 'verdict').stdout).toMatch(/^imgsize verdict fail, compressed \d+ of 424000000 bytes\n$/);
  });
});

describe('writing the report', () => {
  const hello = path.join(ROOT, 'samples/hello.oci.tar');
  const sh = (cmd: string): ReturnType<typeof spawnSync> => spawnSync('bash', ['--norc', '--noprofile', '-c', cmd], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmpdir() } });

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
    const r = spawnSync('node', [BIN, 'check', hello, '--budget', '1MB'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/nonexistent/dir/summary.md' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^imgsize: warning: cannot write \$GITHUB_STEP_SUMMARY \(ENOENT\); the verdict stands$/m);
  });
});
