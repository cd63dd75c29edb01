#!/usr/bin/env node
/**
 * The HTML page's script, dist/viewer/viewer.js: src/viewer/ (its modules, and what it shares with
 * the renderers: render/units.ts's byte formatter, render/escape.ts's `visible`) bundled by vite
 * into one classic script that render/html-page.ts writes inline into every page. `tsc -b
 * src/viewer` type-checks it first (npm run build runs both).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  root: ROOT,
  configFile: false,
  logLevel: 'warn',
  build: {
    outDir: path.join(ROOT, 'dist/viewer'),
    emptyOutDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    reportCompressedSize: false,
    copyPublicDir: false,
    lib: { entry: path.join(ROOT, 'src/viewer/viewer.ts'), formats: ['iife'], name: 'imgsizeViewer', fileName: () => 'viewer.js' },
  },
});
