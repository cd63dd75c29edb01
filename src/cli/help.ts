/** The help's examples and lists, and usage errors that point at the right command. */
import type { Command } from 'commander';

export const EXAMPLES = `
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

/** Commander's option lines of one command, under a heading. */
export function optionList(program: Command, name: string, heading: string, only?: (flag: string) => boolean): string {
  const cmd = program.commands.find((c) => c.name() === name);
  if (!cmd) return '';
  const help = cmd.createHelp();
  const options = help.visibleOptions(cmd).filter((o) => o.long !== '--help' && (!only || only(o.long ?? '')));
  const width = Math.max(...options.map((o) => help.optionTerm(o).length));
  return `${heading}\n${options.map((o) => `  ${help.optionTerm(o).padEnd(width)}  ${help.optionDescription(o)}`).join('\n')}\n`;
}

export function gateOptionList(program: Command): string {
  return optionList(program, 'check', '\nGate options (imgsize check, and imgsize diff on AFTER):', (f) => GATE_FLAGS.includes(f));
}

/** The options only check and diff take. */
export const GATE_FLAGS = ['--budget', '--metric', '--max-layers', '--baseline', '--max-growth', '--config'];

/** A usage error of the bare command that names a gate option says which command takes it. */
export function usageError(message: string): string {
  const m = /^unknown option '(--[\w-]+)(?:=[^']*)?'/.exec(message);
  if (m && GATE_FLAGS.includes(m[1]!)) return `${m[1]} belongs to check (and diff): imgsize check IMAGE ${m[1]} …`;
  return message;
}
