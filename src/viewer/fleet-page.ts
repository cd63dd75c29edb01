/**
 * A fleet (imgsize fleet merge --html): what its images would take stored apart against what the
 * registry stores, each image (a click shows its own report; the browser's back button returns),
 * the layers shared most, packages and findings across images, the rules by repository.
 */
import type { FleetPage } from '../render/html-data.js';
import { count } from './format.js';
import { el, sized, table, visible } from './dom.js';
import { footer, section } from './page.js';
import { reportPage } from './report-page.js';

export function fleetPage(d: FleetPage): void {
  const f = d.fleet;
  const gateOf = new Map(f.gates.map((g, i) => [g.reference, { g, lines: d.gateLines[i] ?? [] }]));
  const show = (): void => {
    document.body.replaceChildren();
    const k = Number(/^#image-(\d+)$/.exec(location.hash)?.[1] ?? -1);
    const page = d.images[k];
    if (page) {
      reportPage(page);
      document.querySelector('header')?.prepend(el('a', { href: '#', class: 'back' }, `← all ${count(f.images.length)} images of the fleet`));
      return;
    }
    const t = f.totals;
    document.title = visible(`imgsize fleet: ${t.images} images`);
    const verdict = (ref: string): string => {
      const x = gateOf.get(ref);
      return !x ? '' : x.g.failed > 0 ? '✖ fail' : x.g.warned > 0 ? '⚠ warn' : '✔ pass';
    };
    const sections = [
      section(
        'Images',
        table(
          ['image', 'platform', 'compressed', 'content', 'wasted', 'findings', ...(f.gates.length > 0 ? ['rules'] : [])],
          f.images.map((img, i) => [
            d.images[i] ? el('a', { href: `#image-${i}`, class: 'image' }, img.reference) : img.reference,
            img.platform,
            sized(img.compressedBytes),
            sized(img.contentBytes),
            sized(img.wastedBytes),
            count(img.findings),
            ...(f.gates.length > 0 ? [verdict(img.reference)] : []),
          ]),
          f.gates.length > 0 ? 'ltrrrrt' : 'ltrrrr',
        ),
        el('p', { class: 'note' }, 'Open an image for its layers, packages, folders and findings.'),
      ),
    ];
    if (f.gates.length > 0) {
      const failing = f.gates.filter((g) => g.failed > 0).length;
      sections.push(
        section(
          failing === 0 ? `Rules by repository: all ${count(f.gates.length)} images pass` : `Rules by repository: ${count(failing)} of ${count(f.gates.length)} images fail`,
          table(
            ['image', 'rules', 'verdict', 'what broke'],
            f.gates.map((g, i) => [g.reference, g.repositories, verdict(g.reference), el('ul', { class: 'broke' }, ...(d.gateLines[i] ?? []).map((l) => el('li', {}, l)))]),
            'lltl',
          ),
        ),
      );
    }
    if (f.sharedLayers.length > 0)
      sections.push(
        section(
          'Layers shared most',
          table(
            ['layer', 'size', 'images', 'sharing saves', 'step'],
            f.sharedLayers.map((l) => [el('code', {}, l.digest.slice(0, 19)), sized(l.compressedBytes), count(l.images), sized(l.savedBytes), l.createdBy ?? '']),
            'trrrl',
          ),
        ),
      );
    if (f.packages.length > 0)
      sections.push(
        section(
          'Packages across the fleet',
          table(
            ['package', 'ecosystem', 'images', 'bytes in all', 'versions'],
            f.packages.map((p) => [p.name, p.ecosystem, count(p.images), sized(p.logicalBytes), p.versions.join(', ')]),
            'ltrrv',
          ),
        ),
      );
    if (f.findings.length > 0)
      sections.push(
        section(
          'Findings across the fleet',
          table(
            ['finding', 'images', 'bytes at stake'],
            f.findings.map((x) => [x.code, count(x.images), sized(x.bytes)]),
            'trr',
          ),
        ),
      );
    document.body.append(
      el(
        'header',
        {},
        el('h1', {}, `imgsize fleet: ${count(t.images)} images`, el('span', { class: 'platform' }, ` (${count(t.layers)} unique layers)`)),
        el(
          'dl',
          { class: 'totals' },
          el('dt', {}, 'stored apart'),
          el('dd', {}, sized(t.logicalBytes)),
          el('dt', {}, 'the registry stores'),
          el('dd', {}, sized(t.storedBytes)),
          el('dt', {}, 'sharing saves'),
          el('dd', {}, sized(t.logicalBytes - t.storedBytes)),
        ),
      ),
      el('main', { class: 'overview' }, ...sections),
    );
    footer(d);
  };
  window.addEventListener('hashchange', show);
  show();
}
