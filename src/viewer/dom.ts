/** Building the page: elements with text only (never markup), tables, sized figures. */
import { visible } from '../render/escape.js';
import { exact, human, signed } from './format.js';

export { visible };
export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, visible(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(typeof c === 'string' ? document.createTextNode(visible(c)) : c);
  return e;
}

/** `align`: one letter per column — l text, r a figure (right, no wrap), t a short tag (no wrap), v a version (breaks only between versions). */
export function table(head: readonly string[], rows: readonly (readonly Child[])[], align: string, caption?: string): HTMLTableElement {
  const cls = (i: number): string => (align[i] === 'r' ? 'num' : align[i] === 't' ? 'tag' : align[i] === 'v' ? 'ver' : '');
  const t = el('table');
  if (caption) t.append(el('caption', {}, caption));
  t.append(el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', { scope: 'col', class: cls(i) }, h)))));
  const body = el('tbody');
  for (const r of rows) body.append(el('tr', {}, ...r.map((c, i) => el('td', { class: cls(i) }, c))));
  t.append(body);
  return t;
}

export const sized = (bytes: number, text = human(bytes)): HTMLElement => el('span', { title: exact(bytes) }, text);
export const signedSized = (bytes: number): HTMLElement => el('span', { title: `${bytes > 0 ? '+' : ''}${exact(bytes)}`, class: bytes > 0 ? 'grew' : bytes < 0 ? 'shrank' : '' }, signed(bytes));

export function oneLine(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, Math.max(1, n - 1))}…` : one;
}
