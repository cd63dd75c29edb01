/**
 * The CLI: the program and its commands, wired to the front door, the analyses and the renderers.
 * `main(io)` returns the exit code; only bin/imgsize.js touches `process`.
 */
import { Command, CommanderError, Option } from 'commander';
import { ImgsizeError } from '../base/errors.js';
import { openDaemonImage, withDaemonsTried } from '../source/read.js';
import { SOURCES } from '../source/resolve.js';
import { DEFAULT_METRIC, diffReports, METRICS } from '../analysis/diff.js';
import { ruleCount } from '../gate/budget.js';
import { gateManifest, manifestOnlyProblem } from '../gate/gate.js';
import { SIZE_EXAMPLE } from '../base/size.js';
import { renderCheck, renderDiff, renderInspect, renderManifest, renderOverview, renderSavedDiff, type OutputFormat } from '../render/output.js';
import { MAX_TREE_NODES, TREE_NODES } from '../report/limits.js';
import { VERSION } from '../base/version.js';
import { messages } from './messages.js';
import { finishGate, stepSummary } from './github.js';
import { EXAMPLES, gateOptionList, optionList, usageError } from './help.js';
import { type Run, analyse, gateRules, loadSide, manifestOnly, one, registryOf, resolveIn, runGate } from './inputs.js';
import { EXIT_ERROR, EXIT_OK, type Io, terminalOf } from './io.js';
import { type CommonOptions, type GateOptions, checkCommon, hasGateFlags, outputFormat, textFormat, textTop, wantsHtml } from './options.js';
import { flushed, withFixes, writeHtml } from './outputs.js';
import { addFleet } from './fleet.js';

export { EXIT_ERROR, EXIT_OK, type Io } from './io.js';

export async function main(given: Io): Promise<number> {
  // what one run shares: both sides of a diff fetch a registry blob once and ask one token per repository
  const io: Run = { ...given, registryBlobs: new Map(), registryTokens: new Map(), layerCaches: new Map() };
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
      .option(
        '--cache <dir|registry/repo>',
        "keep each layer's scan in <dir> (or in a repository of your registry, as OCI artifacts) and use it when the layer comes again (default: IMGSIZE_CACHE, else ~/.cache/imgsize or the platform's cache folder)",
      )
      .option('--no-cache', 'neither use nor fill the layer cache (IMGSIZE_CACHE=off says the same)')
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
    const { report: read, verdict } = side;
    const format = (written = outputFormat(o));
    const { report, fix } = withFixes(io, o, read);
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
    // the report a check writes is the one inspect writes: its fixes too
    const { report } = withFixes(io, o, side.report);
    if (o.html !== undefined) writeHtml(io, o, renderCheck('html', report, verdict));
    out(renderCheck(format, report, verdict, terminalOf(io)));
    exitCode = finishGate(io, verdict, report);
  });
  addFleet(program, io, (code) => {
    exitCode = code;
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
