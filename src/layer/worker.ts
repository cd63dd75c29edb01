/**
 * A worker thread whose body is a real, type-checked function of this package. The function runs in
 * the worker as its own source text, so it must be self-contained: it sees only its parameters
 * (the Node modules it asks for, loaded in the worker, and plain constants), nothing of the module
 * that defines it. Evaluated from text rather than a file so that the same code runs from dist/ and
 * from the action's single-file bundle; the `require` calls are written here, outside the body, so
 * no bundler rewrites them.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The built-in modules a worker body may ask for, by name. */
interface Builtins {
  'node:worker_threads': typeof import('node:worker_threads');
  'node:crypto': typeof import('node:crypto');
  'node:zlib': typeof import('node:zlib');
  'node:fs': typeof import('node:fs');
  'node:v8': typeof import('node:v8');
  'node:vm': typeof import('node:vm');
}

type Loaded<N extends readonly (keyof Builtins)[]> = { [I in keyof N]: N[I] extends keyof Builtins ? Builtins[N[I]] : never };

/** The source a worker evaluates: `body(...modules, constants)`. */
export function workerSource<const N extends readonly (keyof Builtins)[], C>(modules: N, body: (...args: [...Loaded<N>, C]) => void, constants: C): string {
  const loads = modules.map((m) => `require(${JSON.stringify(m)})`);
  return `(${body.toString()})(${[...loads, JSON.stringify(constants)].join(', ')});`;
}

/** Starts a worker on `body`. */
export function startWorker<const N extends readonly (keyof Builtins)[], C>(modules: N, body: (...args: [...Loaded<N>, C]) => void, constants: C, options: WorkerOptions = {}): Worker {
  return new Worker(workerSource(modules, body, constants), { ...options, eval: true });
}
