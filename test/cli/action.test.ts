/**
 * The GitHub Action (src/action/run.ts, bundled as action/imgsize.mjs) against a loopback GitHub
 * API of the test's own: one sticky comment per pull request — created, then updated in place,
 * never a second — holding the tables `imgsize diff --format markdown` prints and the verdict; a
 * fork's read-only token (403) is a warning, not a failed check; the exit code is the gate's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../src/action/run.js';
import { buildImage, ociMembers, outerTar } from '../fixtures/builder.js';
import { startGitHub, type FakeGitHub } from '../helpers/github-api.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const HELLO = path.join(ROOT, 'samples/hello.oci.tar');
const tmp = tempFolders('imgsize-action-');

let gh: FakeGitHub;
let dir: string;
let baseline: string;
let after: string;

beforeAll(async () => {
  gh = await startGitHub();
  dir = tmp();
  baseline = path.join(dir, 'main.json');
  writeFileSync(baseline, (await run([HELLO, '--json'])).stdout);
  const img = await buildImage({ tags: ['app:pr'], layers: [{ entries: [{ path: 'app/model.pth', size: 300_000 }], compression: 'gzip', createdBy: 'COPY . /app' }] });
  after = path.join(dir, 'pr.tar');
  writeFileSync(after, await outerTar(ociMembers([img])));
  writeFileSync(path.join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 7 } }));
});
afterAll(() => gh?.close());

/** One run of the action as the runner starts it: inputs as INPUT_*, the runner's files. */
async function action(inputs: Record<string, string>) {
  const files = { out: path.join(dir, `out-${Math.random()}`), summary: path.join(dir, `summary-${Math.random()}`) };
  writeFileSync(files.out, '');
  writeFileSync(files.summary, '');
  let stdout = '';
  let stderr = '';
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    GITHUB_OUTPUT: files.out,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    HOME: dir,
    'INPUT_GITHUB-TOKEN': 'ghs_test',
    INPUT_COMMENT: 'true',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const code = await runAction({
    env,
    cwd: dir,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    appendFile: (f, t) => writeFileSync(f, t, { flag: 'a' }),
  });
  return { code, stdout, stderr, outputs: readFileSync(files.out, 'utf8'), summary: readFileSync(files.summary, 'utf8') };
}

describe('the action on a pull request', () => {
  it('comments once with the diff’s tables and the verdict, then updates that comment in place', async () => {
    const first = await action({ image: after, baseline, budget: '1GB', metric: 'compressed' });
    expect(first.code, first.stderr).toBe(0);
    expect(gh.requests).toEqual(['GET /repos/octo/app/issues/7/comments?per_page=100&page=1', 'POST /repos/octo/app/issues/7/comments']);
    expect(gh.tokens.every((t) => t === 'Bearer ghs_test')).toBe(true);
    const [comment] = gh.comments.get(7)!;
    const report = path.join(dir, 'imgsize-report.json');
    const diff = await run(['diff', baseline, report, '--format', 'markdown']);
    expect(diff.code).toBe(0);
    expect(comment!.body.startsWith(diff.stdout)).toBe(true);
    expect(comment!.body).toMatch(/^### ✔ imgsize: within budget$/m);
    expect(comment!.body.split('<!-- imgsize -->').length - 1).toBe(1);
    expect(first.outputs).toMatch(/^verdict=pass$/m);
    expect(first.outputs).toContain(`report=${report}\ncomment-url=https://github.example/c/1000\n`);
    expect(first.summary).toContain(diff.stdout);
    // the CLI writes the summary: the verdict once and the diff once, never the comment's copy again
    expect(first.summary.split('### ✔ imgsize: within budget').length - 1).toBe(1);
    expect(first.summary.split(diff.stdout).length - 1).toBe(1);

    gh.requests.length = 0;
    const again = await action({ image: after, baseline, budget: '100kB', metric: 'content' });
    expect(again.code).toBe(1); // the gate fails now: the exit code is the gate's
    expect(gh.requests).toEqual(['GET /repos/octo/app/issues/7/comments?per_page=100&page=1', 'PATCH /repos/octo/app/issues/comments/1000']);
    expect(gh.comments.get(7)!.length).toBe(1);
    expect(gh.comments.get(7)![0]!.body).toMatch(/^### ✖ imgsize: 1 size rule\(s\) failed$/m);
  });

  it('a token that may not write (a fork’s pull request): a warning, and the check still passes', async () => {
    gh.refuse = true;
    try {
      const r = await action({ image: after, budget: '1GB' });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^::warning title=imgsize::cannot comment on pull request #7 \(HTTP 403\): a pull request from a fork gets a read-only token/m);
    } finally {
      gh.refuse = false;
    }
  });

  it('no rules and no baseline: the report’s own Markdown; comment: false posts nothing', async () => {
    gh.requests.length = 0;
    const r = await action({ image: HELLO, comment: 'false' });
    expect(r.code, r.stderr).toBe(0);
    expect(gh.requests).toEqual([]);
    expect(r.outputs).toMatch(/^report=/m);
  });

  it('an image it cannot read: exit 2, nothing posted', async () => {
    gh.requests.length = 0;
    const r = await action({ image: path.join(dir, 'missing.tar') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: .*missing\.tar: no such file or directory$/m);
    expect(gh.requests).toEqual([]);
  });
});
