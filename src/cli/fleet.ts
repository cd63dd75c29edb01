/** `imgsize fleet plan | scan | merge | k8s-job`: many images, each layer scanned once (fleet/). Wires only. */
import { readFileSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { ImgsizeError } from '../base/errors.js';
import type { RunCache } from './inputs.js';
import { human } from '../render/units.js';
import { EXIT_GATE_FAILED, inCwd } from './io.js';
import { findConfig, loadConfig } from '../gate/config-file.js';
import path from 'node:path';
import { layerCacheOf, type Run } from './inputs.js';
import { messages } from './messages.js';
import { writeHtml } from './outputs.js';

interface FleetCommon {
  plan?: string;
  cache?: string | false;
  insecureRegistry?: string[];
  quiet?: boolean;
}

/** Folder-tree nodes per image on the fleet's HTML page (a report alone has TREE_NODES). */
const FLEET_PAGE_TREE_NODES = 1000;

const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

function readText(io: Run, file: string, what: string): string {
  try {
    return readFileSync(inCwd(io, file), 'utf8');
  } catch (e) {
    throw new ImgsizeError('input', what, `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The fleet's modules, loaded by a fleet command only (a plan is read with zod, a registry with undici). */
const plans = () => import('../fleet/plan.js');

async function planOf(io: Run, o: FleetCommon) {
  if (!o.plan) throw new ImgsizeError('usage', 'fleet', '--plan FILE is needed (made by imgsize fleet plan)');
  return (await plans()).parsePlan(readText(io, o.plan, '--plan'), o.plan);
}

async function cacheFor(io: Run, o: FleetCommon): Promise<RunCache> {
  const c = await layerCacheOf(io, { cache: o.cache }, 'sampled');
  if (!c) throw new ImgsizeError('usage', '--cache', 'a fleet run keeps its layers in the layer cache: give --cache DIR (or HOME, or IMGSIZE_CACHE)');
  return c;
}

/** A Kubernetes object name (RFC 1123: lowercase letters, digits, '-' and '.', alphanumeric at both ends), or a usage error. */
function dnsName(v: string, flag: string, max: number): void {
  const label = max <= 63 ? /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/ : /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (v.length > max || !label.test(v))
    throw new ImgsizeError('usage', flag, `"${v.slice(0, 80)}" is not a Kubernetes name (lowercase letters, digits and '-'${max > 63 ? " or '.'" : ''}, at most ${max})`);
}

function regex(v: string | undefined, flag: string): RegExp | undefined {
  if (v === undefined) return undefined;
  try {
    return new RegExp(v);
  } catch {
    throw new ImgsizeError('usage', flag, `"${v.slice(0, 80)}" is not a regular expression`);
  }
}

export function addFleet(program: Command, io: Run, setExit: (code: number) => void): void {
  const say = (s: string): void => messages(io.stderr).say(s);
  const fleet = program.command('fleet').description('many images: plan the unique layers into shards, scan each shard into the layer cache, merge every report and the fleet report');

  fleet
    .command('plan')
    .description('resolve image references and split their unique layers into shards balanced by bytes (writes the plan as JSON)')
    .argument('[references...]', 'image references (registry/repository:tag)')
    .option('--refs <file>', 'references, one a line')
    .option('--pods <file>', 'the images a cluster runs: the output of kubectl get pods -A -o json')
    .option('--registry <host>', 'every repository and tag of this registry (its catalog; filter with --repos and --tags)')
    .option('--repos <regex>', 'with --registry: repositories matching this')
    .option('--tags <regex>', 'with --registry: tags matching this')
    .option('--since <age|date>', 'only images created since then, by their config: an age (30d, 12h, 2w) or a date (2026-11-01)')
    .option('--shards <n>', 'how many shards', '1')
    .option('--platform <os/arch>', 'the platform each reference is resolved to (default linux/amd64)')
    .option('--insecure-registry <host>', 'a registry reached over plain HTTP or unverified HTTPS; repeatable', repeat)
    .option('-o, --output <file>', 'write the plan here instead of stdout')
    .option('-q, --quiet', 'no summary on stderr')
    .action(
      async (
        given: string[],
        o: FleetCommon & { refs?: string; pods?: string; registry?: string; repos?: string; tags?: string; since?: string; shards: string; platform?: string; output?: string },
      ) => {
        const { parseSince, planFleet, refsFromPods, refsFromRegistry, refsFromText } = await plans();
        const since = o.since === undefined ? undefined : parseSince(o.since, Date.now());
        if (o.since !== undefined && since === undefined) throw new ImgsizeError('usage', '--since', `"${o.since.slice(0, 40)}" is neither an age (30d, 12h, 2w) nor a date (2026-11-01)`);
        const refs = [...given];
        if (o.refs) refs.push(...refsFromText(readText(io, o.refs, '--refs')));
        if (o.pods) refs.push(...refsFromPods(readText(io, o.pods, '--pods')));
        if (o.registry) refs.push(...(await refsFromRegistry(o.registry, { repos: regex(o.repos, '--repos'), tags: regex(o.tags, '--tags'), env: io.env, insecure: o.insecureRegistry })));
        const shards = Number(o.shards);
        let older = 0;
        let undated = 0;
        const plan = await planFleet([...new Set(refs)], {
          shards,
          platform: o.platform,
          env: io.env,
          insecure: o.insecureRegistry,
          since,
          onAge: (_ref, _created, kept) => (kept ? undated++ : older++),
        });
        const text = `${JSON.stringify(plan, null, 1)}\n`;
        if (o.output) writeFileSync(inCwd(io, o.output), text);
        else io.stdout.write(text);
        const stored = plan.layers.reduce((a, l) => a + l.bytes, 0);
        if (!o.quiet) {
          say(`imgsize: planned ${plan.images.length} images, ${plan.layers.length} unique layers (${human(stored)}) in ${plan.shards} shard${plan.shards === 1 ? '' : 's'}`);
          if (since !== undefined && older + undated > 0) {
            const when = new Date(since).toISOString().replace(/\.000Z$/, 'Z');
            say(`imgsize: --since ${when}: ${older} image${older === 1 ? '' : 's'} created earlier left out${undated ? `; ${undated} with no created time kept` : ''}`);
          }
        }
      },
    );

  fleet
    .command('scan')
    .description("scan one shard's layers into the layer cache (a layer already there is not fetched)")
    .requiredOption('--plan <file>', 'the plan (imgsize fleet plan)')
    .option('--shard <i>', 'which shard, from 0 (default: JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it)')
    .option('--cache <dir|registry/repo>', 'the layer cache every shard shares: a folder, or a repository of the team’s registry (default: IMGSIZE_CACHE, else the platform’s cache folder)')
    .option('--insecure-registry <host>', 'a registry reached over plain HTTP or unverified HTTPS; repeatable', repeat)
    .option('-q, --quiet', 'no summary on stderr')
    .action(async (o: FleetCommon & { shard?: string }) => {
      const plan = await planOf(io, o);
      const given = o.shard ?? io.env.JOB_COMPLETION_INDEX;
      if (given === undefined || !/^\d+$/.test(given))
        throw new ImgsizeError('usage', '--shard', given === undefined ? 'say which shard (--shard I), or run where JOB_COMPLETION_INDEX is set' : `"${given.slice(0, 20)}" is not a shard number`);
      const cache = await cacheFor(io, o);
      const { scanShard } = await import('../fleet/run.js');
      const r = await scanShard(plan, Number(given), { cache, env: io.env, insecure: o.insecureRegistry });
      if ('flush' in cache) await cache.flush();
      if (!o.quiet) say(`imgsize: shard ${given}: ${r.scanned} layer${r.scanned === 1 ? '' : 's'} scanned (${human(r.bytes)}), ${r.cached} already in the cache`);
    });

  fleet
    .command('merge')
    .description("every image's report from the layer cache, and the fleet report: logical vs stored bytes, shared layers, packages and findings across images")
    .requiredOption('--plan <file>', 'the plan (imgsize fleet plan)')
    .option('--cache <dir|registry/repo>', 'the layer cache the shards filled')
    .option('--json', 'the fleet report as JSON (same as --format json)')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .option('--reports <dir>', "also write each image's report (JSON) into <dir>")
    .option('--html <file>', 'also write the fleet as one HTML page, each image drillable to its report (no network needed)')
    .option('--config <file>', 'rules per repository (its "repositories"; default: imgsize.config.json found from here up): exit 1 when an image breaks one')
    .option('--insecure-registry <host>', 'a registry reached over plain HTTP or unverified HTTPS; repeatable', repeat)
    .option('-q, --quiet', 'no notices on stderr')
    .action(async (o: FleetCommon & { json?: boolean; format: string; reports?: string; config?: string; html?: string }) => {
      const plan = await planOf(io, o);
      const configFile = o.config !== undefined ? inCwd(io, o.config) : findConfig(io.cwd);
      const rules = configFile === undefined ? undefined : (await loadConfig(configFile)).repositories;
      const cache = await cacheFor(io, o);
      const { mergeFleet } = await import('../fleet/run.js');
      const { renderFleetMarkdown } = await import('../render/fleet.js');
      const {
        fleet: f,
        reports,
        downloaded,
      } = await mergeFleet(plan, {
        cache,
        env: io.env,
        insecure: o.insecureRegistry,
        // the page draws each image's folders: a smaller tree per image than one report's
        treeNodes: o.html ? FLEET_PAGE_TREE_NODES : 0,
        ...(rules && configFile ? { repositories: { rules, label: path.basename(configFile) } } : {}),
      });
      if ('flush' in cache) await cache.flush();
      if (o.reports) {
        const dir = inCwd(io, o.reports);
        for (const [i, r] of reports.entries()) writeFileSync(`${dir}/image-${i + 1}.json`, `${JSON.stringify(r, null, 1)}\n`);
      }
      io.stdout.write(o.json || o.format === 'json' ? `${JSON.stringify(f, null, 2)}\n` : renderFleetMarkdown(f));
      if (o.html) writeHtml(io, { html: o.html, quiet: o.quiet === true }, (await import('../render/html.js')).renderFleetHtml(f, reports));
      if (downloaded > 0 && !o.quiet) say(`imgsize: ${downloaded} layer${downloaded === 1 ? '' : 's'} not in the cache: downloaded and scanned now (did every shard run?)`);
      const failing = f.gates.filter((g) => g.failed > 0);
      if (failing.length > 0) {
        if (!o.quiet) say(`imgsize: ${failing.length} of ${f.gates.length} images break their repository's rules`);
        setExit(EXIT_GATE_FAILED);
      }
    });

  fleet
    .command('k8s-job')
    .description('a Kubernetes Indexed Job (JSON, for kubectl apply -f) that runs one scan pod per shard')
    .requiredOption('--plan <file>', 'the plan (imgsize fleet plan)')
    .requiredOption('--image <image>', 'a container image with imgsize in it')
    .option('--name <name>', 'the Job’s name', 'imgsize-fleet-scan')
    .option('--config-map <name>', 'the ConfigMap holding the plan as plan.json', 'imgsize-fleet-plan')
    .option('--cache-claim <name>', 'the PersistentVolumeClaim (ReadWriteMany) of the shared layer cache', 'imgsize-layer-cache')
    .option('--parallelism <n>', 'pods at once (default: one per shard)')
    .action(async (o: FleetCommon & { image: string; name: string; configMap: string; cacheClaim: string; parallelism?: string }) => {
      const plan = await planOf(io, o);
      const { indexedJob } = await import('../fleet/k8s.js');
      // names Kubernetes takes: the Job's becomes a label of its pods (a DNS label), the others DNS subdomains
      dnsName(o.name, '--name', 63);
      dnsName(o.configMap, '--config-map', 253);
      dnsName(o.cacheClaim, '--cache-claim', 253);
      const p = o.parallelism === undefined ? undefined : Number(o.parallelism);
      if (p !== undefined && (!Number.isSafeInteger(p) || p < 1)) throw new ImgsizeError('usage', '--parallelism', 'must be a whole number ≥ 1');
      io.stdout.write(`${JSON.stringify(indexedJob(plan, { name: o.name, image: o.image, planConfigMap: o.configMap, cacheClaim: o.cacheClaim, ...(p ? { parallelism: p } : {}) }), null, 2)}\n`);
    });
}
