/** The borderless cli-table3 style every table uses. */
import Table from 'cli-table3';

const PLAIN = {
  chars: {
    top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
    bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
    left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
  },
  style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
};

export function plainTable(head: string[], aligns: ('left' | 'right')[]): Table.Table {
  return new Table({ ...PLAIN, head, colAligns: aligns });
}
