/**
 * The report contract: every document imgsize writes with --json (an image report, the same with a
 * check's verdict, a diff) is defined here once, as zod schemas. The TypeScript types of the report
 * are derived from them, saved reports are read back through them (report/read.ts), and
 * schema/report.schema.json is generated from them (`npm run generate`; CI checks it is up to date).
 *
 * Conventions (README, "The JSON report"):
 * - sizes are whole bytes; figures marked "estimated" are within the margin the verdict states;
 * - paths are as the image shows them, with a leading `/`, in JSON as in text;
 * - layers are numbered from 1 (the base layer) in JSON as in text; every field naming a layer
 *   holds that number;
 * - keys come in the order of these schemas, whichever command wrote the document;
 * - lists of "largest" rows hold `limits.top` rows; `--top` sets it (text shows the same rows).
 *
 * Only types leave this module for the hot path (`import type`); the schemas themselves are loaded
 * when a saved report is read or the JSON Schema is generated.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from './version.js';
import { MAX_TREE_NODES } from './limits.js';

export { SCHEMA_VERSION };

/** Longest string a saved report may carry in one field (a Dockerfile step is the longest real one). */
const MAX_TEXT = 1 << 16;

const bytes = (description: string) => z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).describe(description);
const count = (description: string) => z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).describe(description);
const signedBytes = (description: string) => z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).describe(description);
const text = (description: string) => z.string().max(MAX_TEXT).describe(description);
const layerNumber = (description: string) =>
  z
    .number()
    .int()
    .positive()
    .max(1 << 20)
    .describe(description);
const schemaVersion = () => z.literal(SCHEMA_VERSION).describe('The version of this contract.');
const imagePath = (description: string) => z.string().max(MAX_TEXT).regex(/^\//, 'a path starts with /').describe(`${description} As the image shows it: leading /.`);
const digest = (description: string) =>
  z
    .string()
    .regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest (algorithm:hex)')
    .max(256)
    .describe(description);

export const ArchiveFormatSchema = z
  .enum(['docker', 'docker+oci', 'oci', 'docker-v1', 'registry'])
  .describe(
    'docker: docker save ≤ 24 and docker-archive writers; docker+oci: Docker ≥ 25 save and containerd export; oci: oci-archive or OCI layout; docker-v1: pre-1.10 docker save; registry: read from a registry.',
  );
export const CompressionSchema = z.enum(['gzip', 'zstd', 'none']).describe('How bytes are stored, from their first bytes (never from names).');
export const EcosystemSchema = z.enum(['pip', 'dpkg', 'apk', 'npm', 'conda', 'rpm']).describe('Which package metadata named it.');
export const FindingCodeSchema = z
  .enum(['cuda-libraries', 'model-files', 'build-toolchain', 'package-cache', 'vcs-metadata', 'secrets', 'wasted-bytes', 'duplicate-packages'])
  .describe('What was found (README, the findings table).');
export const WarningCodeSchema = z
  .enum(['digest-mismatch', 'format', 'no-diff-ids', 'not-verified', 'index-loop', 'package-database-not-read'])
  .describe(
    'digest-mismatch / format: what --no-verify let through; no-diff-ids: the config lists no diff_ids; not-verified: a layer read without hashing its contents; index-loop: an index that names itself; package-database-not-read: package metadata is there but was not read whole — a database format not read (rpm BerkeleyDB / ndb: its packages are missing), a metadata file over its cap, or a file list past what the image can hold (not all files of that package are attributed).',
  );
export const MetricSchema = z
  .enum(['content', 'compressed', 'uncompressed', 'final'])
  .describe('content: Σ layers file bytes; compressed: what a push uploads; uncompressed: layer tars; final: the merged filesystem.');

export const UnownedKindSchema = z
  .enum(['package-database', 'python-source', 'python-bytecode', 'shared-library', 'model-or-data', 'documentation', 'executable', 'configuration', 'other'])
  .describe(
    "package-database: the package managers' own databases, lists and caches (/var/lib/dpkg, /var/lib/apt, /var/lib/rpm, /lib/apk, …); python-source / python-bytecode: .py / .pyc outside any package; shared-library: .so, .a; model-or-data: the model-files finding's extensions; documentation: /usr/share/doc, man, info, locale; executable: files in /bin, /sbin, /usr/bin, /usr/sbin, /usr/local/bin; configuration: /etc.",
  );

export const WarningSchema = z.strictObject({
  code: WarningCodeSchema,
  message: text('What happened, for a person.'),
});

export const PushSizeSchema = z
  .strictObject({
    method: z
      .enum(['exact', 'sampled', 'whole'])
      .describe('exact: the whole layer went through the compressor; sampled / whole: estimated from samples / from deflating the whole (small) layer at zlib level 6.'),
    by: z.enum(['gzip -6', 'zlib level 6']).describe('What compressed the bytes.'),
    sampledBytes: bytes('Bytes of the layer tar that were compressed to get the figure.'),
    estimated: z.boolean().describe('True unless method is exact.'),
  })
  .describe('How pushBytes was found for a layer stored uncompressed.');

export const LayerSchema = z.strictObject({
  number: layerNumber('Position in the image, 1 = the base layer, as text output numbers it.'),
  digest: digest('Digest of the layer blob as stored (the descriptor digest in OCI layouts); checked against the bytes.'),
  diffId: digest('sha256 of the decompressed layer tar, computed from the bytes.'),
  mediaType: z.string().max(256).nullable().describe('The descriptor media type; null where the format has none (docker save ≤ 24).'),
  compression: CompressionSchema.describe('How the blob is stored, from its first bytes.'),
  compressedBytes: bytes('Length of the blob as stored. Exact.'),
  pushBytes: bytes('What pushing the layer uploads: compressedBytes when the blob is compressed, else its gzip -6 size (see pushSize; estimated unless pushSize.estimated is false).'),
  pushSize: PushSizeSchema.optional(),
  uncompressedBytes: bytes('Length of the decompressed layer tar, headers and padding included. Exact.'),
  contentBytes: bytes('Σ sizes of the regular files in the layer tar (hardlinks 0). Exact.'),
  entries: count('Tar entries in the layer (files, folders, links, whiteouts).'),
  whiteouts: count('Whiteout entries (deletions and opaque folders).'),
  wastedBytes: bytes('contentBytes of this layer that later layers delete or overwrite. Exact.'),
  createdBy: z.string().max(MAX_TEXT).nullable().describe('The Dockerfile step that made the layer, from the config history; null when the history does not say.'),
  emptyLayerHistory: z
    .array(text('A step.'))
    .max(1 << 16)
    .optional()
    .describe('Steps that made no layer (ENV, CMD, …) between the previous layer and this one.'),
});

export const PackageSchema = z.strictObject({
  ecosystem: EcosystemSchema,
  name: text('Name as its metadata spells it.'),
  version: z.string().max(MAX_TEXT).nullable().describe('Version as its metadata gives it; null when it gives none.'),
  bytes: bytes('Σ final-filesystem bytes of the files its metadata lists. Exact.'),
  files: count('Listed files present in the final filesystem (regular files, symlinks, hardlinks).'),
  layers: z.array(layerNumber('A layer number.')).describe('Layers its present files came from.'),
  location: imagePath('Where it is installed (site-packages, node_modules), when that says something.').optional(),
  attribution: text('How bytes were attributed when the package has no file list of its own.').optional(),
  build: text('conda: the build string (py311h…_0; a CUDA build says cuda).').optional(),
  channel: text('conda: the channel it came from (conda-forge, pytorch, nvidia).').optional(),
  compiled: z
    .strictObject({ bytes: bytes('Their bytes.'), files: count('Their files.') })
    .optional()
    .describe("Python bytecode compiled after install (dir/__pycache__/name.*.pyc of the package's dir/name.py) that its file list does not name; counted in bytes and files too."),
});

export const FolderSchema = z.strictObject({
  path: imagePath('A folder.'),
  bytes: bytes('Σ final bytes below it. Exact.'),
  files: count('Regular files below it.'),
});

export const PackageGroupSchema = z
  .strictObject({
    name: text('The group.'),
    count: count('Packages in it.'),
    bytes: bytes('Σ their bytes.'),
    files: count('Σ their files.'),
    packages: z.array(text('A package name.')).describe('The packages summed.'),
  })
  .describe('Packages summed as one line (the nvidia-* CUDA wheels).');

export const TorchSchema = z
  .strictObject({
    version: z.string().max(MAX_TEXT).nullable().describe("torch's version (with its local label, +cu124, +cpu)."),
    variant: z.enum(['cuda', 'cpu', 'rocm', 'unknown']).describe("From the version's local label (+cu124, +cpu, +rocm…) and from the libraries torch ships."),
    cudaLibraries: count('CUDA libraries inside torch/lib (libtorch_cuda.so, libc10_cuda.so, …).'),
    cudaBytes: bytes('Their bytes.'),
  })
  .describe("torch's build, when torch is installed.");

export const FindingItemSchema = z
  .strictObject({
    path: imagePath('A file or folder concerned.').optional(),
    package: text('A package concerned.').optional(),
    version: z.string().max(MAX_TEXT).nullable().optional().describe("The package's version."),
    bytes: bytes('Its bytes.'),
    layer: layerNumber('The layer holding the path.').optional(),
    removedBy: layerNumber('The later layer that deleted it (it is still shipped in `layer`).').optional(),
  })
  .describe('One thing behind a finding: a path or a package.');

export const FindingSchema = z.strictObject({
  code: FindingCodeSchema,
  severity: z.enum(['info', 'warning', 'error']).describe('error: a secret shipped; warning: bytes to save; info: too small to matter.'),
  bytes: bytes('Bytes at stake: what the fix would save.'),
  title: text('One line saying what was found.'),
  fix: text('What to change.'),
  items: z.array(FindingItemSchema).describe('Every path or package concerned, largest first.'),
});

export const LimitsSchema = z
  .strictObject({
    top: count('Rows kept in largestFiles, wasted and unowned.directories.'),
    depth: count('Folder depth of directories and unowned.directories.'),
  })
  .describe('How the lists were cut.');

export const ForbiddenHitSchema = z
  .strictObject({
    path: imagePath('The path a forbidden glob names.'),
    layer: layerNumber('The layer that holds it.'),
    entries: count('Entries at or below the path in that layer.'),
    bytes: bytes('Their content bytes.'),
    removedBy: layerNumber('The later layer that deleted or replaced all of it.').nullable().describe('null when it is in the final filesystem.'),
  })
  .describe('A forbidden path found in a layer.');

export const RuleItemSchema = z.union([ForbiddenHitSchema, FindingItemSchema]);

export const RuleOriginSchema = z.string().max(4096).describe('Where the rule came from: a flag (--budget) or the config file path.');
export const LevelSchema = z.enum(['fail', 'warn']);

export const RuleResultSchema = z.strictObject({
  kind: z.enum(['budget', 'layers', 'package', 'forbidden-paths', 'wasted-bytes', 'wasted-percent', 'growth', 'finding']).describe('Which rule (README, The CI gate).'),
  subject: text('What was measured: a metric, a package glob, a finding code.'),
  level: LevelSchema.describe('What the rule does when broken.'),
  unit: z.enum(['bytes', 'count', 'percent']).describe('Unit of measured and limit.'),
  measured: z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).describe('The figure measured, in unit.'),
  limit: z.number().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).describe('The rule limit, in unit.'),
  status: z.enum(['pass', 'fail', 'warn']).describe('What the rule decided.'),
  from: RuleOriginSchema.optional(),
  items: z.array(RuleItemSchema).optional().describe('Packages, paths or a finding items behind a failure (all of them).'),
  estimate: z
    .strictObject({
      margin: z.number().min(0).max(1).describe('Relative margin of the estimate, 0.07 = ±7 %: the figure models gzip -6; real pushers (Go gzip, pgzip) write up to ~6 % more.'),
      layers: count('Layers whose figure is estimated.'),
      decided: z.boolean().describe('Whether the verdict is the same anywhere within the margin.'),
    })
    .optional()
    .describe('Set when the measured figure is an estimate.'),
  note: text('A sentence about what was found.').optional(),
});

export const VerdictSchema = z
  .strictObject({
    results: z.array(RuleResultSchema).describe('One per rule, in the order the rules were given.'),
    failed: count('Rules that failed: exit code 1 when > 0.'),
    warned: count('Rules that warned.'),
  })
  .describe('What `imgsize check` decided.');

const treeParent = count('Position in nodes of the folder holding it; absent on the root (nodes[0]) only. Always before the node itself.');
const treeKind = z.enum(['folder', 'file', 'symlink', 'smaller']).describe('smaller: the children of a folder folded into one box, "(N smaller)" (too small to draw, or past the node budget).');
const treeName = text('Its name in its folder; empty for the root and for a smaller node.');

export const TreeNodeSchema = z.strictObject({
  parent: treeParent.optional(),
  name: treeName,
  kind: treeKind,
  bytes: bytes('Bytes below it in the final filesystem (files and symlinks, as finalBytes).'),
  files: count('Regular files below it.'),
  layer: layerNumber('The layer holding most of its bytes.').optional().describe('The layer holding most of its bytes; on every node but opened folders (their children say).'),
  package: count('Position in packages of the package owning most (at least half) of its bytes.')
    .optional()
    .describe('Position in packages of the package owning at least half of its bytes; absent when none does, and on opened folders.'),
  partial: z.literal(true).optional().describe('A folder whose children are left out (the node budget ran out first).'),
  folded: count('How many entries a smaller node stands for.').optional(),
});

/** Nodes name their parent by an earlier position, so a tree read back cannot loop; the root comes first. */
function treeShape(nodes: readonly { parent?: number | undefined; kind: string; partial?: true | undefined }[], ctx: z.RefinementCtx): void {
  nodes.forEach((n, i) => {
    const bad = (message: string): void => ctx.addIssue({ code: 'custom', message, path: ['nodes', i, 'parent'] });
    if (i === 0) {
      if (n.parent !== undefined || n.kind !== 'folder') bad('nodes[0] is the root: a folder without a parent');
      return;
    }
    const p = n.parent !== undefined && n.parent < i ? nodes[n.parent]! : undefined;
    if (!p) bad('must name an earlier node');
    else if (p.kind !== 'folder' || p.partial) bad('must name an opened folder');
  });
}

export const ReportTreeSchema = z
  .strictObject({
    nodeBudget: count('The most nodes the tree could hold (--tree-nodes).'),
    nodes: z.array(TreeNodeSchema).max(MAX_TREE_NODES).describe('Parents before children; children of a folder largest first.'),
  })
  .superRefine((t, ctx) => treeShape(t.nodes, ctx))
  .describe('The final filesystem pruned to a node budget, largest folders opened first: what the HTML treemap draws.');

export const DiffTreeNodeSchema = z.strictObject({
  parent: treeParent.optional(),
  name: treeName,
  kind: treeKind,
  before: bytes('Bytes below it in BEFORE (0: not there).'),
  after: bytes('Bytes below it in AFTER (0: not there).'),
  partial: z.literal(true).optional().describe('A folder not opened here: one side kept it whole (its node budget), so its children cannot be matched.'),
  folded: count('How many entries a smaller node stands for (the larger of the two sides).').optional(),
});

export const DiffTreeSchema = z
  .strictObject({
    nodes: z
      .array(DiffTreeNodeSchema)
      .max(2 * MAX_TREE_NODES)
      .describe('Parents before children.'),
  })
  .superRefine((t, ctx) => treeShape(t.nodes, ctx))
  .describe('The two trees merged by path: a folder is opened where both sides opened it; what one side lacks is 0 there.');

export const FixSchema = z
  .strictObject({
    file: z.enum(['Dockerfile', '.dockerignore']).describe('The file the change goes in.'),
    findings: z.array(FindingCodeSchema).max(16).describe('The findings it answers.'),
    line: z.number().int().positive().max(1_000_000).nullable().describe('The Dockerfile line it changes; null for .dockerignore (lines are added) or when the Dockerfile was not given (--context).'),
    at: z.string().max(MAX_TEXT).nullable().describe("What is there now: the Dockerfile line, or the image's step when the Dockerfile was not given; null for .dockerignore."),
    lines: z.array(z.string().max(MAX_TEXT)).max(1000).describe('What to write (Dockerfile lines), or the lines to add (.dockerignore).'),
    why: text('Why, for a person.'),
    bytes: bytes('Content bytes it removes.'),
    compressedBytes: bytes('About what a pull moves less: the same share of the compressed size (an estimate).'),
    notes: z.array(text('A note.')).max(100).describe('Existing .dockerignore lines that look as if they removed a file and do not; files these lines would still not remove.'),
  })
  .describe('One suggested change (imgsize --context DIR checks the .dockerignore and names the Dockerfile lines).');

const imageFields = {
  source: z
    .strictObject({
      path: text('The archive, folder or - (stdin) the report was made from.'),
      format: ArchiveFormatSchema,
      outerCompression: CompressionSchema.describe('How the archive as a whole was compressed (docker save | gzip).'),
    })
    .describe('Where the image was read from.'),
  image: z
    .strictObject({
      platform: text('os/architecture[/variant].'),
      repoTags: z.array(text('A tag.')).describe('Tags and reference names the archive gives the image.'),
      configDigest: digest('Digest of the image config.'),
      manifestDigest: digest('Digest of the manifest.').nullable().describe('null for docker save ≤ 24 (no manifest blob).'),
      created: z.string().max(256).nullable().describe("The config's created time (RFC 3339), when it has one."),
    })
    .describe('Which image of the archive this is.'),
  totals: z
    .strictObject({
      compressedBytes: bytes('Σ layer blobs as stored. Exact.'),
      pushBytes: bytes('What a push uploads (and a pull downloads): Σ layers pushBytes; estimated when pushEstimatedLayers is not empty.'),
      pushEstimatedLayers: z.array(layerNumber('A layer number.')).describe('Layers whose pushBytes is an estimate (stored uncompressed, gzip size sampled).'),
      uncompressedBytes: bytes('Σ layer tars. Exact.'),
      contentBytes: bytes('Σ layers contentBytes: what docker images shows on the classic store. Exact.'),
      finalBytes: bytes('Regular file bytes of the merged filesystem. Exact.'),
      wastedBytes: bytes('contentBytes − finalBytes: deleted or overwritten by later layers. Exact.'),
      files: count('Regular files in the final filesystem.'),
    })
    .describe('The image as a whole.'),
  layers: z.array(LayerSchema).describe('Base layer first.'),
  packages: z.array(PackageSchema).describe('Largest first.'),
  packageGroups: z.array(PackageGroupSchema).describe('Packages summed as one line.'),
  unowned: z
    .strictObject({
      bytes: bytes('Final bytes no package lists.'),
      files: count('Their files.'),
      directories: z.array(FolderSchema).describe('The largest folders holding them.'),
      kinds: z
        .array(z.strictObject({ kind: UnownedKindSchema, bytes: bytes('Its bytes.'), files: count('Its files.') }))
        .optional()
        .describe('The same bytes by kind, largest first; absent in reports saved before schemaVersion 3.'),
    })
    .describe('Final bytes no package metadata lists.'),
  packageOverlapFiles: count('Final files listed by more than one package (then Σ package bytes + unowned > finalBytes).'),
  torch: TorchSchema.optional(),
  directories: z.array(FolderSchema).describe('Every folder down to limits.depth, largest first.'),
  largestFiles: z.array(z.strictObject({ path: imagePath('A file.'), bytes: bytes('Its size.'), layer: layerNumber('The layer it comes from.') })).describe('The limits.top largest final files.'),
  wasted: z
    .array(
      z.strictObject({
        path: imagePath('A path shipped but not in the final filesystem.'),
        bytes: bytes('Its bytes.'),
        layer: layerNumber('The layer that ships it.'),
        by: layerNumber('The later layer that deleted or overwrote it.'),
      }),
    )
    .describe('The limits.top largest wasted paths.'),
  findings: z.array(FindingSchema).describe('What to fix, largest first.'),
  warnings: z.array(WarningSchema).describe('What did not stop the run but should be known.'),
  limits: LimitsSchema.optional().describe('How the lists were cut; absent in a report upgraded from schemaVersion 1.'),
  tree: ReportTreeSchema.optional().describe('The final filesystem for the treemap; absent with --tree-nodes 0 and in reports saved before schemaVersion 3.'),
  fixes: z
    .array(FixSchema)
    .max(1000)
    .optional()
    .describe(
      "The changes that remove what the findings found — suggestions, nothing is changed: the Dockerfile's lines and the .dockerignore's; absent when there is none and in reports saved before schemaVersion 4. With all of them applied the image is about totals.contentBytes − Σ bytes content (an estimate from the same layers, no rebuild).",
    ),
};

export const ReportSchema = z
  .strictObject({
    schemaVersion: schemaVersion(),
    ...imageFields,
    verdict: VerdictSchema.optional().describe('Present in what `imgsize check --json` writes.'),
  })
  .describe('What `imgsize IMAGE --json` (and `imgsize check --json`, with verdict) writes.');

const DeltaSchema = z.strictObject({
  before: signedBytes('BEFORE.'),
  after: signedBytes('AFTER.'),
  delta: signedBytes('after − before.'),
  percent: z.number().nullable().describe('delta / before × 100; null when before is 0.'),
});

const SideSchema = z.strictObject({ source: text('Where the side came from.'), tags: z.array(text('A tag.')).describe('Its tags.'), platform: text('os/architecture.') });

export const DiffWarningSchema = z.strictObject({
  code: z.enum(['platform-mismatch', 'recompressed-layers']).describe('platform-mismatch: the sides are different platforms; recompressed-layers: the same content stored as other blobs.'),
  message: text('What to know before reading the numbers.'),
});

export const DiffSchema = z.strictObject({
  before: SideSchema.describe('BEFORE, the first argument.'),
  after: SideSchema.describe('AFTER, the second argument.'),
  warnings: z.array(DiffWarningSchema).describe('What to know before reading the numbers.'),
  compressedEstimated: z
    .strictObject({ before: z.boolean().describe('BEFORE holds estimates.'), after: z.boolean().describe('AFTER holds estimates.') })
    .describe("Whether each side's compressed total holds estimated push sizes."),
  totals: z
    .strictObject({
      content: DeltaSchema.describe('totals.contentBytes.'),
      compressed: DeltaSchema.describe('What a push uploads (totals.pushBytes).'),
      uncompressed: DeltaSchema.describe('totals.uncompressedBytes.'),
      final: DeltaSchema.describe('totals.finalBytes.'),
      wasted: DeltaSchema.describe('totals.wastedBytes.'),
    })
    .describe('Each metric, before and after.'),
  layers: z
    .array(
      z.strictObject({
        status: z.enum(['shared', 'recompressed', 'removed', 'added']).describe('shared: the same blob on both sides; recompressed: the same content (diffId) stored as another blob.'),
        diffId: digest('The layer content.'),
        digest: digest("The blob (AFTER's, for a shared or recompressed layer)."),
        contentBytes: bytes('Its content bytes.'),
        compressedBytes: bytes('Its stored bytes.'),
        createdBy: z.string().max(MAX_TEXT).nullable().describe('Its Dockerfile step.'),
        beforeLayer: layerNumber('Its number in BEFORE.').nullable().describe('Its number in BEFORE; null when added.'),
        afterLayer: layerNumber('Its number in AFTER.').nullable().describe('Its number in AFTER; null when removed.'),
      }),
    )
    .describe('Matched by diffId (a multiset).'),
  sharedCompressedBytes: bytes("What a pull of AFTER reuses: the push sizes (layers[].pushBytes) of AFTER's layers whose blobs BEFORE has."),
  packages: z
    .array(
      z.strictObject({
        status: z.enum(['added', 'removed', 'changed']).describe('What happened to it.'),
        ecosystem: EcosystemSchema,
        name: text('Package name.'),
        versionBefore: z.string().max(MAX_TEXT).nullable().describe('Its versions in BEFORE (comma-separated when several); null when absent.'),
        versionAfter: z.string().max(MAX_TEXT).nullable().describe('Its versions in AFTER; null when absent.'),
        bytesBefore: bytes('Bytes in BEFORE.'),
        bytesAfter: bytes('Bytes in AFTER.'),
        delta: signedBytes('bytesAfter − bytesBefore.'),
      }),
    )
    .describe('Packages that changed, largest change first (matched by ecosystem and normalised name).'),
  directories: z
    .array(z.strictObject({ path: imagePath('A folder.'), bytesBefore: bytes('Bytes in BEFORE.'), bytesAfter: bytes('Bytes in AFTER.'), delta: signedBytes('bytesAfter − bytesBefore.') }))
    .describe('Folders that changed, largest change first.'),
  findings: z
    .array(
      z.strictObject({
        status: z.enum(['introduced', 'resolved', 'changed']).describe('What the change did to it.'),
        code: FindingCodeSchema,
        title: text('The finding title (AFTER when both have it).'),
        bytesBefore: bytes('Bytes at stake in BEFORE.'),
        bytesAfter: bytes('Bytes at stake in AFTER.'),
      }),
    )
    .describe('Findings introduced, resolved or changed.'),
  tree: DiffTreeSchema.optional().describe('Both final filesystems merged, for the HTML treemap; absent when a side has no tree.'),
});

export const DiffDocumentSchema = z
  .strictObject({
    schemaVersion: schemaVersion(),
    diff: DiffSchema.describe('What changed from BEFORE to AFTER.'),
    verdict: VerdictSchema.optional().describe('The gate on AFTER, when diff was given rules.'),
  })
  .describe('What `imgsize diff BEFORE AFTER --json` writes.');

export const ManifestReportSchema = z
  .strictObject({
    schemaVersion: schemaVersion(),
    scope: z.literal('manifest').describe('Read from the manifest and config only: no layer was downloaded, so there are no content, file, package or waste figures.'),
    source: imageFields.source,
    image: imageFields.image,
    totals: z
      .strictObject({
        compressedBytes: bytes('Σ layer blobs as the registry stores them: what a pull downloads. Exact (from the descriptors).'),
        layers: count('Layers in the manifest.'),
      })
      .describe('The image as a whole.'),
    layers: z
      .array(
        z.strictObject({
          number: layerNumber('Position in the image, 1 = the base layer.'),
          digest: digest('Digest of the layer blob (the descriptor).'),
          mediaType: z.string().max(256).nullable().describe('The descriptor media type.'),
          compression: CompressionSchema.describe('From the media type.'),
          compressedBytes: bytes('Size of the blob (the descriptor). Exact.'),
          createdBy: z.string().max(MAX_TEXT).nullable().describe('The Dockerfile step, from the config history.'),
          emptyLayerHistory: z
            .array(text('A step.'))
            .max(1 << 16)
            .optional()
            .describe('Steps that made no layer before this one.'),
        }),
      )
      .describe('Base layer first.'),
    platforms: z
      .array(
        z.strictObject({
          platform: text('os/architecture[/variant].'),
          manifestDigest: digest('Its manifest.'),
          compressedBytes: bytes('Σ its layer blobs: what a pull of that platform downloads.'),
          layers: count('Its layers.'),
        }),
      )
      .optional()
      .describe('Every image of the index the reference names (attestations left out); absent when it names one manifest.'),
    verdict: VerdictSchema.optional().describe('Present in what `imgsize check --json` writes.'),
  })
  .describe('What `imgsize REF --manifest-only --json` writes (and check of compressed budgets on a registry image).');

export const ArchiveOverviewSchema = z
  .strictObject({
    schemaVersion: schemaVersion(),
    scope: z.literal('archive').describe('Several images of the platform and no --image: each of them, and the archive as a whole; no files, packages or findings (choose one image with --image).'),
    source: imageFields.source,
    images: z
      .array(
        z.strictObject({
          tags: z.array(text('A tag.')).describe('Its tags (none for an untagged image).'),
          platform: text('os/architecture[/variant].'),
          configDigest: digest('Its config: the image ID.'),
          manifestDigest: digest('Its manifest.').nullable().describe('null for docker save ≤ 24.'),
          layers: count('Its layers.'),
          contentBytes: bytes('Σ its layers contentBytes, as its own report says.'),
          compressedBytes: bytes('Σ its layers pushBytes: what a push of it uploads (estimated for layers stored uncompressed).'),
          compressedEstimated: z.boolean().describe('Whether compressedBytes holds estimated push sizes.'),
          aloneContentBytes: bytes('Content of its layers no other image of the archive has (matched by diffId): what it costs on its own.'),
          sharedContentBytes: bytes('Content of its layers another image of the archive has too.'),
        }),
      )
      .describe('In the order the archive lists them.'),
    totals: z
      .strictObject({
        images: count('Images of the platform.'),
        layers: count('Distinct layers (by diffId).'),
        contentBytes: bytes('Content of the distinct layers, each once: what the archive moves in all.'),
        compressedBytes: bytes('Push sizes of the distinct layers, each once.'),
      })
      .describe('The archive as a whole, each layer counted once.'),
  })
  .describe('What `imgsize ARCHIVE --json` writes for an archive holding several images of the platform, without --image.');

export const FleetPlanSchema = z
  .strictObject({
    schemaVersion: schemaVersion(),
    scope: z.literal('fleet-plan').describe('What `imgsize fleet plan` writes: the images, their unique layers and the shards they are split into.'),
    shards: z.number().int().min(1).max(10_000).describe('How many shards the unique layers are split into.'),
    platform: text('The platform each reference was resolved to.'),
    images: z
      .array(
        z.strictObject({
          reference: text('The reference as given (registry/repository:tag).'),
          manifestDigest: digest("The platform's manifest: the same image under two tags is planned once."),
          compressedBytes: bytes('Σ its layers, as the manifest says.'),
          layers: z.array(digest('A layer blob.')).describe('Its layers, bottom first.'),
        }),
      )
      .max(1_000_000)
      .describe('One per distinct manifest, in the order first met.'),
    layers: z
      .array(
        z.strictObject({
          digest: digest('The layer blob.'),
          bytes: bytes('Its size as stored.'),
          shard: count('The shard that scans it (0-based).'),
          image: count('The image (index into images) it is fetched through.'),
        }),
      )
      .max(10_000_000)
      .describe('Each unique layer once, largest first; shards balanced by bytes.'),
  })
  .describe('What `imgsize fleet plan --json` writes: the whole shared state of a fleet run, with the layer cache.');

export const FleetReportSchema = z
  .strictObject({
    schemaVersion: schemaVersion(),
    scope: z.literal('fleet').describe('What `imgsize fleet merge` writes: every image of the plan, from the layer cache, and the fleet as a whole.'),
    totals: z
      .strictObject({
        images: count('Images (distinct manifests).'),
        layers: count('Unique layers.'),
        logicalBytes: bytes('Σ compressed size of every image: what they would take stored apart.'),
        storedBytes: bytes('Σ compressed size of the unique layers: what the registry stores.'),
      })
      .describe('The fleet as a whole.'),
    images: z
      .array(
        z.strictObject({
          reference: text('The reference.'),
          platform: text('os/architecture[/variant].'),
          compressedBytes: bytes('Σ its layers as stored.'),
          contentBytes: bytes('Σ its layers contentBytes.'),
          finalBytes: bytes('Its final filesystem.'),
          wastedBytes: bytes('Bytes its later layers deleted or overwrote.'),
          findings: count('Its findings.'),
        }),
      )
      .describe('In the plan’s order.'),
    sharedLayers: z
      .array(
        z.strictObject({
          digest: digest('The layer blob.'),
          compressedBytes: bytes('Its size as stored.'),
          images: count('Images that hold it.'),
          savedBytes: bytes('(images − 1) × its size: what sharing it saves the registry.'),
          createdBy: z.string().max(MAX_TEXT).nullable().describe('The Dockerfile step that made it, in the first image that holds it; null when its history says none.'),
        }),
      )
      .describe('Layers held by more than one image, most saved first (at most 20).'),
    packages: z
      .array(
        z.strictObject({
          ecosystem: EcosystemSchema,
          name: text('The package.'),
          images: count('Images that hold it.'),
          logicalBytes: bytes('Σ its bytes over those images.'),
          versions: z.array(text('A version.')).describe('The versions seen, at most 10.'),
        }),
      )
      .describe('Packages across the fleet, most logical bytes first (at most 50).'),
    findings: z
      .array(z.strictObject({ code: FindingCodeSchema, images: count('Images with it.'), bytes: bytes('Σ bytes at stake over those images.') }))
      .describe('Findings counted across images, most bytes first.'),
    gates: z
      .array(
        z.strictObject({
          reference: text('The image, as the plan names it.'),
          repositories: text('The glob of imgsize.config.json’s `repositories` that judged it (the first that matches its repository).'),
          failed: count('Its rules that failed: `fleet merge` exits 1 when any image has one.'),
          warned: count('Its rules that warned.'),
          results: z.array(RuleResultSchema).describe('One per rule, as `imgsize check` gives them.'),
        }),
      )
      .describe('Per-repository rules: each image a glob names, judged as `imgsize check` would; empty without rules.'),
  })
  .describe('What `imgsize fleet merge --json` writes.');

/** Every document imgsize writes with --json. */
export const DocumentSchema = z.union([ReportSchema, DiffDocumentSchema, ManifestReportSchema, ArchiveOverviewSchema, FleetPlanSchema, FleetReportSchema]);

/** Readonly all the way down: reports are plain data handed from one pure function to the next. */
export type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type Out<S extends z.ZodType> = DeepReadonly<z.output<S>>;

export type Report = Out<typeof ReportSchema>;
export type Fix = z.output<typeof FixSchema>;
export type ReportLayer = Out<typeof LayerSchema>;
export type ReportPackage = Out<typeof PackageSchema>;
export type PackageGroup = Out<typeof PackageGroupSchema>;
export type Folder = Out<typeof FolderSchema>;
export type TorchBuild = Out<typeof TorchSchema>;
export type Finding = Out<typeof FindingSchema>;
export type FindingCode = z.output<typeof FindingCodeSchema>;
export type FindingItem = Out<typeof FindingItemSchema>;
export type ForbiddenHit = Out<typeof ForbiddenHitSchema>;
export type RuleItem = Out<typeof RuleItemSchema>;
export type RuleResult = Out<typeof RuleResultSchema>;
export type Estimate = NonNullable<RuleResult['estimate']>;
export type RuleKind = RuleResult['kind'];
export type Verdict = Out<typeof VerdictSchema>;
export type Level = z.output<typeof LevelSchema>;
export type Metric = z.output<typeof MetricSchema>;
export type Warning = Out<typeof WarningSchema>;
export type WarningCode = Warning['code'];
export type ArchiveFormat = z.output<typeof ArchiveFormatSchema>;
export type Ecosystem = z.output<typeof EcosystemSchema>;
export type DiffResult = Out<typeof DiffSchema>;
export type DiffDocument = Out<typeof DiffDocumentSchema>;
export type ManifestReport = Out<typeof ManifestReportSchema>;
export type LayerChange = DiffResult['layers'][number];
export type PackageChange = DiffResult['packages'][number];
export type DirectoryChange = DiffResult['directories'][number];
export type FindingChange = DiffResult['findings'][number];
export type DiffWarning = DiffResult['warnings'][number];
export type Delta = DiffResult['totals']['content'];
export type ReportTree = Out<typeof ReportTreeSchema>;
export type ArchiveOverview = Out<typeof ArchiveOverviewSchema>;
export type FleetPlan = Out<typeof FleetPlanSchema>;
export type FleetReport = Out<typeof FleetReportSchema>;
export type UnownedKind = z.output<typeof UnownedKindSchema>;
export type TreeNode = Out<typeof TreeNodeSchema>;
export type DiffTree = Out<typeof DiffTreeSchema>;
export type DiffTreeNode = Out<typeof DiffTreeNodeSchema>;
