/** Small parsers shared by the detectors. Inputs are raw bytes (paths stay latin1 = raw bytes). */

/** RFC 822-style headers up to the first blank line (METADATA, PKG-INFO, a dpkg stanza). */
export function parseHeaders(text: string): Map<string, string> {
  const out = new Map<string, string>();
  eachLine(text, (line) => {
    const l = line.replace(/\r$/, '');
    if (l.trim() === '') return false;
    if (l.startsWith(' ') || l.startsWith('\t')) return true;
    const i = l.indexOf(':');
    if (i <= 0) return true;
    const k = l.slice(0, i).trim();
    if (!out.has(k)) out.set(k, l.slice(i + 1).trim());
    return true;
  });
  return out;
}

/** Every line of a text, one at a time (none of them kept), until `fn` returns false. */
export function eachLine(text: string, fn: (line: string) => boolean): void {
  for (let i = 0; i < text.length; ) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl;
    if (fn(text.slice(i, end)) === false) return;
    i = end + 1;
  }
}

/** First field of every row of a CSV text (pip's RECORD), honouring quotes. */
export function csvFirstFields(text: string): string[] {
  const out: string[] = [];
  eachCsvFirstField(text, (f) => out.push(f) > 0);
  return out;
}

/** The first field of each row of a CSV text, one at a time, until `fn` returns false. */
export function eachCsvFirstField(text: string, fn: (field: string) => boolean): void {
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
    if (field !== '' && fn(field) === false) return;
  }
}

/** Joins a listed path to its base folder like posixpath.join: an absolute path wins. */
export function joinListed(base: string, p: string): string {
  return p.startsWith('/') ? p : base === '' ? p : `${base}/${p}`;
}
