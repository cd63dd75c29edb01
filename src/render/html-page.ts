/**
 * The HTML document around the page data: the style, the viewer's script and the data, inline, under
 * a content-security-policy that allows exactly those two (by hash) and nothing else — no request
 * of any kind can leave the page. The data is JSON in a non-executed script element, every `<`
 * escaped, so no string from the image can end it; the viewer shows strings as text only.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ImgsizeError } from '../base/errors.js';
import type { PageData } from './html-data.js';

const STYLE = `
:root { color-scheme: light; --ink: #1d1d1d; --muted: #5c5c5c; --line: #d0d0d0; --grew: #b34700; --shrank: #005a8c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--ink); background: #fff; }
header { padding: 12px 20px 6px; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 6px; overflow-wrap: anywhere; }
h1 .platform { font-weight: 400; color: var(--muted); }
h2 { font-size: 16px; margin: 14px 0 6px; }
h3 { font-size: 14px; margin: 10px 0 4px; }
.totals { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0; }
.totals dt { color: var(--muted); }
.totals dd { margin: 0 0 0 -12px; font-weight: 600; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(320px, 2fr); gap: 0 20px; padding: 0 20px 20px; }
main > .verdict { grid-column: 1 / -1; }
@media (max-width: 1000px) { main { grid-template-columns: minmax(0, 1fr); } }
.map { min-width: 0; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; margin: 10px 0 6px; }
.crumbs { display: flex; flex-wrap: wrap; align-items: center; gap: 2px; min-width: 0; overflow-wrap: anywhere; }
.crumb { font: inherit; border: 1px solid var(--line); background: #f7f7f7; border-radius: 3px; padding: 1px 6px; cursor: pointer; }
.crumb[aria-current] { font-weight: 600; background: #fff; }
.sep { color: var(--muted); padding: 0 2px; }
.crumb-total { color: var(--muted); white-space: nowrap; }
.switch { display: flex; gap: 10px; border: 0; margin: 0; padding: 0; }
.switch legend { float: left; padding-right: 6px; color: var(--muted); }
.stage { position: relative; }
canvas { display: block; width: 100%; height: max(420px, 68vh); border: 1px solid var(--line); background: #fafafa; }
canvas:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.tip { position: absolute; z-index: 2; max-width: min(460px, 90%); padding: 6px 8px; background: #fff; border: 1px solid #888; border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,.2); pointer-events: none; overflow-wrap: anywhere; font-size: 13px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; padding: 0; margin: 6px 0; }
.swatch { display: inline-block; width: 14px; height: 14px; margin-right: 4px; vertical-align: -2px; border: 1px solid rgba(0,0,0,.35); }
.swatch.p1 { background-image: repeating-linear-gradient(45deg, rgba(255,255,255,.55) 0 2px, transparent 2px 5px); }
.swatch.p2 { background-image: radial-gradient(rgba(255,255,255,.6) 30%, transparent 31%); background-size: 5px 5px; }
.note { color: var(--muted); font-size: 13px; margin: 4px 0; }
.list .contents { columns: 2 240px; margin: 6px 0; }
.list button { font: inherit; border: 0; background: none; color: #0b57d0; text-decoration: underline; cursor: pointer; padding: 0; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 13px; }
caption { text-align: left; color: var(--muted); }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; vertical-align: top; overflow-wrap: anywhere; }
th { font-weight: 600; border-bottom: 1px solid var(--line); overflow-wrap: normal; }
td.tag { white-space: nowrap; }
th.num { white-space: normal; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.step { font-family: ui-monospace, monospace; font-size: 12px; overflow-wrap: anywhere; }
button.layer { font: inherit; display: inline-flex; align-items: center; border: 1px solid var(--line); background: #fff; border-radius: 3px; cursor: pointer; padding: 1px 6px; }
button.layer[aria-pressed="true"] { background: #222; color: #fff; }
.layer-detail { border-left: 3px solid #222; padding-left: 10px; }
.layer-detail:empty { display: none; }
.findings { padding-left: 18px; }
.findings > li { margin-bottom: 8px; overflow-wrap: anywhere; }
.findings .fix { margin: 2px 0; color: var(--muted); }
button.reveal { font: inherit; border: 0; background: none; color: #0b57d0; text-decoration: underline; cursor: pointer; padding: 0; text-align: left; overflow-wrap: anywhere; }
.findings .error strong { color: #a00; }
.grew { color: var(--grew); }
.shrank { color: var(--shrank); }
.verdict { margin-top: 12px; padding: 6px 12px; border: 2px solid #2e7d32; border-radius: 4px; }
.verdict.failed { border-color: #c62828; }
.verdict pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
.group { margin: 2px 0; }
main > .top-findings { grid-column: 1 / -1; }
.top-findings .findings { columns: 2 440px; column-gap: 28px; margin: 4px 0; }
.top-findings .findings > li { break-inside: avoid; }
.fixes pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; padding: 4px 6px; background: #f7f7f7; border: 1px solid var(--line); }
input.search { font: inherit; width: 100%; box-sizing: border-box; padding: 4px 6px; margin: 4px 0; }
.search-results { list-style: none; padding: 0; margin: 4px 0; overflow-wrap: anywhere; }
.search-results li { margin: 2px 0; }
td.ver { overflow-wrap: normal; word-break: keep-all; }
footer { padding: 10px 20px 20px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
`;

let viewer: string | undefined;
/** The viewer's script, built into the action's bundle (scripts/bundle.mjs); undefined elsewhere. */
declare const __IMGSIZE_VIEWER__: string | undefined;

/** The built viewer (dist/viewer/viewer.js: two folders up from src/render and from dist/render alike). */
function viewerScript(): string {
  if (typeof __IMGSIZE_VIEWER__ === 'string') return __IMGSIZE_VIEWER__;
  if (viewer !== undefined) return viewer;
  try {
    viewer = readFileSync(new URL('../../dist/viewer/viewer.js', import.meta.url), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
  } catch (e) {
    throw new ImgsizeError('internal', 'html', `the HTML viewer is not built (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { hint: 'run npm run build' });
  }
  return viewer;
}

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** JSON that cannot close its script element, open a comment or be read as markup. */
export function scriptJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

export function htmlDocument(title: string, data: PageData): string {
  const script = viewerScript();
  const csp = [`default-src 'none'`, `script-src ${hash(script)}`, `style-src ${hash(STYLE)}`, `img-src 'none'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<script type="application/json" id="data">${scriptJson(data)}</script>`,
    `<script type="module">${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
