/**
 * What bytes no package owns are, by kind: the package managers' own databases, Python sources and
 * bytecode outside any package, shared libraries, model and data files, documentation, the rest.
 * Pure: a path (normalised, no leading /) in, a kind out.
 */
import type { UnownedKind } from '../report/schema.js';
import { MODEL_EXTENSIONS } from './findings/model-files.js';

/** Folders the package managers keep for themselves (their databases, lists and caches; and every conda environment's conda-meta). */
const PACKAGE_DATABASES = [
  'var/lib/dpkg/',
  'var/lib/apt/',
  'var/cache/apt/',
  'var/cache/debconf/',
  'var/lib/rpm/',
  'var/cache/dnf/',
  'var/cache/yum/',
  'usr/lib/sysimage/rpm/',
  'lib/apk/',
  'var/cache/apk/',
  'etc/apk/',
  'var/lib/pacman/',
];
const DOCS = ['usr/share/doc/', 'usr/share/man/', 'usr/share/info/', 'usr/share/locale/', 'usr/share/i18n/'];

export function unownedKind(path: string): UnownedKind {
  if (PACKAGE_DATABASES.some((p) => path.startsWith(p)) || /(^|\/)conda-meta\//.test(path)) return 'package-database';
  if (DOCS.some((p) => path.startsWith(p))) return 'documentation';
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (name.endsWith('.py')) return 'python-source';
  if (name.endsWith('.pyc') || name.endsWith('.pyo')) return 'python-bytecode';
  if (/\.so(\.\d+)*$/.test(name) || name.endsWith('.a')) return 'shared-library';
  const dot = name.lastIndexOf('.');
  if (dot > 0 && MODEL_EXTENSIONS.has(name.slice(dot))) return 'model-or-data';
  if (/^(usr\/(local\/)?)?s?bin\//.test(path)) return 'executable';
  if (path.startsWith('etc/')) return 'configuration';
  return 'other';
}
