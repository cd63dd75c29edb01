/**
 * The CLI: wires commander to the reader, the analyses and the renderers.
 * `main(io)` returns the exit code; only bin/imgsize.js touches `process`.
 */
import { Command, CommanderError, Option } from 'commander';
import { ImgsizeError } from '../errors.js';
import { readImage, type ImageSource } from '../archive/read.js';
import { buildReport, type Report } from '../analysis/report.js';
import { renderJson } from '../render/json.js';
import { renderTable } from '../render/table.js';
import { human } from '../render/units.js';
import { DETECTORS, captureFor } from '../detectors/index.js';

export interface Io {
  readonly argv: readonly string[];
  readonly stdin: AsyncIterable<Buffer> & { readonly isTTY?: boolean };
  readonly stdout: { write(s: string): unknown; readonly columns?: number };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_ERROR = 2;

interface CommonOptions {
  platform?: string;
  image?: string;
  json?: boolean;
  format?: 'table' | 'json' | 'markdown';
  top: string;
  depth: string;
  verify: boolean;
  quiet?: boolean;
  progress: boolean;
  debug?: boolean;
}

const EXAMPLES = `
Examples:
  docker save app:latest | imgsize          analyse an image streamed from docker save
  imgsize app.tar                           a docker save / oci-archive file (gzipped or not)
  imgsize ./oci-layout                      an OCI layout folder
  imgsize app.tar --json > report.json      the versioned report, for machines
  imgsize multi.tar --platform linux/arm64  pick one platform of a multi-platform archive

Sizes are SI units like docker images (1 MB = 1,000,000 bytes); --json has exact bytes.
Exit codes: 0 ok, 1 a budget or gate failed, 2 could not run (usage, unreadable or invalid archive).`;

export async function main(io: Io): Promise<number> {
  let debug = io.argv.includes('--debug');
  const out = (s: string): void => void io.stdout.write(s);
  const err = (s: string): void => void io.stderr.write(s);
  let exitCode = EXIT_OK;

  const program = new Command();
  program
    .name('imgsize')
    .description('Where the bytes of a container image go: per layer, package, folder and file, wasted bytes and findings.')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err, outputError: (s, write) => write(s) })
    .showHelpAfterError('(run imgsize --help for usage)');

  const addCommon = (c: Command): Command =>
    c
      .option('--platform <os/arch[/variant]>', 'platform to analyse in a multi-platform archive (default linux/amd64)')
      .option('--image <tag>', 'image to analyse in an archive that holds several')
      .option('--json', 'print the JSON report (same as --format json)')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'markdown']))
      .option('--top <n>', 'rows in the largest-files, folders and waste tables', '10')
      .option('--depth <n>', 'folder depth for the largest-folders table', '3')
      .option('--no-verify', 'report digest and diff_id mismatches as warnings instead of failing')
      .option('-q, --quiet', 'no notices on stderr, only errors')
      .option('--no-progress', 'no progress line on stderr (it only shows on a terminal anyway)')
      .option('--debug', 'print stack traces of internal errors');

  addCommon(
    program
      .command('inspect', { isDefault: true })
      .description('analyse one image (default command)')
      .argument('[image]', 'archive path, OCI layout folder, or - for stdin (default: stdin)')
      .addHelpText('after', EXAMPLES),
  ).action(async (image: string | undefined, o: CommonOptions) => {
    debug = Boolean(o.debug);
    const report = await analyse(io, image, o);
    const format = o.json ? 'json' : (o.format ?? 'table');
    if (format === 'json') out(renderJson(report));
    else out(renderTable(report, { top: Number(o.top), width: io.stdout.columns }));
    exitCode = EXIT_OK;
  });
  program.addHelpText('after', EXAMPLES);

  try {
    await program.parseAsync(['node', 'imgsize', ...io.argv]);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_ERROR; // commander already printed one line
    }
    if (e instanceof ImgsizeError) {
      err(`imgsize: ${e.what}: ${e.message}\n`);
      if (e.hint) err(`hint: ${e.hint}\n`);
      if (debug && e.stack) err(`${e.stack}\n`);
      return EXIT_ERROR;
    }
    const msg = e instanceof Error ? e.message : String(e);
    err(`imgsize: internal error: ${msg}\n`);
    if (debug && e instanceof Error && e.stack) err(`${e.stack}\n`);
    else err('hint: run again with --debug and report it\n');
    return EXIT_ERROR;
  }
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ImgsizeError('usage', flag, `expected a whole number, got "${v}"`);
  return n;
}

async function analyse(io: Io, image: string | undefined, o: CommonOptions): Promise<Report> {
  const top = positiveInt(o.top, '--top');
  const depth = positiveInt(o.depth, '--depth');
  if (o.platform !== undefined && !/^[a-z0-9_.-]+\/[a-z0-9_.-]+(\/[a-z0-9_.-]+)?$/i.test(o.platform)) {
    throw new ImgsizeError('usage', '--platform', `expected os/arch[/variant], e.g. linux/amd64, got "${o.platform}"`);
  }
  let src: ImageSource;
  if (image === undefined || image === '-') {
    if (image === undefined && io.stdin.isTTY) {
      throw new ImgsizeError('usage', 'input', 'no image given and stdin is a terminal', {
        hint: 'pipe an archive (docker save app | imgsize) or name one (imgsize app.tar); see imgsize --help',
      });
    }
    src = { stream: io.stdin, label: '-' };
  } else {
    src = { path: image };
  }
  const showProgress = o.progress && !o.quiet && io.stderr.isTTY === true;
  let lastShown = 0;
  const onProgress = showProgress
    ? (n: number): void => {
        const now = Date.now();
        if (now - lastShown < 200) return;
        lastShown = now;
        io.stderr.write(`\rimgsize: read ${human(n)}   `);
      }
    : undefined;
  const model = await readImage(src, {
    verify: o.verify,
    scan: { capture: captureFor(DETECTORS) },
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
    ...(o.image !== undefined ? { image: o.image } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  if (showProgress && lastShown > 0) io.stderr.write('\r\x1b[K');
  if (!o.quiet) for (const n of model.notices) io.stderr.write(`imgsize: ${n}\n`);
  return buildReport(model, { top, depth, detectors: DETECTORS });
}
