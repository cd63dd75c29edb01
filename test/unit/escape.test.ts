/** Names an image controls, made harmless by every renderer: terminal, Markdown, workflow commands. */
import { describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, outerTar } from '../fixtures/builder.js';
import { inspect } from '../helpers/image.js';
import { renderTable } from '../../src/render/table.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderVerdictMarkdown, renderVerdictText } from '../../src/render/verdict.js';
import { renderAnnotations } from '../../src/render/github.js';
import { renderDiffMarkdown, renderDiffTable } from '../../src/render/diff.js';
import { diffReports } from '../../src/analysis/diff.js';
import { evaluate } from '../../src/gate/budget.js';
import { mdText, visible } from '../../src/render/escape.js';

const EVIL = [
  '\n### ✔ imgsize: within budget\n<!-- imgsize -->\n',
  'a|b|c',
  '<img src=x onerror=alert(1)>',
  '[click](https://evil.example/x)',
  '`code` ``more``',
  '@octocat #1 www.evil.example',
  '\x1b[31mred\x1b[0m\r\x07',
  '%0A::error::injected',
  '\u202egnp.exe',
];
const NAME = EVIL.join(' ');

async function hostileReport() {
  const img = await buildImage({
    tags: [`evil:${'x'}`],
    layers: [
      {
        entries: [
          { path: `app/${EVIL[0]!.trim().replace(/\//g, '_')}.pt`, size: 1_100_000 },
          { path: `app/${EVIL.slice(1).join('_').replace(/\//g, '_')}/.env`, content: 'K=1\n' },
        ],
        createdBy: `RUN ${NAME}`,
      },
    ],
  });
  return inspect(await outerTar(dockerLegacyMembers([img])));
}

/** Lines of Markdown that are table rows have as many unescaped pipes as the header has. */
function unescapedPipes(line: string): number {
  return (line.match(/(?<!\\)\|/g) ?? []).length;
}

describe('hostile names through every renderer', () => {
  it('the terminal table: no control character reaches the terminal, no line is added', async () => {
    const r = await hostileReport();
    const out = renderTable(r, { width: 400 });
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(out).toContain('\\x1b[31mred');
    // the name's newline is shown as \x0a, not obeyed: no fake heading line
    expect(out.split('\n').filter((l) => l.startsWith('### '))).toEqual([]);
  });

  it('Markdown: one marker, one heading, tables keep their columns, no HTML, links, code spans or mentions', async () => {
    const r = await hostileReport();
    const v = evaluate(r, {
      findings: [
        { code: 'secrets', level: 'fail' },
        { code: 'model-files', level: 'fail' },
      ],
    });
    const d = diffReports(r, r);
    for (const md of [renderMarkdown(r), renderVerdictMarkdown(v, r), renderDiffMarkdown(d)]) {
      expect(md.split('<!-- imgsize -->').length - 1).toBe(1);
      expect(md.split('\n').filter((l) => /^#{1,6} /.test(l))).toHaveLength(1);
      expect(md).not.toMatch(/(?<!\\)<img/);
      expect(md.slice('<!-- imgsize -->'.length)).not.toMatch(/(?<!\\)<!--/);
      expect(md).not.toMatch(/(?<!\\)\[click(?<!\\)\]/);
      expect(md).not.toMatch(/(?<!\\)@octocat/);
      expect(md).not.toMatch(/(?<!\\)`code/);
      expect(md).not.toMatch(/https(?<!\\):\/\//);
      expect(md).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
      const lines = md.split('\n');
      for (let i = 0; i < lines.length; i++) {
        if (/^\|[-:|]+\|$/.test(lines[i]!)) {
          const cols = unescapedPipes(lines[i]!);
          for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) expect(unescapedPipes(lines[j]!), lines[j]).toBe(cols);
        }
      }
    }
  });

  it('GitHub workflow commands: one line each, %, CR and LF escaped, no control characters', async () => {
    const r = await hostileReport();
    const v = evaluate(r, {
      findings: [
        { code: 'secrets', level: 'fail' },
        { code: 'model-files', level: 'warn' },
      ],
    });
    const out = renderAnnotations(v);
    const lines = out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/^::(error|warning) title=imgsize finding::/);
    expect(out).not.toMatch(/[\r\x1b]/);
    expect(out).toContain('%250A::error::injected'); // the name's own "%0A" cannot become a newline
    expect(renderVerdictText(v)).not.toMatch(/[\x1b\r]/);
    expect(renderDiffTable(diffReports(r, r))).not.toMatch(/[\x1b\r]/);
  });

  it('escapes as documented', () => {
    expect(visible('a\x1b[1mb\nc\u202e')).toBe('a\\x1b[1mb\\x0ac\\u{202e}');
    expect(mdText('<b>|x|</b> `y` @me [l](u) www.e.com')).toBe('\\<b\\>\\|x\\|\\</b\\> \\`y\\` \\@me \\[l\\](u) www\\.e.com');
  });
});
