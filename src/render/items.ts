/** One line for a thing behind a finding or a rule: a package, a path in a layer, a forbidden hit. */
import type { RuleItem } from '../gate/budget.js';
import { human } from './units.js';

export function describeItem(i: RuleItem): string {
  if ('entries' in i) {
    const gone = i.removedBy !== null ? `, deleted in layer ${i.removedBy} but still shipped` : '';
    const what = i.entries > 1 ? `: ${i.entries.toLocaleString('en-US')} entries, ${human(i.bytes)}` : i.bytes > 0 ? `: ${human(i.bytes)}` : '';
    return `${i.path} (layer ${i.layer}${gone})${what}`;
  }
  if (i.package !== undefined) return `${i.package}${i.version ? ` ${i.version}` : ''}${i.path ? ` in ${i.path}` : ''} (${human(i.bytes)})`;
  const at = [i.layer !== undefined ? `layer ${i.layer}` : '', i.removedBy !== undefined ? `removed in layer ${i.removedBy}` : ''].filter(Boolean).join(', ');
  return `${i.path ?? ''} (${human(i.bytes)}${at ? `, ${at}` : ''})`;
}
