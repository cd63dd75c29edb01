/**
 * The HTML report's page: reads the data render/html.ts embedded, builds the panels and draws the
 * treemap on a canvas (squarified, laid out again on every zoom, boxes under 3 px left out). Every
 * string from the image reaches the page as text (textContent), never as markup. Runs offline: no
 * request of any kind. A small hook (window.imgsize) lets the browser tests read what was drawn.
 */
import { human, signed } from './format.js';
import { current } from './current.js';
import { visible } from './dom.js';
import { squarify } from './squarify.js';
import { pathOf } from './tree.js';
import { readData } from './page.js';
import { reportPage } from './report-page.js';
import { diffPage } from './diff-page.js';
import { overviewPage } from './overview-page.js';
import { fleetPage } from './fleet-page.js';

const data = readData();
if (data.page === 'diff') diffPage(data);
else if (data.page === 'overview') overviewPage(data);
else if (data.page === 'fleet') fleetPage(data);
else reportPage(data);
// what the browser tests read: the formatting, the layout and the boxes as drawn (CSS pixels)
(window as unknown as { imgsize: unknown }).imgsize = {
  human,
  signed,
  visible,
  squarify,
  root: () => (current.map ? pathOf(current.map.tree, current.map.state.root) : null),
  focus: () => current.map?.focused() ?? null,
  reveal: (path: string) => current.map?.reveal(path),
  boxes: () => {
    const m = current.map;
    return m ? m.boxes.map((b) => ({ path: pathOf(m.tree, b.node), node: b.node, x: b.x, y: b.y, w: b.w, h: b.h, depth: b.depth, folder: b.folder })) : [];
  },
};
document.body.dataset.ready = '1';
