import { basename, displayPath } from '../../base/paths.js';
import { lookup } from '../squash.js';
import { PKG_DIR, type FindingDefinition } from './types.js';

/** Secrets by path only, never content. */
export function isSecretPath(path: string): boolean {
  const b = basename(path);
  if (/^\.env(\.(?!example$|sample$|template$|dist$|defaults?$)[\w.-]+)?$/.test(b)) return true;
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(b)) return true;
  if (/(^|\/)\.aws\/credentials$|(^|\/)\.docker\/config\.json$|(^|\/)\.git-credentials$|(^|\/)\.netrc$|(^|\/)\.pypirc$|(^|\/)\.npmrc$/.test(path)) return true;
  if (/^(credentials|service[-_]?account[^/]*|gcp[-_]?key[^/]*)\.json$/i.test(b) && !PKG_DIR.test(path)) return true;
  if (/\.(pem|key|p12|pfx)$/i.test(b) && !PKG_DIR.test(path) && !/^(usr\/(share|lib)|etc\/ssl\/certs|etc\/ca-certificates)\//.test(path) && !/(cert|chain|ca-bundle|cacert)/i.test(b)) return true;
  return false;
}

/** Secret-looking files in any layer, also when a later layer deleted them (they still ship). */
export const secrets = {
  code: 'secrets',
  severity: 'error',
  when: '`.env`, private keys, cloud/registry credentials — by path only, also when a later layer deleted them',
  fix: 'never COPY secrets into an image: use build secrets (RUN --mount=type=secret) or runtime environment; deleting them later does not remove them from the lower layer; rotate any that shipped',
  fixInShort: 'never COPY them; build secrets',
  detect({ input }) {
    const found: { path: string; layer: number; bytes: number; deleted: boolean }[] = [];
    input.layers.forEach((l, li) => {
      for (const e of l.files) {
        if ((e.kind === 'file' || e.kind === 'symlink') && isSecretPath(e.path)) {
          const now = lookup(input.root, e.path);
          const stillThere = now !== undefined && now.layer === li && now.kind === e.kind;
          found.push({ path: e.path, layer: li, bytes: e.size, deleted: !stillThere });
        }
      }
    });
    if (found.length === 0) return undefined;
    const removedIn = new Map(input.wasted.map((w) => [`${w.layer}\0${w.path}`, w.by]));
    const deleted = found.filter((s) => s.deleted).length;
    return {
      bytes: found.reduce((a, s) => a + s.bytes, 0),
      title: `${found.length} secret-looking file(s) in the layers${deleted ? ` (${deleted} deleted by a later layer but still shipped in the lower one)` : ''}`,
      items: found.map((s) => {
        const by = s.deleted ? removedIn.get(`${s.layer}\0${s.path}`) : undefined;
        return { path: `/${displayPath(s.path)}`, bytes: s.bytes, layer: s.layer + 1, ...(by !== undefined ? { removedBy: by + 1 } : {}) };
      }),
    };
  },
} satisfies FindingDefinition;
