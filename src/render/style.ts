/** The borderless cli-table3 style every table uses. */
import { createRequire } from 'node:module';
import type Table from 'cli-table3';

const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

let TableClass: typeof Table | undefined;

export function plainTable(head: string[], aligns: ('left' | 'right')[]): Table.Table {
  // loaded on first use: cli-table3 and its string-width take ~35 ms to load, which --json,
  // Markdown and `check` output never need
  TableClass ??= createRequire(import.meta.url)('cli-table3') as typeof Table;
  return new TableClass({ ...PLAIN, head, colAligns: aligns });
}

/** A Dockerfile step on one line: whitespace collapsed, cut to `n` characters with an ellipsis. */
export function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, Math.max(1, n - 1))}…` : one;
}
