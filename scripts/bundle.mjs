#!/usr/bin/env node
/**
 * npm run bundle: the GitHub Action's single file, action/imgsize.mjs — the CLI and the action
 * with every dependency inlined (an action runs from its repository, with no npm install), built
 * by vite (a devDependency) for Node 20. What the CLI reads from disk beside dist/ is inlined as
 * constants: the version, the HTML viewer's script, sql.js's WebAssembly (rpm's database).
 * zstd-napi, a native addon, is left out: the bundle decodes zstd with the zstd command or fzstd.
 *
 * `--check` builds into a temporary folder and fails when the committed file differs (.ci/run).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'action/imgsize.mjs');
const check = process.argv.includes('--check');

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const viewer = readFileSync(path.join(ROOT, 'dist/viewer/viewer.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
const wasm = readFileSync(path.join(ROOT, 'node_modules/sql.js/dist/sql-wasm.wasm')).toString('base64');

/**
 * `createRequire(import.meta.url)('x')` loads a dependency lazily in dist/ (cli-table3: 35 ms that
 * --json never pays); in the bundle it becomes a static import, inlined like the rest.
 */
const inlineRequires = {
  name: 'imgsize-inline-requires',
  transform(code, id) {
    if (!id.startsWith(path.join(ROOT, 'src'))) return null;
    const names = [];
    const out = code.replace(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g, (all, _q, name) => {
      if (name.startsWith('zstd-napi')) return all;
      names.push(name);
      return `__imgsize_require_${names.length - 1}`;
    });
    if (names.length === 0) return null;
    return { code: `${names.map((n, i) => `import __imgsize_require_${i} from ${JSON.stringify(n)};`).join('\n')}\n${out}`, map: null };
  },
};

const outDir = mkdtempSync(path.join(tmpdir(), 'imgsize-bundle-'));
try {
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    plugins: [inlineRequires],
    define: {
      __IMGSIZE_VERSION__: JSON.stringify(pkg.version),
      __IMGSIZE_VIEWER__: JSON.stringify(viewer),
      __IMGSIZE_SQL_WASM__: JSON.stringify(wasm),
    },
    ssr: { noExternal: true, external: ['zstd-napi'], target: 'node' },
    build: {
      ssr: path.join(ROOT, 'src/action/index.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: false,
      reportCompressedSize: false,
      rollupOptions: {
        output: {
          format: 'es',
          entryFileNames: 'imgsize.mjs',
          codeSplitting: false,
          // CommonJS dependencies (sql.js's loader) read __dirname and __filename, which an ES module has not
          banner:
            "import { fileURLToPath as __imgsize_fileURLToPath } from 'node:url';\nconst __filename = __imgsize_fileURLToPath(import.meta.url);\nconst __dirname = __imgsize_fileURLToPath(new URL('.', import.meta.url));",
        },
      },
    },
  });
  const built = `// imgsize ${pkg.version}: the GitHub Action's bundle, made by npm run bundle (scripts/bundle.mjs); do not edit\n${readFileSync(path.join(outDir, 'imgsize.mjs'), 'utf8')}`;
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(OUT, 'utf8');
    } catch {
      /* missing */
    }
    if (committed !== built) {
      console.error('action/imgsize.mjs is not current: run npm run bundle and commit it');
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, built);
    console.error(`wrote ${path.relative(ROOT, OUT)} (${(Buffer.byteLength(built) / 1e6).toFixed(1)} MB)`);
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
