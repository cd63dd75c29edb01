/** Owners for bytes no file list names: compiled bytecode, and what stays unowned by kind. */
import { describe, expect, it } from 'vitest';
import { squash } from '../../src/analysis/squash.js';
import { attributePackages } from '../../src/analysis/packages.js';
import { unownedKind } from '../../src/analysis/unowned-kinds.js';
import type { LayerEntry } from '../../src/layer/types.js';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { inspect } from '../helpers/image.js';

const f = (path: string, size: number): LayerEntry => ({ path, kind: 'file', size });
const fsOf = (...layers: LayerEntry[][]) => squash(layers.map((files) => ({ files, opaqueDirs: [], deletions: [] }))).root;
const DP = 'usr/lib/python3/dist-packages';

describe('compiled bytecode', () => {
  // Debian's python3-* packages list their .py files; postinst byte-compiles them into __pycache__
  const root = fsOf(
    [f(`${DP}/yaml/__init__.py`, 1000), f(`${DP}/yaml/nodes.py`, 400), f(`${DP}/other.py`, 50)],
    [
      f(`${DP}/yaml/__pycache__/__init__.cpython-311.pyc`, 700),
      f(`${DP}/yaml/__pycache__/__init__.cpython-311.opt-1.pyc`, 650),
      f(`${DP}/yaml/__pycache__/nodes.cpython-311.pyc`, 300),
      f(`${DP}/yaml/__pycache__/gone.cpython-311.pyc`, 90),
      f(`${DP}/__pycache__/other.cpython-311.pyc`, 40),
    ],
  );
  const own = attributePackages([{ ecosystem: 'dpkg', name: 'python3-yaml', version: '6.0', paths: [`${DP}/yaml/__init__.py`, `${DP}/yaml/nodes.py`] }], root);

  it("belongs to the owner of the .py it was compiled from, inside the package's bytes, shown apart", () => {
    expect(own.packages[0]).toMatchObject({ name: 'python3-yaml', bytes: 1400 + 700 + 650 + 300, files: 5, layers: [1, 2], compiled: { bytes: 1650, files: 3 } });
  });

  it('stays unowned when its source is unowned or missing, and says what it is', () => {
    expect(own.unowned).toMatchObject({ bytes: 50 + 90 + 40, files: 3 });
    expect(own.unowned.kinds).toEqual([
      { kind: 'python-bytecode', bytes: 130, files: 2 },
      { kind: 'python-source', bytes: 50, files: 1 },
    ]);
  });

  it('is not counted twice when the list names it already (pip RECORD), and Python 2 .pyc beside its .py counts', () => {
    const r = fsOf([f('sp/pkg/a.py', 10), f('sp/pkg/__pycache__/a.cpython-312.pyc', 5), f('sp/pkg/b.py', 20), f('sp/pkg/b.pyc', 7)]);
    const o = attributePackages([{ ecosystem: 'pip', name: 'pkg', version: '1', paths: ['sp/pkg/a.py', 'sp/pkg/__pycache__/a.cpython-312.pyc', 'sp/pkg/b.py'] }], r);
    expect(o.packages[0]).toMatchObject({ bytes: 42, files: 4, compiled: { bytes: 7, files: 1 } });
    expect(o.claimedTwice).toBe(0);
    expect(o.unowned.bytes).toBe(0);
  });
});

describe('unowned bytes by kind', () => {
  it.each([
    ['var/lib/dpkg/status', 'package-database'],
    ['var/lib/apt/lists/deb.debian.org_dists_bookworm_main_binary-amd64_Packages.lz4', 'package-database'],
    ['var/lib/rpm/rpmdb.sqlite', 'package-database'],
    ['lib/apk/db/installed', 'package-database'],
    ['opt/conda/envs/ml/conda-meta/numpy-1.26.4-py311h64a7726_0.json', 'package-database'],
    ['usr/share/doc/bash/copyright', 'documentation'],
    ['usr/share/locale/de/LC_MESSAGES/x.mo', 'documentation'],
    ['app/main.py', 'python-source'],
    ['app/__pycache__/main.cpython-311.pyc', 'python-bytecode'],
    ['opt/lib/libfoo.so.1.2', 'shared-library'],
    ['opt/lib/libfoo.a', 'shared-library'],
    ['app/models/llama.gguf', 'model-or-data'],
    ['app/data/x.NPY', 'model-or-data'],
    ['bin/busybox', 'executable'],
    ['usr/local/bin/gunicorn', 'executable'],
    ['etc/ssl/certs/ca-certificates.crt', 'configuration'],
    ['app/server', 'other'],
  ])('%s: %s', (path, kind) => {
    expect(unownedKind(path)).toBe(kind);
  });
});

describe('model files: the formats ML images carry', () => {
  const MB = 1_000_000;
  const findingPaths = async (entries: { path: string; size: number }[]) => {
    const img = await buildImage({ layers: [{ entries }] });
    const r = await inspect(await outerTar(dockerLegacyMembers([img])));
    return (r.findings.find((x) => x.code === 'model-files')?.items ?? []).map((i) => i.path).sort();
  };

  it('GGUF, TFLite, Keras, a SavedModel, Hugging Face weights beside config.json and the model caches', async () => {
    const found = await findingPaths([
      { path: 'app/llama-3-8b.Q4_K_M.gguf', size: 2 * MB },
      { path: 'app/model.tflite', size: 2 * MB },
      { path: 'app/model.keras', size: 2 * MB },
      { path: 'app/export/saved_model.pb', size: 2 * MB },
      { path: 'app/export/variables/variables.data-00000-of-00001', size: 3 * MB },
      { path: 'app/bert/config.json', size: 500 },
      { path: 'app/bert/pytorch_model.bin', size: 4 * MB },
      { path: 'root/.cache/huggingface/hub/models--gpt2/blobs/248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707', size: 5 * MB },
      { path: 'root/.cache/torch/hub/checkpoints/resnet50-0676ba61', size: 2 * MB },
    ]);
    expect(found).toEqual([
      '/app/bert/pytorch_model.bin',
      '/app/export/saved_model.pb',
      '/app/export/variables/variables.data-00000-of-00001',
      '/app/llama-3-8b.Q4_K_M.gguf',
      '/app/model.keras',
      '/app/model.tflite',
      '/root/.cache/huggingface/hub/models--gpt2/blobs/248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707',
      '/root/.cache/torch/hub/checkpoints/resnet50-0676ba61',
    ]);
  });

  it('leaves a .bin without a config.json beside it and any .pb outside a SavedModel alone', async () => {
    expect(
      await findingPaths([
        { path: 'app/firmware.bin', size: 3 * MB },
        { path: 'app/proto/descriptor.pb', size: 2 * MB },
      ]),
    ).toEqual([]);
  });
});
