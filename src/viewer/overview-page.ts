/**
 * An archive of several images: each image, what it has alone and shares, the archive in all; a
 * click on an image shows its own report (the browser's back button returns: the image is in the
 * URL's fragment).
 */
import type { OverviewPage } from '../render/html-data.js';
import { count, human } from './format.js';
import { type Child, el, sized, table, visible } from './dom.js';
import { footer, section } from './page.js';
import { imagePages } from './report-page.js';
export function overviewPage(d: OverviewPage): void {
  const o = d.overview;
  const name = (i: number): string => o.images[i]!.tags[0] ?? o.images[i]!.configDigest.slice(0, 19);
  imagePages(d.images, `← all ${count(o.images.length)} images of ${o.source.path}`, () => {
    document.title = visible(`imgsize: ${o.source.path} (${o.images.length} images)`);
    document.body.append(
      el(
        'header',
        {},
        el('h1', {}, `imgsize: ${o.source.path}`, el('span', { class: 'platform' }, ` (${count(o.images.length)} images)`)),
        el(
          'dl',
          { class: 'totals' },
          ...(
            [
              ['distinct layers', count(o.totals.layers)],
              ['content, each layer once', sized(o.totals.contentBytes)],
              ['compressed, each layer once', sized(o.totals.compressedBytes)],
            ] as [string, Child][]
          ).flatMap(([k2, v]) => [el('dt', {}, k2), el('dd', {}, v)]),
        ),
      ),
      el(
        'main',
        { class: 'overview' },
        section(
          'Images',
          table(
            ['image', 'platform', 'layers', 'content', 'compressed', 'alone', 'shared'],
            o.images.map((img, i) => [
              el('a', { href: `#image-${i}`, class: 'image' }, name(i)),
              img.platform,
              count(img.layers),
              sized(img.contentBytes),
              sized(img.compressedBytes, `${img.compressedEstimated ? '~' : ''}${human(img.compressedBytes)}`),
              sized(img.aloneContentBytes),
              sized(img.sharedContentBytes),
            ]),
            'ltrrrrr',
          ),
          el(
            'p',
            { class: 'note' },
            'alone: the content of its layers no other image here has; shared: of layers another image has too. Open an image for its layers, packages, folders and findings.',
          ),
        ),
      ),
    );
    footer(d);
  });
}
