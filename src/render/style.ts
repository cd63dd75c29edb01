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

/**
 * What the terminal allows: its width (a TTY's; undefined when piped, where nothing is cut or
 * wrapped) and colour (decided by the CLI: a TTY, NO_COLOR, FORCE_COLOR).
 */
export interface Terminal {
  readonly width?: number | undefined;
  readonly color?: boolean | undefined;
}

const SGR = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;

/** `text` in a colour when the terminal takes colour; unchanged otherwise. */
export function paint(t: Terminal | undefined, colour: keyof typeof SGR, text: string): string {
  return t?.color ? `\u001b[${SGR[colour]}m${text}\u001b[0m` : text;
}

/** A path cut from the left to `n` characters: the file name is what a reader needs. */
export function clipPath(s: string, n: number): string {
  return s.length > n ? `…${s.slice(s.length - Math.max(1, n - 1))}` : s;
}

/**
 * Cuts one column's cells so that the table fits `width` (columns two spaces apart): the other
 * columns keep their widths. Paths lose their start, other text its end. Without a width, nothing.
 */
export function fitColumn(head: readonly string[], rows: string[][], col: number, width: number | undefined, kind: 'path' | 'text'): void {
  if (width === undefined) return;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const others = widths.reduce((a, w, i) => (i === col ? a : a + w), 0) + 2 * (head.length - 1);
  const room = Math.max(12, width - others);
  for (const r of rows) if ((r[col] ?? '').length > room) r[col] = kind === 'path' ? clipPath(r[col]!, room) : clip(r[col]!, room);
}

/** Prose on a terminal: words wrapped at `width`, continuation lines indented like the first line's text. */
export function wrap(line: string, width: number | undefined, indent = '  '): string {
  if (width === undefined || line.length <= width) return line;
  const lead = /^ */.exec(line)![0];
  const out: string[] = [];
  let cur = lead;
  for (const word of line.slice(lead.length).split(' ')) {
    if (cur.trim() !== '' && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = `${indent}${word}`;
    } else cur = cur.trim() === '' ? `${cur}${word}` : `${cur} ${word}`;
  }
  out.push(cur);
  return out.map((l) => (l.length > width ? clip(l, width) : l)).join('\n');
}
