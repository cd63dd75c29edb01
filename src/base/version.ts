/** imgsize's version, from package.json beside src/ or dist/ (the CLI's --version, the HTML footer). */
import { readFileSync } from 'node:fs';

export const VERSION = ((): string => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
