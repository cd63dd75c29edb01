/**
 * A fleet (imgsize fleet merge --html): what its images would take stored apart against what the
 * registry stores, each image (a click shows its own report; the browser's back button returns),
 * the layers shared most, packages and findings across images, the rules by repository.
 */
import type { FleetPage } from '../render/html-data.js';
import { count } from './format.js';
import { type Child, el, sized, table, visible } from './dom.js';
import { footer, section } from './page.js';
import { imagePages } from './report-page.js';

export function fleetPage(d: FleetPage): void {
  const f = d.fleet;
  const gateOf = new Map(f.gates.map((g, i) => [g.reference, { g, lines: d.gateLines[i] ?? [] }]));
  imagePages(d.images, `← all ${count(f.images.length)} images of the fleet`, () => {
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
    // a table of its own where the fleet has rows for it
    const listed = (title: string, head: string[], rows: Child[][], align: string): void => {
      if (rows.length > 0) sections.push(section(title, table(head, rows, align)));
    };
    listed(
      'Layers shared most',
      ['layer', 'size', 'images', 'sharing saves', 'step'],
      f.sharedLayers.map((l) => [el('code', {}, l.digest.slice(0, 19)), sized(l.compressedBytes), count(l.images), sized(l.savedBytes), l.createdBy ?? '']),
      'trrrl',
    );
    listed(
      'Packages across the fleet',
      ['package', 'ecosystem', 'images', 'bytes in all', 'versions'],
      f.packages.map((p) => [p.name, p.ecosystem, count(p.images), sized(p.logicalBytes), p.versions.join(', ')]),
      'ltrrv',
    );
    listed(
      'Findings across the fleet',
      ['finding', 'images', 'bytes at stake'],
      f.findings.map((x) => [x.code, count(x.images), sized(x.bytes)]),
      'trr',
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
  });
}
