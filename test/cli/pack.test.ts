/**
 * The package as a user gets it (issue 23): `npm pack`, installed into an empty project from the
 * tarball (its dependencies from the npm registry, or npm's cache), then `imgsize --help` and a
 * report with its HTML page, run from the installed copy. The tarball carries no build info.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempFolders } from '../helpers/temp.js';

const ROOT = path.resolve(__dirname, '../..');
const tmp = tempFolders('imgsize-pack-');

const sh = (cmd: string, args: string[], cwd: string) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });

describe('npm pack → install → imgsize', () => {
  it('installs from the tarball and runs', () => {
    const dir = tmp();
    const packed = sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], ROOT);
    expect(packed.status, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files.filter((f) => /tsbuildinfo/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'bin/imgsize.js', 'dist/cli/main.js', 'dist/viewer/viewer.js', 'schema/report.schema.json']));

    const app = path.join(dir, 'app');
    sh('mkdir', ['-p', app], dir);
    writeFileSync(path.join(app, 'package.json'), '{"name":"user-app","version":"1.0.0","private":true}');
    // zstd-napi (optional, built by node-gyp) is left out: without it imgsize decodes zstd otherwise, and the install takes seconds, not a minute
    const installed = sh('npm', ['install', '--prefer-offline', '--no-save', '--omit=optional', path.join(dir, info!.filename)], app);
    expect(installed.status, installed.stderr).toBe(0);

    const bin = path.join(app, 'node_modules/.bin/imgsize');
    const help = sh(bin, ['--help'], app);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: imgsize \[options\] \[command\]/);
    expect(help.stdout).toMatch(/^ {2}--platform <os\/arch\[\/variant\]>/m);
    const report = sh(bin, [path.join(ROOT, 'samples/hello.oci.tar'), '--html', 'r.html', '--quiet'], app);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^Image\s+hello:latest/);
    expect(readdirSync(app)).toContain('r.html');
  });
});
