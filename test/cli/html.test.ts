/**
 * --html and --format html from the command line: what is written where, the page's shape (one file,
 * no external reference, data that cannot break out of its script element), and what is refused.
 * What the page does in a browser: test/browser/html-report.test.ts.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { run } from '../helpers/run.js';
import { tempFolders } from '../helpers/temp.js';

const SAMPLE = path.resolve(__dirname, '../../samples/hello.oci.tar');
const tmp = tempFolders('imgsize-html-cli-');

/** The page's embedded data, as the viewer reads it. */
function pageData(html: string): { page: string; tree: { name: string[] } | null; report?: { image: { repoTags: string[] } }; verdictLines?: string[] } {
  const m = /<script type="application\/json" id="data">([^<]*)<\/script>/.exec(html);
  expect(m, 'one data element, no raw < in it').not.toBeNull();
  return JSON.parse(m![1]!);
}

describe('--html', () => {
  it('writes the page beside the usual output, and says where on stderr', async () => {
    const dir = tmp();
    const r = await run([SAMPLE, '--html', 'out.html'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Image {5}hello:latest/);
    expect(r.stderr).toMatch(/^imgsize: wrote out\.html \(\d+(\.\d+)? kB\): open it in a browser, it needs no network\n$/);
    const html = readFileSync(path.join(dir, 'out.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(pageData(html)).toMatchObject({ page: 'report', report: { image: { repoTags: ['hello:latest'] } } });
    expect(pageData(html).tree!.name).toContain('server');
  });

  it('--format html writes the same page to stdout', async () => {
    const dir = tmp();
    await run([SAMPLE, '--html', 'a.html', '--quiet'], { cwd: dir });
    const r = await run([SAMPLE, '--format', 'html']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(path.join(dir, 'a.html'), 'utf8'));
  });

  it('references nothing outside the file: no URL, no src or href, scripts allowed by hash only', async () => {
    const html = (await run([SAMPLE, '--format', 'html'])).stdout;
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\s(src|href|srcset|action)=/i);
    expect(html).not.toMatch(/@import|url\(/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; img-src 'none'; base-uri 'none'; form-action 'none'$/);
    expect(csp).not.toContain('unsafe');
    expect(html.match(/<script/g)).toHaveLength(2);
  });

  it("keeps the image's strings inside the data: a name or step with </script> or <!-- cannot end it", async () => {
    const img = await buildImage({
      tags: ['x:</script><script>alert(1)</script>'],
      layers: [{ entries: [{ path: 'app/<!--<script>', size: 10 }], createdBy: 'RUN echo "</script><img src=x onerror=alert(2)>"' }],
    });
    const archive = path.join(tmp(), 'evil.tar');
    writeFileSync(archive, await outerTar(dockerLegacyMembers([img])));
    const html = (await run([archive, '--format', 'html'])).stdout;
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<!--');
    const data = pageData(html);
    expect(data.report!.image.repoTags).toEqual(['x:</script><script>alert(1)</script>']);
    expect(data.tree!.name).toContain('<!--<script>');
  });

  it('diff --html: the change as a page, with both trees merged', async () => {
    const dir = tmp();
    const r = await run(['diff', SAMPLE, SAMPLE, '--html', 'd.html', '--quiet'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const data = pageData(readFileSync(path.join(dir, 'd.html'), 'utf8')) as unknown as { page: string; tree: { bytes: number[]; before: number[] } };
    expect(data.page).toBe('diff');
    expect(data.tree.bytes).toEqual(data.tree.before);
  });

  it('a saved diff is shown again in every format, its page too; --json gives back the same document', async () => {
    const dir = tmp();
    const saved = (await run(['diff', SAMPLE, SAMPLE, '--json', '--budget', '1MB', '--metric', 'content'], { cwd: dir })).stdout;
    writeFileSync(path.join(dir, 'd.json'), saved);
    const again = await run(['d.json', '--json'], { cwd: dir });
    expect([again.code, again.stdout]).toEqual([0, saved]);
    const text = await run(['d.json'], { cwd: dir });
    expect(text.stdout).toMatch(/^Before {2}hello:latest/);
    expect(text.stdout).toMatch(/imgsize check: 1 rule\(s\) failed/);
    expect((await run(['d.json', '--format', 'markdown'], { cwd: dir })).stdout).toMatch(/- ✖ \*\*FAIL\*\* content size/);
    const page = await run(['d.json', '--html', 'd.html', '--quiet'], { cwd: dir });
    expect(page.code).toBe(0);
    expect(pageData(readFileSync(path.join(dir, 'd.html'), 'utf8')).page).toBe('diff');
    // as a side of another diff it is still refused: a side is an image
    const side = await run(['diff', 'd.json', SAMPLE], { cwd: dir });
    expect([side.code, side.stderr]).toEqual([2, 'imgsize: d.json: a saved diff, not an image report: give the reports (or images) of both sides instead\n']);
  });

  it('check --html: the page carries the verdict, and the exit code is the verdict', async () => {
    const dir = tmp();
    const r = await run(['check', SAMPLE, '--budget', '1MB', '--metric', 'content', '--html', 'c.html', '--quiet'], { cwd: dir });
    expect(r.code).toBe(1);
    const data = pageData(readFileSync(path.join(dir, 'c.html'), 'utf8'));
    expect(data.verdictLines!.join('\n')).toMatch(/FAIL .*exceeds the budget 1 MB/);
  });

  it('from a saved report, and a saved report without a tree still makes a page (without the treemap)', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'r.json'), (await run([SAMPLE, '--json', '--tree-nodes', '0'])).stdout);
    // relative paths are the run's working directory's (main(io) with another cwd than the process's)
    const r = await run(['r.json', '--html', 'r.html', '--quiet'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(pageData(readFileSync(path.join(dir, 'r.html'), 'utf8')).tree).toBeNull();
  });

  it('refuses --html with --manifest-only, "-" or nothing, and writes nothing when the input is bad', async () => {
    const dir = tmp();
    const m = await run(['ghcr.io/org/app:1', '--manifest-only', '--html', 'x.html'], { cwd: dir });
    expect([m.code, m.stderr]).toEqual([2, 'imgsize: --manifest-only: has no HTML report: the page shows the files, which a manifest-only read does not see\n']);
    const dash = await run([SAMPLE, '--html', '-'], { cwd: dir });
    expect([dash.code, dash.stderr]).toEqual([2, 'imgsize: --html: expects a file name; --format html writes the page to stdout\n']);
    writeFileSync(path.join(dir, 'bad.tar'), Buffer.alloc(3000, 7));
    const bad = await run(['bad.tar', '--html', 'bad.html'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['bad.tar']);
  });

  it('a page that cannot be written is one line and exit 2', async () => {
    const dir = tmp();
    const r = await run([SAMPLE, '--html', path.join(dir, 'no/such/dir/x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^imgsize: .*x\.html: cannot write the HTML report \(ENOENT\)\n$/);
    expect(existsSync(path.join(dir, 'no'))).toBe(false);
  });
});
