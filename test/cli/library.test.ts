/**
 * imgsize as a library, imported the way a user's package imports it: a project with imgsize in
 * its node_modules (a link to this checkout), plain Node, the package's `exports` map, the built
 * dist/ (`npm test` builds it first), and the declaration files a TypeScript user compiles against.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const SAMPLE = path.join(ROOT, 'samples/hello.oci.tar');
const built = existsSync(path.join(ROOT, 'dist/index.js')) && existsSync(path.join(ROOT, 'dist/index.d.ts'));

describe.skipIf(!built && !process.env.CI)('the library entry point', () => {
  const dir = tempDir('imgsize-user-');
  const project = (): string => {
    const p = dir();
    if (!existsSync(path.join(p, 'node_modules/imgsize'))) {
      mkdirSync(path.join(p, 'node_modules'), { recursive: true });
      symlinkSync(ROOT, path.join(p, 'node_modules/imgsize'), 'dir');
      writeFileSync(path.join(p, 'package.json'), JSON.stringify({ name: 'user', type: 'module', private: true }));
    }
    return p;
  };

  it('inspects, diffs and gates an image from a Node program', () => {
    const script = `
      import { inspectImage, diffReports, evaluate, verdictExitCode, renderReportHtml, ReportSchema, SCHEMA_VERSION } from 'imgsize';
      const { report } = await inspectImage({ path: ${JSON.stringify(SAMPLE)} });
      ReportSchema.parse(report);
      const d = diffReports(report, report);
      const v = evaluate(report, { budgets: [{ metric: 'content', limit: 1, level: 'fail' }] });
      console.log(JSON.stringify({ version: SCHEMA_VERSION, layers: report.layers.length, content: report.totals.contentBytes, shared: d.sharedCompressedBytes, exit: verdictExitCode(v), html: renderReportHtml(report).startsWith('<!doctype html>') }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: project(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 4, exit: 1, html: true });
    expect(out.layers).toBeGreaterThan(0);
    expect(out.content).toBeGreaterThan(1);
    expect(out.shared).toBeGreaterThan(0);
  });

  it('publishes the JSON Schema as imgsize/schema.json', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import s from 'imgsize/schema.json' with { type: 'json' }; console.log(s.title)`], { cwd: project(), encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('imgsize report, schemaVersion 4');
  });
});
