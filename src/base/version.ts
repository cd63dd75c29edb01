/** imgsize's version, from package.json beside src/ or dist/ (the CLI's --version, the HTML footer); the action's bundle has it built in. */
import { readFileSync } from 'node:fs';

/** Set by the bundle (scripts/bundle.mjs); undefined when run from dist/ or src/. */
declare const __IMGSIZE_VERSION__: string | undefined;

export const VERSION = ((): string => {
  if (typeof __IMGSIZE_VERSION__ === 'string') return __IMGSIZE_VERSION__;
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
