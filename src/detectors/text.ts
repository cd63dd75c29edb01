/** Small parsers shared by the detectors. Inputs are raw bytes (paths stay latin1 = raw bytes). */

/** RFC 822-style headers up to the first blank line (METADATA, PKG-INFO, a dpkg stanza). */
export function parseHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const l = line.replace(/\r$/, '');
    if (l.trim() === '') break;
    if (l.startsWith(' ') || l.startsWith('\t')) continue;
    const i = l.indexOf(':');
    if (i <= 0) continue;
    const k = l.slice(0, i).trim();
    if (!out.has(k)) out.set(k, l.slice(i + 1).trim());
  }
  return out;
}

/** First field of every row of a CSV text (pip's RECORD), honouring quotes. */
export function csvFirstFields(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) break;
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += c;
        i++;
      }
    } else {
      const comma = text.indexOf(',', i);
      const nl = text.indexOf('\n', i);
      const end = Math.min(comma < 0 ? n : comma, nl < 0 ? n : nl);
      field = text.slice(i, end).replace(/\r$/, '');
      i = end;
    }
    // skip to the end of the row
    const nl = text.indexOf('\n', i);
    i = nl < 0 ? n : nl + 1;
    if (field !== '') out.push(field);
  }
  return out;
}

/** Joins a listed path to its base folder like posixpath.join: an absolute path wins. */
export function joinListed(base: string, p: string): string {
  return p.startsWith('/') ? p : base === '' ? p : `${base}/${p}`;
}
