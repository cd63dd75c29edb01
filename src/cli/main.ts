/**
 * The CLI: wires commander to the reader, the analyses and the renderers.
 * `main(io)` returns the exit code; only bin/imgsize.js touches `process`.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dockerignoreFix, dockerignorePatch, type DockerignoreFix } from '../fix/dockerignore-fix.js';
import type { ImageReference } from '../registry/reference.js';
import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { ImgsizeError, oneImageExpected } from '../base/errors.js';
import { openDaemonImage, withDaemonsTried, type ImageSource } from '../source/read.js';
import { resolveSource, SOURCES, type Resolved, type SourceFlag } from '../source/resolve.js';
import type { BlobRecord } from '../archive/contents.js';
import { inspectSource } from '../inspect.js';
import type { ArchiveOverview, DiffDocument, ManifestReport, Report } from '../report/schema.js';
import { readManifestOnly } from '../registry/source.js';
import { DEFAULT_METRIC, diffReports, METRICS, type Metric } from '../analysis/diff.js';
import { ruleCount, verdictExitCode, type Rules, type Verdict } from '../gate/budget.js';
import { gate, gateManifest, manifestOnlyProblem, type ImageFiles } from '../gate/gate.js';
import { parseGrowth, parseSize, SIZE_EXAMPLE } from '../base/size.js';
import { mergeRules, type FlagRules } from '../gate/rules.js';
import type { DecoderChoice } from '../layer/decoder.js';
import { renderCheck, renderDiff, renderInspect, renderManifest, renderOverview, renderSavedDiff, type OutputFormat } from '../render/output.js';
import { renderVerdictMarkdown } from '../render/verdict.js';
import { renderAnnotations, renderOutputs } from '../render/github.js';
import { human } from '../render/units.js';
import type { Terminal } from '../render/style.js';
import { MAX_TREE_NODES, TREE_NODES } from '../report/limits.js';
type SavedReading = typeof import('../report/read.js');
import { findConfig, loadConfig } from '../gate/config-file.js';
import { VERSION } from '../base/version.js';
import { parsePlatform } from '../base/platform.js';
import { messages } from './messages.js';
import { progressLine } from './progress.js';

/** Saved reports are checked with zod, loaded only when one is read (most runs read none). */
const savedReports = (): Promise<SavedReading> => import('../report/read.js');

export interface Io {
  readonly argv: readonly string[];
  readonly stdin: AsyncIterable<Buffer> & { readonly isTTY?: boolean };
  readonly stdout: { write(s: string): unknown; readonly columns?: number; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** A path that opens stdin, when stdin is a regular file (`imgsize < app.tar`): read with random access. */
  readonly stdinFile?: string;
  /** Appends to a file (the GitHub step summary and outputs); injected so tests can see it. */
  readonly appendFile?: (path: string, text: string) => void;
  /** Waits until stdout has taken everything written; resolves with the write error, if any. */
  readonly flush?: () => Promise<NodeJS.ErrnoException | undefined>;
}

/** Exit codes: 0 ok, 2 could not run; 1 (a gate failed) comes from the verdict alone (gate/budget.ts verdictExitCode). */
export const EXIT_OK = 0;
export const EXIT_ERROR = 2;

interface CommonOptions {
  platform?: string;
  /** --image, repeatable: diff takes one per side (one names both). */
  image?: string[];
  json?: boolean;
  format?: OutputFormat;
  top?: string;
  depth: string;
  treeNodes: string;
  verify: boolean;
  maxRatio: string;
  quiet?: boolean;
  progress: boolean;
  debug?: boolean;
  exactPushSize?: boolean;
  manifestOnly?: boolean;
  insecureRegistry?: string[];
  html?: string;
  source?: SourceFlag;
  context?: string;
  fixPatch?: string;
}

interface GateOptions {
  budget?: string;
  metric?: string;
  maxLayers?: string;
  baseline?: string;
  maxGrowth?: string;
  config?: string;
}

const EXAMPLES = `
Examples:
  docker save app:latest | imgsize          analyse an image streamed from docker save
  imgsize app.tar                           a docker save / oci-archive file (gzipped or not)
  imgsize ./oci-layout                      an OCI layout folder
  imgsize ghcr.io/org/app:1.2               an image in a registry (no daemon, nothing on disk)
  imgsize diff ghcr.io/org/app:main ghcr.io/org/app:pr-42   two references (shared layers read once)
  imgsize app.tar --json > report.json      the versioned report, for machines
  imgsize app.tar --html report.html        also a self-contained HTML report (treemap; opens offline)
  imgsize diff a.json b.json --html d.html  the change as a page, from saved reports
  imgsize all.tar                           a multi-image docker save: each image, shared and alone bytes
  imgsize multi.tar --platform linux/arm64  pick one platform of a multi-platform archive
  imgsize all.tar --image app:1             pick one image (a tag, or an image ID prefix)
  imgsize diff before.tar after.tar         what a change bought, per layer and package
  imgsize diff main.json - < pr.tar         against a saved report (CI keeps main's --json)
  imgsize check app.tar --budget 424MB      CI gate: exit 0 within budget, 1 over, 2 on error
  imgsize check app.tar --budget 424MB --metric compressed --format markdown
  imgsize check app.tar --budget 424MB --metric compressed --exact-push-size
  imgsize check - --json > r.json; imgsize r.json --format markdown   the verdict, shown again

Compressed is what a push uploads: for layers stored uncompressed (classic docker save) their gzip
size, estimated from samples (~, ±7 %: it models gzip -6; docker and skopeo push up to ~6 % more) unless --exact-push-size. Rules from imgsize.config.json and
flags merge (a flag wins for its rule); forbiddenPaths match in every layer, not only the final one.
Under GitHub Actions (GITHUB_ACTIONS=true) annotations go to stderr, the verdict to
$GITHUB_STEP_SUMMARY and verdict/bytes/limit to $GITHUB_OUTPUT; stdout holds only the report.

Sizes are SI units like docker images (1 MB = 1,000,000 bytes); --json has exact bytes.
Exit codes: 0 ok, 1 a budget or gate failed, 2 could not run (usage, unreadable or invalid archive).`;

export async function main(given: Io): Promise<number> {
  // what one run shares: both sides of a diff fetch a registry blob once and ask one token per repository
  const io: Run = { ...given, registryBlobs: new Map(), registryTokens: new Map() };
  let debug = io.argv.includes('--debug');
  const out = (s: string): void => void io.stdout.write(s);
  const msg = messages(io.stderr);
  let exitCode = EXIT_OK;
  /** The format the command wrote in (a write error's meaning depends on it). */
  let written: OutputFormat = 'table';

  const program = new Command();
  program
    .name('imgsize')
    .version(VERSION, '-V, --version')
    .description('Where the bytes of a container image go: per layer, package, folder and file, wasted bytes and findings.')
    .exitOverride()
    // commander's own errors in the house style: `imgsize: usage: <why>` and a hint line
    .configureOutput({ writeOut: out, writeErr: msg.sayLines, outputError: (s, write) => write(`imgsize: usage: ${usageError(s.replace(/^error: /, ''))}`) })
    .showHelpAfterError('hint: run imgsize --help for usage');

  const addCommon = (c: Command): Command =>
    c
      .option('--platform <os/arch[/variant]>', 'platform to analyse in a multi-platform archive (default linux/amd64)')
      .option(
        '--image <tag|id>',
        'the image of an archive that holds several: a tag (busybox = busybox:latest) or an image ID prefix; diff takes one per side (--image BEFORE --image AFTER)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--json', 'print JSON (same as --format json)')
      .addOption(new Option('--format <format>', 'output format (html: the page --html writes, to stdout)').choices(['table', 'json', 'markdown', 'html']))
      .option('--html <file>', 'also write a self-contained HTML report (treemap, layers, packages, findings; opens offline) to <file>')
      .option('--top <n>', 'rows per table (default 10); --json carries 100 rows per list unless given')
      .option('--depth <n>', 'folder depth for the folders table', '3')
      .option('--tree-nodes <n>', `nodes in the report's tree, the HTML treemap's data (0: none; at most ${MAX_TREE_NODES})`, String(TREE_NODES))
      .option('--no-verify', 'report digest and diff_id mismatches as warnings instead of failing, and skip the file contents of big plain layers instead of hashing them')
      .option('--max-ratio <n>', 'refuse a layer that inflates more than n:1 past 1 GiB (decompression bomb guard)', '1000')
      .addOption(
        new Option(
          '--source <where>',
          'where the image is: a local daemon (docker, podman), a registry, or an archive file or folder (default: an existing path, else the local daemons, then the registry)',
        ).choices([...SOURCES]),
      )
      .option('--context <dir>', "the image's build context: its .dockerignore is checked, and the fixes say which of its lines look as if they removed a file and do not")
      .option('--fix-patch <file>', 'write the .dockerignore fix as a unified diff to <file> (git apply it in the build context)')
      .option('--manifest-only', 'an image in a registry: read its manifest and config only (compressed sizes per layer, the steps; no layer downloaded)')
      .option(
        '--insecure-registry <host>',
        'treat this registry (host[:port]) as docker treats an insecure one: HTTPS without verifying its certificate, else plain HTTP; repeatable',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--exact-push-size', 'gzip every layer stored uncompressed whole (gzip -6) for its exact push size, instead of estimating it from samples (slow: ~30 MB/s)')
      .option('-q, --quiet', 'no notices on stderr, only errors')
      .option('--no-progress', 'no progress line on stderr (it only shows on a terminal anyway)')
      .option('--debug', 'print stack traces of internal errors');

  const addGate = (c: Command): Command =>
    c
      .option('--budget <size>', `size budget for the image, ${SIZE_EXAMPLE}`)
      .addOption(
        new Option('--metric <metric>', `which size the budget and growth limit apply to (default: ${DEFAULT_METRIC}, what a pull downloads; content is the classic docker images SIZE)`).choices([
          ...METRICS,
        ]),
      )
      .option('--max-layers <n>', 'most layers allowed')
      .option('--baseline <report.json>', 'a saved --json report to measure growth against')
      .option('--max-growth <limit>', 'most growth allowed against the baseline: "5%" or a size like "10MB"')
      .option('--config <file>', 'rules file (default: imgsize.config.json found from here up to the repository root)');

  addCommon(
    program
      .command('inspect', { isDefault: true })
      .description('analyse one image (default command)')
      .argument('[image]', 'archive path, OCI layout folder, - for stdin (default), or a saved --json report to show again')
      .addHelpText('after', EXAMPLES),
  ).action(async (image: string | undefined, o: CommonOptions) => {
    debug = Boolean(o.debug);
    checkCommon(io, o);
    if (o.manifestOnly) {
      const format = textFormat(o);
      const m = await manifestOnly(io, image, o);
      written = format;
      out(renderManifest(format, m, undefined, terminalOf(io)));
      stepSummary(io, renderManifest('markdown', m, undefined, {}));
      exitCode = EXIT_OK;
      return;
    }
    const side = await loadSide(io, image, o, { overview: true, savedDiff: true });
    if ('savedDiff' in side) {
      // a saved diff shown again, in any format (its HTML page too)
      if (o.html !== undefined) writeHtml(io, o, renderSavedDiff('html', side.savedDiff, { top: textTop(o) }));
      written = outputFormat(o);
      out(renderSavedDiff(written, side.savedDiff, { top: textTop(o), ...terminalOf(io) }));
      stepSummary(io, renderSavedDiff('markdown', side.savedDiff, { top: textTop(o) }));
      exitCode = EXIT_OK;
      return;
    }
    if ('overview' in side) {
      // several images and no --image: each of them, and how to pick one
      // the page: the overview, each image drillable to its own report
      const format = (written = outputFormat(o));
      if (o.html !== undefined) writeHtml(io, o, renderOverview('html', side.overview, side.reports));
      out(renderOverview(format, side.overview, side.reports));
      stepSummary(io, renderOverview('markdown', side.overview));
      exitCode = EXIT_OK;
      return;
    }
    const { report, verdict } = side;
    const format = (written = outputFormat(o));
    // the change that removes what the findings found, checked against the context's .dockerignore
    const ignoreFile = contextIgnore(io, o);
    const fix = dockerignoreFix(report, ignoreFile);
    if (o.fixPatch !== undefined) writeFixPatch(io, o, fix, ignoreFile);
    // a saved `check --json` report carries its verdict: shown again, never evaluated again
    if (o.html !== undefined) writeHtml(io, o, renderInspect('html', report, verdict, { top: textTop(o) }));
    out(renderInspect(format, report, verdict, { top: textTop(o), ...terminalOf(io), fix }));
    stepSummary(io, renderInspect('markdown', report, verdict, { top: textTop(o) }));
    exitCode = EXIT_OK;
  });

  addGate(
    addCommon(
      program
        .command('diff')
        .description('compare two images: totals, layers, packages, folders, findings')
        .argument('<before>', 'archive, OCI folder, - (stdin) or a report saved with --json')
        .argument('<after>', 'archive, OCI folder, - (stdin) or a report saved with --json'),
    ),
  ).action(async (before: string, after: string, o: CommonOptions & GateOptions) => {
    debug = Boolean(o.debug);
    checkCommon(io, o);
    if (before === '-' && after === '-') throw new ImgsizeError('usage', 'diff', 'only one side can be read from stdin');
    if ((o.image?.length ?? 0) > 2) throw new ImgsizeError('usage', '--image', 'diff takes one --image for both sides, or one per side (BEFORE, then AFTER)');
    const b = one(await loadSide(io, before, o, { requireOne: 'diff', side: 0 }));
    const a = one(await loadSide(io, after, o, { requireOne: 'diff', side: 1 }));
    const d = diffReports(b.report, a.report);
    const format = (written = outputFormat(o));
    const gate = hasGateFlags(o) ? await gateRules(io, o, { report: b.report, label: before }) : undefined;
    if (gate && ruleCount(gate) === 0) throw new ImgsizeError('usage', 'diff', 'no rules to gate AFTER on');
    const verdict = gate ? runGate(a, gate) : undefined;
    if (o.html !== undefined) writeHtml(io, o, renderDiff('html', d, a.report, verdict, { top: textTop(o) }));
    out(renderDiff(format, d, a.report, verdict, { top: textTop(o), ...terminalOf(io) }));
    // the change to the step summary; a verdict is appended there by finishGate, once
    stepSummary(io, renderDiff('markdown', d, a.report, undefined, { top: textTop(o) }));
    exitCode = verdict ? finishGate(io, verdict, a.report) : EXIT_OK;
  });

  addGate(
    addCommon(program.command('check').description('CI gate: exit 0 within budget, 1 over, 2 on error').argument('[image]', 'archive, OCI folder, - (stdin) or a report saved with --json')),
  ).action(async (image: string | undefined, o: CommonOptions & GateOptions) => {
    debug = Boolean(o.debug);
    checkCommon(io, o);
    const rules = await gateRules(io, o);
    if (ruleCount(rules) === 0) {
      throw new ImgsizeError('usage', 'check', 'no rules: give --budget, --max-layers, --baseline with --max-growth, or an imgsize.config.json', {
        hint: 'e.g. imgsize check app.tar --budget 424MB',
      });
    }
    // compressed budgets (and the layer count) of an image in a registry need its manifest only
    let src = resolveIn(io, image, o);
    const registry = registryOf(src);
    if (o.manifestOnly || (registry && !wantsHtml(o) && !manifestOnlyProblem(rules))) {
      // a local daemon's image is read whole; a registry's compressed figures need its manifest only
      const local = !o.manifestOnly && 'daemon' in src ? await openDaemonImage(src.daemon, { env: io.env, platform: o.platform }) : undefined;
      if (local?.found) {
        if (!o.quiet) messages(io.stderr).say(`imgsize: ${local.notice}`);
        src = { stream: local.stream, label: image ?? '-' };
      } else {
        const format = textFormat(o);
        const m = await manifestOnly(io, image, o).catch((e: unknown) => {
          throw local && 'daemon' in src ? withDaemonsTried(e, src.daemon, local.tried) : e;
        });
        const verdict = gateManifest(m, rules);
        written = format;
        out(renderManifest(format, m, verdict, terminalOf(io)));
        exitCode = finishGate(io, verdict, m);
        return;
      }
    }
    const side = one('saved' in src ? await loadSide(io, image, o, { requireOne: 'check' }) : await analyse(io, src, o, { requireOne: 'check' }));
    const verdict = runGate(side, rules);
    const format = (written = outputFormat(o));
    if (o.html !== undefined) writeHtml(io, o, renderCheck('html', side.report, verdict));
    out(renderCheck(format, side.report, verdict, terminalOf(io)));
    exitCode = finishGate(io, verdict, side.report);
  });
  // the bare command's help shows the options of `imgsize [image]` (inspect) and the gate's, not only the commands
  program.addHelpText(
    'after',
    () => `\n${optionList(program, 'inspect', 'Options of imgsize [image] (inspect, the default command; diff and check take them too):')}\n${gateOptionList(program)}${EXAMPLES}`,
  );

  try {
    await program.parseAsync(['node', 'imgsize', ...io.argv]);
    return await flushed(io, exitCode, written);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      return EXIT_ERROR; // commander already printed one line
    }
    if (e instanceof ImgsizeError) {
      msg.say(`imgsize: ${e.what}: ${e.message}`);
      if (e.hint) msg.say(`hint: ${e.hint}`);
      if (debug && e.stack) msg.sayLines(e.stack);
      return EXIT_ERROR;
    }
    const why = e instanceof Error ? e.message : String(e);
    msg.say(`imgsize: internal error: ${why}`);
    if (debug && e instanceof Error && e.stack) msg.sayLines(e.stack);
    else msg.say('hint: run again with --debug and report it');
    return EXIT_ERROR;
  }
}

/** Commander's option lines of one command, under a heading. */
function optionList(program: Command, name: string, heading: string, only?: (flag: string) => boolean): string {
  const cmd = program.commands.find((c) => c.name() === name);
  if (!cmd) return '';
  const help = cmd.createHelp();
  const options = help.visibleOptions(cmd).filter((o) => o.long !== '--help' && (!only || only(o.long ?? '')));
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  return `${heading}\n${options.map((o) => `  ${help.optionTerm(o).padEnd(width)}  ${help.optionDescription(o)}`).join('\n')}\n`;
}

function gateOptionList(program: Command): string {
  return optionList(program, 'check', '\nGate options (imgsize check, and imgsize diff on AFTER):', (f) => GATE_FLAGS.includes(f));
}

/** The options only check and diff take. */
const GATE_FLAGS = ['--budget', '--metric', '--max-layers', '--baseline', '--max-growth', '--config'];

/** A usage error of the bare command that names a gate option says which command takes it. */
function usageError(message: string): string {
  const m = /^unknown option '(--[\w-]+)(?:=[^']*)?'/.exec(message);
  if (m && GATE_FLAGS.includes(m[1]!)) return `${m[1]} belongs to check (and diff): imgsize check IMAGE ${m[1]} …`;
  return message;
}

/**
 * The report must have reached stdout: a write error (a full disk, a closed stdout) is one line and
 * exit 2, never a stack trace or exit 1. A reader that closed the pipe early (`imgsize | head`)
 * is not an error for text, but is for JSON: a machine would read a cut report.
 */
async function flushed(io: Io, code: number, format: OutputFormat): Promise<number> {
  const e = io.flush ? await io.flush() : undefined;
  if (!e) return code;
  if (e.code === 'EPIPE' && format !== 'json') return code;
  messages(io.stderr).say(`imgsize: output: cannot write the report (${e.code ?? e.message}${e.code === 'EPIPE' ? ': the reader closed the pipe' : ''})`);
  return EXIT_ERROR;
}

/** A path the user gave, against the run's working directory (main(io) may run in another). */
function inCwd(io: Io, p: string): string {
  return path.resolve(io.cwd, p);
}

function outputFormat(o: CommonOptions): OutputFormat {
  return o.json ? 'json' : (o.format ?? 'table');
}

function wantsHtml(o: CommonOptions): boolean {
  return o.html !== undefined || outputFormat(o) === 'html';
}

/** The output format of a manifest-only read, which has no HTML page (no files, no tree). */
function textFormat(o: CommonOptions): Exclude<OutputFormat, 'html'> {
  const f = outputFormat(o);
  if (f === 'html' || o.html !== undefined) throw new ImgsizeError('usage', '--manifest-only', 'has no HTML report: the page shows the files, which a manifest-only read does not see');
  return f;
}

/** --html FILE: the page, written once the report is complete (a run that fails writes nothing). */
function writeHtml(io: Io, o: CommonOptions, page: string): void {
  const file = inCwd(io, o.html!);
  try {
    writeFileSync(file, page);
  } catch (e) {
    throw new ImgsizeError('output', o.html!, `cannot write the HTML report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!o.quiet) messages(io.stderr).say(`imgsize: wrote ${o.html} (${human(Buffer.byteLength(page))}): open it in a browser, it needs no network`);
}

/** The build context's .dockerignore (--context), its text; undefined without --context or when there is none. */
function contextIgnore(io: Io, o: CommonOptions): string | undefined {
  if (o.context === undefined) return undefined;
  const dir = inCwd(io, o.context);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(dir);
  } catch {
    throw new ImgsizeError('usage', '--context', `${o.context}: no such folder`);
  }
  if (!st.isDirectory()) throw new ImgsizeError('usage', '--context', `${o.context}: not a folder (the build context: the folder docker build is given)`);
  const file = path.join(dir, '.dockerignore');
  try {
    if (statSync(file).size > 1 << 20) throw new ImgsizeError('input', file, 'larger than 1 MiB: not a .dockerignore imgsize reads');
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof ImgsizeError) throw e;
    return undefined;
  }
}

/** --fix-patch FILE: the .dockerignore lines as a unified diff (nothing is written when there is nothing to fix). */
function writeFixPatch(io: Io, o: CommonOptions, fix: DockerignoreFix | undefined, existing: string | undefined): void {
  if (!fix) {
    if (!o.quiet) messages(io.stderr).say('imgsize: --fix-patch: nothing to fix in .dockerignore; no patch written');
    return;
  }
  const file = inCwd(io, o.fixPatch!);
  try {
    writeFileSync(file, dockerignorePatch(fix, existing));
  } catch (e) {
    throw new ImgsizeError('output', o.fixPatch!, `cannot write the patch (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!o.quiet) messages(io.stderr).say(`imgsize: wrote ${o.fixPatch}: apply it in the build context with git apply (or patch -p1)`);
}

/** Rows per table in text and Markdown: --top, else 10. */
function textTop(o: CommonOptions): number {
  return o.top === undefined ? 10 : Number(o.top);
}

/** Options every command checks before reading anything, whatever the input (archive or saved report). */
function checkCommon(io: Io, o: CommonOptions): void {
  if (o.top !== undefined) wholeNumber(o.top, '--top');
  if (o.html === '' || o.html === '-') throw new ImgsizeError('usage', '--html', 'expects a file name; --format html writes the page to stdout');
  wholeNumber(o.depth, '--depth');
  treeNodes(o);
  wholeNumber(o.maxRatio, '--max-ratio');
  decoderChoice(io);
  contextIgnore(io, o); // a context that is not a folder is said before the image is read
}

/** IMGSIZE_DECODER: which decoders the layer module may use (unset or empty: auto). */
function decoderChoice(io: Io): DecoderChoice {
  const decoder = io.env.IMGSIZE_DECODER;
  if (decoder === undefined || decoder === '') return 'auto';
  if (decoder !== 'builtin' && decoder !== 'external') {
    throw new ImgsizeError('usage', 'IMGSIZE_DECODER', `unknown decoder choice "${decoder}"; expected builtin or external (or unset)`);
  }
  return decoder;
}

function treeNodes(o: CommonOptions): number {
  const n = wholeNumber(o.treeNodes, '--tree-nodes');
  if (n > MAX_TREE_NODES) throw new ImgsizeError('usage', '--tree-nodes', `at most ${MAX_TREE_NODES}, got ${n}`);
  return n;
}

function wholeNumber(v: string, flag: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new ImgsizeError('usage', flag, `expected a whole number, got "${v}"`);
  return n;
}

interface Side {
  readonly report: Report;
  /** The image's files, when it was read (not a saved report): for path rules. */
  readonly files?: ImageFiles;
  /** The verdict a saved `check --json` report carries. */
  readonly verdict?: Verdict;
}

/** How a command picks its image: refuse several (check, diff), give their overview (inspect), and which --image is its. */
interface Pick {
  readonly requireOne?: string;
  readonly overview?: boolean;
  /** inspect: a saved diff is shown again (elsewhere it is refused: a side is an image). */
  readonly savedDiff?: boolean;
  /** diff: 0 for BEFORE, 1 for AFTER (the second --image, when two are given). */
  readonly side?: 0 | 1;
}

/** The image a side's --image names: the only one, or the side's of two. */
function imageFor(o: CommonOptions, pick: Pick): string | undefined {
  const given = o.image ?? [];
  if (given.length > 1 && pick.side === undefined) throw new ImgsizeError('usage', '--image', 'given more than once: only diff takes one per side');
  return given.length === 2 ? given[pick.side ?? 0] : given[0];
}

function one(side: Side | Overview | SavedDiff): Side {
  if ('overview' in side || 'savedDiff' in side) throw oneImageExpected('archive');
  return side;
}

interface Overview {
  readonly overview: ArchiveOverview;
  /** Each image's report, when its page is asked for. */
  readonly reports?: readonly Report[] | undefined;
}

interface SavedDiff {
  readonly savedDiff: DiffDocument;
}

/** How the progress line names a source. */
function sourceLabel(src: ImageSource): string {
  return 'daemon' in src ? src.daemon.name : 'reference' in src ? src.reference.given : 'label' in src && src.label !== undefined ? src.label : 'path' in src ? src.path : '-';
}

/** Where the run's argument is, by the front door (source/resolve.ts). */
function resolveIn(io: Io, arg: string | undefined, o: CommonOptions): Resolved {
  return resolveSource(arg, { cwd: io.cwd, stdin: io.stdin, stdinFile: io.stdinFile, source: o.source });
}

/** An image from wherever the argument names it, or a saved --json report (sniffed: a report starts with '{'). */
async function loadSide(io: Run, arg: string | undefined, o: CommonOptions, pick: Pick = {}): Promise<Side | Overview | SavedDiff> {
  const src = resolveIn(io, arg, o);
  if ('saved' in src) {
    const read = await savedReports();
    const doc = pick.savedDiff ? read.readSavedDocument(src.saved, src.label) : { report: read.readSavedReport(src.saved, src.label) };
    if ('diff' in doc) return { savedDiff: doc.diff };
    const { verdict, ...report } = doc.report;
    return verdict ? { report, verdict } : { report };
  }
  return analyse(io, src, o, pick);
}

/** What the manifest and config of a registry image say, without a layer (--manifest-only). */
async function manifestOnly(io: Io, image: string | undefined, o: CommonOptions): Promise<ManifestReport> {
  const ref = image === undefined ? undefined : registryOf(resolveIn(io, image, o));
  if (!ref) throw new ImgsizeError('usage', '--manifest-only', 'reads an image in a registry (a reference like ghcr.io/org/app:1.2); an archive is read whole anyway');
  return readManifestOnly(ref, { env: io.env, platform: o.platform, insecure: o.insecureRegistry });
}

/** The registry image a source names: a reference, or the registry a daemon name falls back to. */
function registryOf(src: Resolved): ImageReference | undefined {
  return 'reference' in src ? src.reference : 'daemon' in src ? src.daemon.fallback : undefined;
}

/** One run (one main(io)): its streams and what its reads share. */
interface Run extends Io {
  /** Registry blobs read during the run: both sides of a diff share them. */
  readonly registryBlobs: Map<string, BlobRecord>;
  /** Registry tokens got during the run: both sides of a diff in one repository share one. */
  readonly registryTokens: Map<string, string>;
}

async function analyse(io: Run, src: ImageSource, o: CommonOptions, pick: Pick = {}): Promise<Side | Overview> {
  const chosenImage = imageFor(o, pick);
  const { registryBlobs, registryTokens } = io;
  const top = o.top === undefined ? undefined : wholeNumber(o.top, '--top');
  const depth = wholeNumber(o.depth, '--depth');
  if (o.platform !== undefined) parsePlatform(o.platform);
  const progress = o.progress && !o.quiet && io.stderr.isTTY === true ? progressLine(io.stderr, sourceLabel(src), 'path' in src ? src.path : undefined) : undefined;
  const got = await inspectSource(src, {
    verify: o.verify,
    ...(top !== undefined ? { top } : {}),
    depth,
    treeNodes: treeNodes(o),
    scan: { maxRatio: wholeNumber(o.maxRatio, '--max-ratio'), pushSize: o.exactPushSize ? 'exact' : io.env.IMGSIZE_PUSH_SIZE === 'off' ? 'off' : 'sampled', decoder: decoderChoice(io) },
    env: io.env,
    registryBlobs,
    registryTokens,
    ...(o.insecureRegistry?.length ? { insecureRegistries: o.insecureRegistry } : {}),
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
    ...(chosenImage !== undefined ? { image: chosenImage } : {}),
    ...(pick.requireOne ? { requireOne: pick.requireOne } : {}),
    ...(pick.overview ? { overview: true, ...(wantsHtml(o) ? { overviewReports: true } : {}) } : {}),
    ...(progress ? { onProgress: progress.onProgress, onPhase: progress.onPhase } : {}),
  }).finally(() => progress?.end());
  const notices = 'overview' in got ? got.notices : got.model.notices;
  if (!o.quiet) for (const n of notices) messages(io.stderr).say(`imgsize: ${n}`);
  if ('overview' in got) return { overview: got.overview, reports: got.reports };
  return { report: got.report, files: got.files };
}

function hasGateFlags(o: GateOptions): boolean {
  return o.budget !== undefined || o.maxLayers !== undefined || o.maxGrowth !== undefined || o.config !== undefined;
}

function size(v: string, flag: string): number {
  const n = parseSize(v);
  if (n === undefined) throw new ImgsizeError('usage', flag, `"${v}" is not a size; ${SIZE_EXAMPLE}`);
  return n;
}

/** Rules from the config file (given, or found from the working directory up) merged with the flags (config/rules.ts). */
async function gateRules(io: Io, o: GateOptions, before?: { report: Report; label: string }): Promise<Rules> {
  const file = o.config ?? findConfig(io.cwd);
  const config = file ? { rules: await loadConfig(file), label: path.relative(io.cwd, file) || file } : undefined;
  const maxGrowth = o.maxGrowth !== undefined ? parseGrowth(o.maxGrowth) : undefined;
  if (o.maxGrowth !== undefined && maxGrowth === undefined) throw new ImgsizeError('usage', '--max-growth', `"${o.maxGrowth}" is not a growth limit; e.g. "5%" or "10MB"`);
  const flags: FlagRules = {
    ...(o.budget !== undefined ? { budget: size(o.budget, '--budget') } : {}),
    ...(o.metric !== undefined ? { metric: o.metric as Metric } : {}),
    ...(o.maxLayers !== undefined ? { maxLayers: wholeNumber(o.maxLayers, '--max-layers') } : {}),
    ...(maxGrowth ? { maxGrowth } : {}),
    ...(o.baseline !== undefined ? { baseline: o.baseline } : {}),
  };
  const saved = flags.baseline !== undefined || config?.rules.growth?.baseline !== undefined ? (await savedReports()).readSavedReport : undefined;
  return mergeRules(config, flags, (p) => ({ report: saved!(inCwd(io, p), p), label: p }), before);
}

function runGate(side: Side, rules: Rules): Verdict {
  return gate(side.report, rules, side.files);
}

/**
 * What stdout allows, as the ecosystem decides it: on a terminal its width (tables fit it, prose
 * wraps) and colour; piped, neither. NO_COLOR (set, not empty) turns colour off, FORCE_COLOR on
 * (FORCE_COLOR=0 off), whatever stdout is.
 */
function terminalOf(io: Io): Terminal {
  const tty = io.stdout.isTTY === true;
  const force = io.env.FORCE_COLOR;
  const color = force !== undefined && force !== '' ? force !== '0' && force !== 'false' : io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '' ? false : tty;
  return { width: tty && io.stdout.columns ? Math.max(40, io.stdout.columns) : undefined, color };
}

/** Under GitHub Actions, a command's Markdown goes to the job's step summary too (a file that cannot be written is a warning). */
function stepSummary(io: Io, markdown: string): void {
  if (io.env.GITHUB_ACTIONS === 'true') appendGitHub(io, 'GITHUB_STEP_SUMMARY', markdown);
}

/** Appends to the file a GitHub variable names; one that cannot be written is a warning, never a failed run. */
function appendGitHub(io: Io, variable: string, text: string): void {
  const file = io.env[variable];
  if (!file || !io.appendFile) return;
  try {
    io.appendFile(file, text);
  } catch (e) {
    messages(io.stderr).say(`imgsize: warning: cannot write $${variable} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the verdict stands`);
  }
}

/**
 * Under GitHub Actions: annotations on stderr (stdout holds only the report), the verdict's
 * Markdown appended to the step summary and the outputs to $GITHUB_OUTPUT, once per run. A file
 * that cannot be written is a warning: the verdict's exit code stands.
 */
function finishGate(io: Io, verdict: Verdict, report: Report | ManifestReport): number {
  if (io.env.GITHUB_ACTIONS === 'true') {
    io.stderr.write(renderAnnotations(verdict));
    appendGitHub(io, 'GITHUB_STEP_SUMMARY', renderVerdictMarkdown(verdict, report));
    appendGitHub(io, 'GITHUB_OUTPUT', renderOutputs(verdict));
  }
  return verdictExitCode(verdict);
}
