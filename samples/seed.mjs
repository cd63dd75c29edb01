#!/usr/bin/env node
// The seed's story as two runnable images: the Flask + PyTorch app before (over 4 GB: torch
// +cu124 with its nvidia-* CUDA wheels, gcc left in, model files, .env and .git copied in) and
// after (multi-stage, a venv with torch +cpu, a proper .dockerignore: about 424 MB compressed).
//
// Deterministic and streamed: nothing multi-GB is written unless you redirect it. Each layer is a
// gzip stream made of members: file contents repeat one pseudo-random 1 MiB block compressed
// once, headers and small files go in stored members, so GBs are produced in seconds. The
// archive is a docker-archive (ggcr tarball style): layer-N.tar.gz, config.json and
// manifest.json last, as docker writes metadata after the layers.
//
// Sizes are modelled on real wheels and images (see samples/README.md); contents are synthetic.
//
//   node samples/seed.mjs before > before.tar        node samples/seed.mjs after | imgsize
//   import { seedArchive, seedImage } from './seed.mjs'   (tests use { scale: 0.01 })

import { createHash } from 'node:crypto';
import { gzipSync, crc32 } from 'node:zlib';
import { tarHeader } from '../scripts/tar-header.mjs';

const MiB = 1 << 20;
const MB = 1_000_000;

// ---------------------------------------------------------------------------------------------
// The block every file's content is cut from: ~30% random bytes, the rest text-like, which
// deflates about 3.4:1 like the shared libraries of real wheels (FACTS.md: torch's CPU wheel is
// 699 MB installed, 190 MB compressed).
const RANDOM_PERCENT = 27;
function makeBlock() {
  const b = Buffer.alloc(MiB);
  let x = 0x9e3779b9;
  const rnd = () => ((x = (x ^ (x << 13)) >>> 0), (x = (x ^ (x >>> 17)) >>> 0), (x = (x ^ (x << 5)) >>> 0), x);
  const words = Buffer.from('GLIBC_2.2.5 _ZNSt6vectorIfSaIfEE cudaMemcpyAsync torch::autograd::Node at::Tensor::to __cxa_guard_acquire ');
  for (let i = 0; i < MiB; i += 64) {
    if (rnd() % 100 < RANDOM_PERCENT) for (let j = 0; j < 64; j++) b[i + j] = rnd() & 0xff;
    else {
      const off = rnd() % (words.length - 64);
      words.copy(b, i, off, off + 64);
    }
  }
  return b;
}
const BLOCK = makeBlock();
const BLOCK_GZ = gzipSync(BLOCK, { level: 6 });
/** Members for the block's first 2^k bytes (k = 9…19): a file's tail is a sum of these. */
const PREFIX_GZ = new Map(Array.from({ length: 11 }, (_, i) => [i + 9, gzipSync(BLOCK.subarray(0, 2 ** (i + 9)), { level: 6 })]));

// ---------------------------------------------------------------------------------------------
// The images, as data.

const sp311 = 'usr/local/lib/python3.11/site-packages';
const venv = 'opt/venv/lib/python3.11/site-packages';

/** pip packages: [name, version, installed bytes, big files (share of bytes), top-level dir]. */
const CUDA_WHEELS = [
  ['nvidia-cudnn-cu12', '9.1.0.70', 760 * MB, 'nvidia/cudnn', ['lib/libcudnn_engines_precompiled.so.9', 'lib/libcudnn_adv.so.9', 'lib/libcudnn_ops.so.9']],
  ['nvidia-cublas-cu12', '12.4.5.8', 580 * MB, 'nvidia/cublas', ['lib/libcublasLt.so.12', 'lib/libcublas.so.12']],
  ['nvidia-cusolver-cu12', '11.6.1.9', 300 * MB, 'nvidia/cusolver', ['lib/libcusolver.so.11', 'lib/libcusolverMg.so.11']],
  ['nvidia-cusparse-cu12', '12.3.1.170', 270 * MB, 'nvidia/cusparse', ['lib/libcusparse.so.12']],
  ['nvidia-cufft-cu12', '11.2.1.3', 230 * MB, 'nvidia/cufft', ['lib/libcufft.so.11', 'lib/libcufftw.so.11']],
  ['nvidia-nccl-cu12', '2.21.5', 190 * MB, 'nvidia/nccl', ['lib/libnccl.so.2']],
  ['nvidia-cusparselt-cu12', '0.6.2', 150 * MB, 'nvidia/cusparselt', ['lib/libcusparseLt.so.0']],
  ['nvidia-curand-cu12', '10.3.5.147', 95 * MB, 'nvidia/curand', ['lib/libcurand.so.10']],
  ['nvidia-cuda-nvrtc-cu12', '12.4.127', 62 * MB, 'nvidia/cuda_nvrtc', ['lib/libnvrtc.so.12', 'lib/libnvrtc-builtins.so.12.4']],
  ['nvidia-nvjitlink-cu12', '12.4.127', 55 * MB, 'nvidia/nvjitlink', ['lib/libnvJitLink.so.12']],
  ['nvidia-cuda-cupti-cu12', '12.4.127', 14 * MB, 'nvidia/cuda_cupti', ['lib/libcupti.so.12']],
  ['nvidia-cuda-runtime-cu12', '12.4.127', 2_800_000, 'nvidia/cuda_runtime', ['lib/libcudart.so.12']],
  ['nvidia-nvtx-cu12', '12.4.127', 250_000, 'nvidia/nvtx', ['lib/libnvToolsExt.so.1']],
];

const DATA_STACK = [
  ['scipy', '1.17.0', 110 * MB, 'scipy', ['linalg/_flapack.cpython-311-x86_64-linux-gnu.so', 'sparse/_sparsetools.cpython-311-x86_64-linux-gnu.so']],
  ['pandas', '2.3.3', 70 * MB, 'pandas', ['_libs/groupby.cpython-311-x86_64-linux-gnu.so', '_libs/hashtable.cpython-311-x86_64-linux-gnu.so']],
  ['numpy', '2.4.1', 45 * MB, 'numpy', ['_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so']],
  ['scikit-learn', '1.8.0', 45 * MB, 'sklearn', ['_loss/_loss.cpython-311-x86_64-linux-gnu.so']],
  ['matplotlib', '3.10.8', 30 * MB, 'matplotlib', ['_path.cpython-311-x86_64-linux-gnu.so', 'ft2font.cpython-311-x86_64-linux-gnu.so']],
  ['fonttools', '4.55.3', 28 * MB, 'fontTools', ['cu2qu/cu2qu.cpython-311-x86_64-linux-gnu.so']],
  ['pillow', '11.1.0', 16 * MB, 'PIL', ['_imaging.cpython-311-x86_64-linux-gnu.so']],
  ['pytz', '2024.2', 5 * MB, 'pytz', []],
  ['tzdata', '2025.1', 2_300_000, 'tzdata', []],
  ['kiwisolver', '1.4.8', 1_900_000, 'kiwisolver', ['_cext.cpython-311-x86_64-linux-gnu.so']],
  ['joblib', '1.4.2', 2_200_000, 'joblib', []],
  ['contourpy', '1.3.1', 1_100_000, 'contourpy', ['_contourpy.cpython-311-x86_64-linux-gnu.so']],
  ['threadpoolctl', '3.5.0', 200_000, 'threadpoolctl', []],
  ['pyparsing', '3.2.1', 1_000_000, 'pyparsing', []],
  ['python-dateutil', '2.9.0.post0', 800_000, 'dateutil', []],
  ['cycler', '0.12.1', 40_000, 'cycler', []],
  ['six', '1.17.0', 60_000, 'six', []],
  ['packaging', '24.2', 400_000, 'packaging', []],
];

const WEB_STACK = [
  ['Flask', '3.1.2', 750_000, 'flask', []],
  ['flask-cors', '5.0.0', 70_000, 'flask_cors', []],
  ['Flask-SocketIO', '5.5.1', 160_000, 'flask_socketio', []],
  ['python-socketio', '5.12.1', 900_000, 'socketio', []],
  ['python-engineio', '4.11.2', 700_000, 'engineio', []],
  ['bidict', '0.23.1', 90_000, 'bidict', []],
  ['simple-websocket', '1.1.0', 40_000, 'simple_websocket', []],
  ['wsproto', '1.2.0', 220_000, 'wsproto', []],
  ['h11', '0.14.0', 300_000, 'h11', []],
  ['Werkzeug', '3.1.5', 1_760_000, 'werkzeug', []],
  ['itsdangerous', '2.2.0', 100_000, 'itsdangerous', []],
  ['click', '8.1.8', 930_000, 'click', []],
  ['blinker', '1.9.0', 60_000, 'blinker', []],
  ['Jinja2', '3.1.5', 1_200_000, 'jinja2', []],
  ['MarkupSafe', '3.0.2', 90_000, 'markupsafe', []],
  ['pydantic', '2.12.5', 4_000_000, 'pydantic', []],
  ['pydantic_core', '2.41.5', 5_200_000, 'pydantic_core', ['_pydantic_core.cpython-311-x86_64-linux-gnu.so']],
  ['annotated-types', '0.7.0', 70_000, 'annotated_types', []],
  ['typing-inspection', '0.4.2', 60_000, 'typing_inspection', []],
  ['typing_extensions', '4.12.2', 360_000, 'typing_extensions', []],
  ['PyJWT', '2.10.1', 120_000, 'jwt', []],
  ['pymongo', '4.16.0', 6_300_000, 'pymongo', []],
  ['dnspython', '2.7.0', 1_600_000, 'dns', []],
  ['python-dotenv', '1.2.1', 120_000, 'dotenv', []],
  ['gunicorn', '23.0.0', 600_000, 'gunicorn', []],
];

const TORCH_DEPS = [
  ['sympy', '1.13.1', 64 * MB, 'sympy', []],
  ['mpmath', '1.3.0', 5_400_000, 'mpmath', []],
  ['networkx', '3.4.2', 17 * MB, 'networkx', []],
  ['fsspec', '2024.12.0', 1_500_000, 'fsspec', []],
  ['filelock', '3.17.0', 90_000, 'filelock', []],
];

// torch 2.6.0: the CPU wheel's layout is the measured torch 2.13.0+cpu one (FACTS.md); the
// +cu124 build adds libtorch_cuda.so and friends (its wheel is ~766 MB compressed, ~1.5 GB installed).
const TORCH_CPU_LIBS = [
  ['lib/libtorch_cpu.so', 434_184_800],
  ['bin/protoc-3.13.0.0', 26_000_000],
  ['bin/torch_shm_manager', 26_000_000],
  ['lib/libtorch_python.so', 29_000_000],
  ['lib/libgomp-a34b3233.so.1', 1_700_000],
];
const TORCH_CPU = ['torch', '2.6.0+cpu', 699_298_109, 'torch', TORCH_CPU_LIBS];
const TORCH_CUDA = ['torch', '2.6.0+cu124', 1_540 * MB, 'torch', [['lib/libtorch_cuda.so', 805_000_000], ...TORCH_CPU_LIBS, ['lib/libc10_cuda.so', 1_200_000], ['lib/libcaffe2_nvrtc.so', 400_000]]];
const TRITON = ['triton', '3.2.0', 250 * MB, 'triton', ['backends/nvidia/bin/ptxas', 'backends/nvidia/bin/cuobjdump', '_C/libtriton.so']];
const EVENTLET = [
  ['eventlet', '0.38.2', 1_300_000, 'eventlet', []],
  ['greenlet', '3.1.1', 1_400_000, 'greenlet', ['_greenlet.cpython-311-x86_64-linux-gnu.so']],
];
const BASE_PIP = [
  ['pip', '24.0', 13_300_000, 'pip', []],
  ['setuptools', '65.5.1', 3_100_000, 'setuptools', []],
  ['wheel', '0.45.1', 200_000, 'wheel', []],
];

/** Debian packages of a python:3.11-slim-like base: [name, version, bytes, big files]. */
const DEB_BASE = [
  ['libc6', '2.36-9+deb12u9', 12_900_000, ['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libm.so.6']],
  ['libstdc++6', '12.2.0-14', 2_600_000, ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30']],
  ['libssl3', '3.0.15-1~deb12u1', 6_500_000, ['/usr/lib/x86_64-linux-gnu/libcrypto.so.3']],
  ['perl-base', '5.36.0-7+deb12u1', 7_800_000, ['/usr/bin/perl']],
  ['coreutils', '9.1-1', 7_000_000, ['/bin/ls', '/bin/cp']],
  ['bash', '5.2.15-2+b7', 1_900_000, ['/bin/bash']],
  ['apt', '2.6.1', 4_200_000, ['/usr/lib/x86_64-linux-gnu/libapt-pkg.so.6.0.0']],
  ['dpkg', '1.21.22', 6_700_000, ['/usr/bin/dpkg']],
  ['util-linux', '2.38.1-5+deb12u3', 3_300_000, ['/bin/mount']],
  ['tar', '1.34+dfsg-1.2+deb12u1', 3_100_000, ['/bin/tar']],
  ['libsqlite3-0', '3.40.1-2+deb12u1', 1_500_000, ['/usr/lib/x86_64-linux-gnu/libsqlite3.so.0.8.6']],
  ['tzdata', '2025a-0+deb12u1', 2_500_000, []],
  ['ca-certificates', '20230311', 400_000, []],
  ['base-files', '12.4+deb12u9', 300_000, []],
];
const DEB_GCC = [
  ['gcc-12', '12.2.0-14', 36_000_000, ['/usr/lib/gcc/x86_64-linux-gnu/12/lto1', '/usr/bin/x86_64-linux-gnu-gcc-12']],
  ['cpp-12', '12.2.0-14', 32_000_000, ['/usr/lib/gcc/x86_64-linux-gnu/12/cc1']],
  ['binutils-x86-64-linux-gnu', '2.40-2', 10_500_000, ['/usr/bin/x86_64-linux-gnu-ld.bfd']],
  ['libgcc-12-dev', '12.2.0-14', 8_300_000, ['/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a']],
  ['libc6-dev', '2.36-9+deb12u9', 21_000_000, ['/usr/lib/x86_64-linux-gnu/libc.a']],
  ['linux-libc-dev', '6.1.128-1', 8_000_000, []],
  ['libasan8', '12.2.0-14', 8_700_000, ['/usr/lib/x86_64-linux-gnu/libasan.so.8.0.0']],
  ['libisl23', '0.25-1.1', 3_700_000, ['/usr/lib/x86_64-linux-gnu/libisl.so.23.2.0']],
  ['gcc', '4:12.2.0-3', 50_000, []],
];

// ---------------------------------------------------------------------------------------------
// Building file lists.

function scaled(n, scale) {
  return Math.max(1, Math.round(n * scale));
}

/** A pip distribution as pip lays it out: its files, METADATA and a RECORD listing them all. */
function pipPackage([name, version, bytes, top, big], site, scale, extra = {}) {
  const total = scaled(bytes, scale);
  const files = [];
  const bigShare = big.length ? 0.8 : 0;
  let left = total;
  big.forEach((p, i) => {
    // [path, bytes] gives a measured size; a bare path gets a share of 80% of the package
    const n = Array.isArray(p) ? scaled(p[1], scale) : Math.floor((total * bigShare) / big.length / (i + 1) ** 0.3);
    files.push({ path: `${site}/${top}/${Array.isArray(p) ? p[0] : p}`, size: n });
    left -= n;
  });
  const small = Math.min(extra.maxSmall ?? 400, Math.max(3, Math.floor(left / 40_000)));
  for (let i = 0; i < small; i++) {
    const n = i === small - 1 ? Math.max(0, left) : Math.floor((left / (small - i)) * (0.5 + ((i * 7919) % 100) / 100));
    files.push({ path: `${site}/${top}/${i % 5 === 0 ? '__pycache__/' : ''}m${i}.${i % 5 === 0 ? 'cpython-311.pyc' : 'py'}`, size: Math.max(0, n) });
    left -= Math.max(0, n);
  }
  const distInfo = `${site}/${name.replace(/-/g, '_')}-${version}.dist-info`;
  const metadata = Buffer.from(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: synthetic sample of ${name}\n\n`);
  files.push({ path: `${distInfo}/METADATA`, content: metadata });
  files.push({ path: `${distInfo}/INSTALLER`, content: Buffer.from('pip\n') });
  if (extra.bin) {
    files.push({ path: `${site}/../../../bin/${extra.bin}`, size: 220, normalise: true });
  }
  const rows = files.map((f) => `${f.path.slice(site.length + 1)},sha256=synthetic,${f.content ? f.content.length : f.size}`);
  rows.push(`${name.replace(/-/g, '_')}-${version}.dist-info/RECORD,,`);
  files.push({ path: `${distInfo}/RECORD`, content: Buffer.from(`${rows.join('\n')}\n`) });
  return files.map((f) => (f.normalise ? { ...f, path: normalise(f.path) } : f));
}

function normalise(p) {
  const out = [];
  for (const part of p.split('/')) {
    if (part === '..') out.pop();
    else if (part && part !== '.') out.push(part);
  }
  return out.join('/');
}

/** Debian packages with their .list files and a status database. */
function debPackages(pkgs, scale, statusBefore = []) {
  const files = [];
  const status = [...statusBefore];
  for (const [name, version, bytes, big] of pkgs) {
    const total = scaled(bytes, scale);
    const listed = [];
    const n = big.length || 1;
    const paths = big.length ? big : [`/usr/share/doc/${name}/changelog.Debian.gz`];
    paths.forEach((p, i) => {
      // merged-/usr: dpkg lists /bin/bash, the file is stored at usr/bin/bash
      const stored = p.replace(/^\/(bin|lib|sbin)\//, '/usr/$1/');
      files.push({ path: stored.slice(1), size: Math.floor(total / n) - (i === 0 ? 0 : 0) });
      listed.push(p);
    });
    files.push({ path: `usr/share/doc/${name}/copyright`, size: 1500 });
    listed.push(`/usr/share/doc/${name}/copyright`);
    files.push({ path: `var/lib/dpkg/info/${name}.list`, content: Buffer.from(`/.\n/usr\n/usr/share\n${listed.join('\n')}\n`) });
    status.push(`Package: ${name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\n`);
  }
  return { files, status };
}

function layer(createdBy, files) {
  return { createdBy, files };
}

function baseLayers(scale) {
  const deb = debPackages(DEB_BASE, scale);
  const rootfs = [
    { path: 'bin', symlink: 'usr/bin' },
    { path: 'lib', symlink: 'usr/lib' },
    { path: 'sbin', symlink: 'usr/sbin' },
    { path: 'lib64', symlink: 'usr/lib64' },
    ...deb.files,
    { path: 'var/lib/dpkg/status', content: Buffer.from(deb.status.join('\n')) },
    { path: 'etc/os-release', content: Buffer.from('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n') },
  ];
  const python = [
    { path: 'usr/local/bin/python3.11', size: scaled(16_000, scale) },
    { path: 'usr/local/bin/python3', symlink: 'python3.11' },
    { path: 'usr/local/lib/libpython3.11.so.1.0', size: scaled(24_800_000, scale) },
    ...Array.from({ length: 60 }, (_, i) => ({ path: `usr/local/lib/python3.11/${i % 3 ? 'lib' : 'encodings/'}mod${i}.py`, size: scaled(180_000, scale) })),
    ...Array.from({ length: 20 }, (_, i) => ({ path: `usr/local/lib/python3.11/lib-dynload/_ext${i}.cpython-311-x86_64-linux-gnu.so`, size: scaled(600_000, scale) })),
    ...BASE_PIP.flatMap((p) => pipPackage(p, sp311, scale)),
  ];
  return {
    layers: [layer('# debian.sh --arch amd64 out/ bookworm @1737331200', rootfs), layer('RUN /bin/sh -c set -eux; ... ./configure --enable-optimizations ... make install # buildkit', python)],
    status: deb.status,
  };
}

function appCode(scale) {
  return [
    { path: 'app/app/__init__.py', size: 2_400 },
    { path: 'app/app/routes.py', size: 9_800 },
    { path: 'app/app/extensions.py', size: 600 },
    { path: 'app/app/model.py', size: 5_300 },
    { path: 'app/wsgi.py', size: 400 },
    { path: 'app/requirements.txt', size: 330 },
  ].map((f) => ({ ...f, size: scaled(f.size, Math.max(scale, 1)) }));
}

/**
 * The two images. `scale` shrinks every synthetic size (tests use 0.01); the file layout,
 * packages, versions and layers stay the same.
 */
export function seedImage(which, { scale = 1 } = {}) {
  const base = baseLayers(scale);
  if (which === 'before') {
    const gcc = debPackages(DEB_GCC, scale, base.status);
    const aptLists = Array.from({ length: 6 }, (_, i) => ({ path: `var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.${i}.lz4`, size: scaled(7_800_000, scale) }));
    const site = [TORCH_CUDA, ...CUDA_WHEELS, TRITON, ...TORCH_DEPS, ...DATA_STACK, ...WEB_STACK];
    const pipFiles = site.flatMap((p) => pipPackage(p, sp311, scale, p === TORCH_CUDA ? { bin: 'torchrun' } : {}));
    // PyJWT is listed twice in requirements.txt; pip installs it once
    const copied = [
      ...appCode(scale),
      { path: 'app/models/sentiment_model.pt', size: scaled(96_000_000, scale) },
      { path: 'app/models/encoder.pth', size: scaled(48_500_000, scale) },
      { path: 'app/models/tfidf_vectorizer.pkl', size: scaled(12_300_000, scale) },
      { path: 'app/data/embeddings.npy', size: scaled(64_000_000, scale) },
      { path: 'app/tests/fixtures/tiny.pt', size: 2_048 },
      { path: 'app/.env', content: Buffer.from('MONGO_URI=mongodb+srv://user:REDACTED@cluster0.example.net/app\nJWT_SECRET=REDACTED\n') },
      ...Array.from({ length: 40 }, (_, i) => ({ path: `app/.git/objects/pack/pack-${i}.pack`, size: scaled(620_000, scale) })),
      { path: 'app/.git/HEAD', content: Buffer.from('ref: refs/heads/main\n') },
      { path: 'app/.venv/pyvenv.cfg', content: Buffer.from('home = /usr/bin\n') },
    ];
    return {
      tags: ['flask-torch-app:before'],
      layers: [
        ...base.layers,
        layer('WORKDIR /app', [{ path: 'app', dir: true }]),
        layer('RUN apt-get update && apt-get install -y gcc', [...gcc.files, { path: 'var/lib/dpkg/status', content: Buffer.from(gcc.status.join('\n')) }, ...aptLists]),
        layer('COPY requirements.txt . # buildkit', [{ path: 'app/requirements.txt', size: 330 }]),
        layer('RUN pip install --no-cache-dir -r requirements.txt # buildkit', pipFiles),
        layer('COPY . . # buildkit', copied),
      ],
      emptySteps: ['CMD ["gunicorn", "-b", "0.0.0.0:8000", "app.app:app"]'],
    };
  }
  const site = [TORCH_CPU, ...TORCH_DEPS, ...DATA_STACK, ...WEB_STACK.filter(([n]) => n !== 'Werkzeug' || true), ...EVENTLET, ...BASE_PIP];
  const venvFiles = [
    { path: 'opt/venv/pyvenv.cfg', content: Buffer.from('home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.11.11\n') },
    { path: 'opt/venv/bin/python', symlink: '/usr/local/bin/python' },
    ...site.flatMap((p) => pipPackage(p, venv, scale)),
  ];
  return {
    tags: ['flask-torch-app:after'],
    layers: [...base.layers, layer('WORKDIR /app', [{ path: 'app', dir: true }]), layer('COPY /opt/venv /opt/venv # buildkit', venvFiles), layer('COPY . . # buildkit', appCode(scale))],
    emptySteps: ['ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin', 'CMD ["gunicorn", "-k", "eventlet", "-w", "1", "-b", "0.0.0.0:8000", "wsgi:app"]'],
  };
}

// ---------------------------------------------------------------------------------------------
// Writing: tar headers, gzip members, the outer docker-archive.

const ZEROS = Buffer.alloc(1024);

/** The layer tar as pieces: raw buffers, 'B' for a full copy of the block, k for its first 2^k bytes. */
function layerPieces(files) {
  const pieces = [];
  const dirs = new Set();
  const addDir = (p) => {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        pieces.push(tarHeader(`${d}/`, 0, '5'));
      }
    }
  };
  for (const f of files) {
    addDir(f.path);
    if (f.dir) {
      if (!dirs.has(f.path)) {
        dirs.add(f.path);
        pieces.push(tarHeader(`${f.path}/`, 0, '5'));
      }
      continue;
    }
    if (f.symlink !== undefined) {
      pieces.push(tarHeader(f.path, 0, '2', f.symlink));
      continue;
    }
    const size = f.content ? f.content.length : f.size;
    pieces.push(tarHeader(f.path, size));
    if (f.content) pieces.push(f.content);
    else {
      for (let i = 0; i < Math.floor(size / MiB); i++) pieces.push('B');
      let rem = size % MiB;
      for (let k = 19; k >= 9; k--) {
        if (rem >= 2 ** k) {
          pieces.push(k);
          rem -= 2 ** k;
        }
      }
      if (rem) pieces.push(BLOCK.subarray(0, rem));
    }
    if (size % 512) pieces.push(ZEROS.subarray(0, 512 - (size % 512)));
  }
  pieces.push(ZEROS);
  return pieces;
}

const STORED_MAX = 60 * 1024;

/** gzip members for the pieces: B as the member compressed once, the rest stored. */
function* gzipMembers(pieces) {
  let pending = [];
  let pendingLen = 0;
  function* flush() {
    if (pendingLen === 0) return;
    const data = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    pending = [];
    pendingLen = 0;
    yield storedMember(data);
  }
  for (const p of pieces) {
    if (p === 'B' || typeof p === 'number') {
      yield* flush();
      yield p === 'B' ? BLOCK_GZ : PREFIX_GZ.get(p);
      continue;
    }
    for (let off = 0; off < p.length; ) {
      const n = Math.min(p.length - off, STORED_MAX - pendingLen);
      pending.push(p.subarray(off, off + n));
      pendingLen += n;
      off += n;
      if (pendingLen >= STORED_MAX) yield* flush();
    }
  }
  yield* flush();
}

function storedMember(data) {
  const head = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  const block = Buffer.alloc(5);
  block[0] = 1; // final, stored
  block.writeUInt16LE(data.length, 1);
  block.writeUInt16LE(~data.length & 0xffff, 3);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([head, block, data, trailer]);
}

function storedLength(n) {
  return 10 + 5 + n + 8;
}

/** Compressed length of the layer, computed without compressing (to write its tar header first). */
function gzipLength(pieces) {
  let total = 0;
  let pendingLen = 0;
  for (const p of pieces) {
    if (p === 'B' || typeof p === 'number') {
      if (pendingLen) total += storedLength(pendingLen);
      pendingLen = 0;
      total += p === 'B' ? BLOCK_GZ.length : PREFIX_GZ.get(p).length;
      continue;
    }
    let len = p.length;
    while (len > 0) {
      const n = Math.min(len, STORED_MAX - pendingLen);
      pendingLen += n;
      len -= n;
      if (pendingLen >= STORED_MAX) {
        total += storedLength(pendingLen);
        pendingLen = 0;
      }
    }
  }
  if (pendingLen) total += storedLength(pendingLen);
  return total;
}

const pad512 = (n) => ZEROS.subarray(0, (512 - (n % 512)) % 512);

/** Streams the image as a docker-archive with gzip layers. Yields Buffers. */
export async function* seedArchive(which, opts = {}) {
  const img = seedImage(which, opts);
  const diffIds = [];
  for (let i = 0; i < img.layers.length; i++) {
    const pieces = layerPieces(img.layers[i].files);
    const name = `layer-${i + 1}.tar.gz`;
    yield tarHeader(name, gzipLength(pieces));
    const h = createHash('sha256');
    let written = 0;
    for (const m of gzipMembers(pieces)) {
      written += m.length;
      yield m;
    }
    for (const p of pieces) h.update(p === 'B' ? BLOCK : typeof p === 'number' ? BLOCK.subarray(0, 2 ** p) : p);
    diffIds.push(`sha256:${h.digest('hex')}`);
    yield pad512(written);
  }
  const history = [
    ...img.layers.map((l) => ({ created: '2025-01-20T00:00:00Z', created_by: l.createdBy })),
    ...img.emptySteps.map((s) => ({ created: '2025-01-20T00:00:00Z', created_by: s, empty_layer: true })),
  ];
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', created: '2025-01-20T00:00:00Z', config: { WorkingDir: '/app' }, rootfs: { type: 'layers', diff_ids: diffIds }, history }),
  );
  yield tarHeader('config.json', config.length);
  yield config;
  yield pad512(config.length);
  const manifest = Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: img.tags, Layers: img.layers.map((_, i) => `layer-${i + 1}.tar.gz`) }]));
  yield tarHeader('manifest.json', manifest.length);
  yield manifest;
  yield pad512(manifest.length);
  yield ZEROS;
}

// CLI: node samples/seed.mjs before|after [scale] > archive.tar
if (import.meta.url === `file://${process.argv[1]}`) {
  const which = process.argv[2];
  if (which !== 'before' && which !== 'after') {
    process.stderr.write('usage: node samples/seed.mjs before|after [scale] > image.tar\n');
    process.exit(2);
  }
  const scale = process.argv[3] ? Number(process.argv[3]) : 1;
  for await (const chunk of seedArchive(which, { scale })) {
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
  }
}
