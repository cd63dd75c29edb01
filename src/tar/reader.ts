/**
 * A push-based, streaming tar reader: feed it chunks, it calls `entry()` for every member.
 *
 * One reader serves both the outer image archive and each layer. It never buffers a member's
 * content unless the handler asks for it (through a sink), so memory does not grow with the
 * archive. Semantics follow Python's tarfile and Go's archive/tar (which agree with GNU tar here):
 * - PAX (`x`, `g`) and GNU long-name (`L`, `K`) headers are not members;
 * - only regular files (and unknown types) carry data; links, directories and devices do not,
 *   whatever their size field says;
 * - the archive ends at the first zero block; a stream that stops cleanly on a header boundary
 *   without an end marker is accepted, one that stops inside a header or a member is truncated.
 * Names and link targets are kept as raw bytes in a latin1 string (one char per byte) so that
 * invalid UTF-8 stays distinct and a symlink's length is its length in bytes.
 */
import { ImgsizeError } from '../base/errors.js';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'dir' | 'other';

export interface TarEntry {
  /** Member name as raw bytes (latin1 string), not normalised. */
  readonly name: string;
  readonly type: TarEntryType;
  /** The raw typeflag character. */
  readonly typeflag: string;
  /** Bytes of content that follow the header in the archive (0 for header-only types). */
  readonly dataBytes: number;
  /** Size of the file for a regular file (the header or PAX size), else 0. */
  readonly size: number;
  /** Link target as raw bytes (latin1 string); '' unless a link. */
  readonly linkname: string;
  /** Offset of the member's header in the tar stream. */
  readonly offset: number;
}

export interface EntrySink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

export interface TarHandler {
  /** Called once per member; return a sink to receive its content, or nothing to skip it. */
  entry(e: TarEntry): EntrySink | undefined;
}

/** Largest PAX or GNU long-name header accepted; real ones are a few hundred bytes. */
export const MAX_META_HEADER_BYTES = 1 << 20;

const BLOCK = 512;
// biome-ignore lint/suspicious/noConstEnum: inlined in the per-block loop; never exported
const enum State {
  Header,
  Data,
  Meta,
  Padding,
  End,
  SparseExt,
}

export class TarReader {
  private readonly handler: TarHandler;
  private state: State = State.Header;
  private readonly block = Buffer.alloc(BLOCK);
  private blockFill = 0;
  private remaining = 0; // data bytes left in the current member
  private padding = 0; // padding bytes left after the current member
  private sink: EntrySink | undefined;
  private metaType = ''; // 'x' | 'g' | 'L' | 'K'
  private metaParts: Buffer[] = [];
  private paxPath: string | undefined;
  private paxLinkpath: string | undefined;
  private paxSize: number | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private currentName = '';
  /** Bytes consumed so far. */
  position = 0;
  /** Members seen (PAX and long-name headers excluded). */
  entries = 0;
  /** True once a zero block (end-of-archive marker) was read. */
  ended = false;
  /** Offset just past the first zero block, once `ended`. */
  endOffset = -1;
  /** Non-zero bytes seen after the end-of-archive marker. */
  trailingData = false;

  constructor(handler: TarHandler) {
    this.handler = handler;
  }

  /**
   * Skipping — the protocol between a reader with random access and those it feeds. Whoever
   * consumes bytes says, in `skippable`, how many of the bytes coming next it does not need, and
   * `skip(n)` (n ≤ skippable) accounts for n such bytes as read without being given them. Only the
   * feeder jumps: `archive/random-access.ts` reads the outer file or folder, asks the member sink
   * (`archive/member-sink.ts`: a plain layer not hashed, under --no-verify), which asks the layer
   * scanner (`layer/scan.ts`), which asks this reader (file contents with no sink) and the push-size
   * estimator (`layer/push-size.ts`, `untilNeeded`: bytes before its next sample or window); each
   * answers the least of what it and those below it can do without, and passes `skip` down. The
   * outer tar itself is read the same way (big members jumped over, then read in a second pass).
   *
   * Here: content bytes of the current member still to come that no sink receives.
   */
  get skippable(): number {
    return this.state === State.Data && this.sink === undefined ? this.remaining : 0;
  }

  /** Accounts for `n` (≤ `skippable`) content bytes as read, without their bytes. */
  skip(n: number): void {
    if (n <= 0) return;
    if (n > this.skippable) throw new ImgsizeError('internal', 'tar', `cannot skip ${n} bytes here`);
    this.remaining -= n;
    this.position += n;
    if (this.remaining === 0) void this.finishData();
  }

  /** Feed the next chunk. Returns a promise only when a sink asked to wait. */
  write(chunk: Buffer): void | Promise<void> {
    return this.consume(chunk, 0);
  }

  private consume(chunk: Buffer, start: number): void | Promise<void> {
    let pos = start;
    const len = chunk.length;
    while (pos < len) {
      switch (this.state) {
        case State.Header: {
          if (this.blockFill === 0 && len - pos >= BLOCK) {
            this.position += BLOCK;
            const r = this.header(chunk, pos);
            pos += BLOCK;
            if (r) return r.then(() => this.consume(chunk, pos));
          } else {
            const n = this.fillBlock(chunk, pos);
            pos += n;
            if (this.blockFill === BLOCK) {
              this.blockFill = 0;
              const r = this.header(this.block, 0);
              if (r) return r.then(() => this.consume(chunk, pos));
            }
          }
          break;
        }
        case State.Data: {
          const n = Math.min(this.remaining, len - pos);
          const sink = this.sink;
          this.remaining -= n;
          this.position += n;
          const from = pos;
          pos += n;
          if (sink) {
            const r = sink.write(chunk.subarray(from, from + n));
            if (r) {
              return r.then(() => {
                const e = this.remaining === 0 ? this.finishData() : undefined;
                return e ? e.then(() => this.consume(chunk, pos)) : this.consume(chunk, pos);
              });
            }
          }
          if (this.remaining === 0) {
            const e = this.finishData();
            if (e) return e.then(() => this.consume(chunk, pos));
          }
          break;
        }
        case State.Meta: {
          const n = Math.min(this.remaining, len - pos);
          this.metaParts.push(Buffer.from(chunk.subarray(pos, pos + n)));
          this.remaining -= n;
          this.position += n;
          pos += n;
          if (this.remaining === 0) {
            this.finishMeta();
          }
          break;
        }
        case State.Padding: {
          const n = Math.min(this.padding, len - pos);
          this.padding -= n;
          this.position += n;
          pos += n;
          if (this.padding === 0) this.state = State.Header;
          break;
        }
        case State.SparseExt: {
          // GNU sparse extension headers: 512-byte blocks, the last one has isextended = 0
          pos += this.fillBlock(chunk, pos);
          if (this.blockFill === BLOCK) {
            this.blockFill = 0;
            if (this.block[504] === 0) this.state = this.remaining > 0 ? State.Data : this.padding > 0 ? State.Padding : State.Header;
          }
          break;
        }
        case State.End: {
          if (!this.trailingData) {
            for (let i = pos; i < len; i++) {
              if (chunk[i] !== 0) {
                this.trailingData = true;
                break;
              }
            }
          }
          this.position += len - pos;
          pos = len;
          break;
        }
      }
    }
  }

  /** Copies up to the rest of a 512-byte block from `chunk` into the scratch block. */
  private fillBlock(chunk: Buffer, pos: number): number {
    const n = Math.min(BLOCK - this.blockFill, chunk.length - pos);
    chunk.copy(this.block, this.blockFill, pos, pos + n);
    this.blockFill += n;
    this.position += n;
    return n;
  }

  /** Call once the input is exhausted; throws if the archive was cut short. */
  end(): void {
    if (this.state === State.End) return;
    if (this.state === State.Header && this.blockFill === 0) return; // no end marker: accepted
    if (this.state === State.Padding && this.entries > 0) {
      // the last member's padding is missing: its content is complete, the archive is cut
      throw new ImgsizeError('truncated', 'tar', `truncated archive: it ends in the padding after "${printable(this.currentName)}"`);
    }
    const where = this.state === State.Header ? `inside a header at offset ${this.position - this.blockFill}` : `inside "${printable(this.currentName)}" (${this.remaining} bytes missing)`;
    throw new ImgsizeError('truncated', 'tar', `truncated archive: it ends ${where}`);
  }

  private finishData(): void | Promise<void> {
    const sink = this.sink;
    this.sink = undefined;
    this.state = this.padding > 0 ? State.Padding : State.Header;
    if (sink) return sink.end();
  }

  private finishMeta(): void {
    const data = Buffer.concat(this.metaParts);
    this.metaParts = [];
    this.state = this.padding > 0 ? State.Padding : State.Header;
    if (this.metaType === 'L' || this.metaType === 'K') {
      const nul = data.indexOf(0);
      const s = data.toString('latin1', 0, nul < 0 ? data.length : nul);
      if (this.metaType === 'L') this.longName = s;
      else this.longLink = s;
      return;
    }
    if (this.metaType === 'g') return; // global PAX headers: no per-member fields we use
    this.parsePax(data);
  }

  private parsePax(data: Buffer): void {
    let p = 0;
    const s = data.toString('latin1', 0, data.length);
    while (p < s.length) {
      const sp = s.indexOf(' ', p);
      if (sp < 0) break;
      // decimal digits only, as GNU tar, Go and Python read them ("0x200", " 3", "3.0" are refused)
      const lenText = s.slice(p, sp);
      const recLen = /^[0-9]{1,12}$/.test(lenText) ? Number(lenText) : Number.NaN;
      if (!Number.isFinite(recLen) || recLen <= sp - p || p + recLen > s.length || s[p + recLen - 1] !== '\n') {
        throw new ImgsizeError('corrupt', 'tar', `malformed PAX header before offset ${this.position}`);
      }
      const rec = s.slice(sp + 1, p + recLen - 1); // drop trailing '\n'
      const eq = rec.indexOf('=');
      if (eq > 0) {
        const key = rec.slice(0, eq);
        const value = rec.slice(eq + 1);
        if (key === 'path') this.paxPath = value;
        else if (key === 'linkpath') this.paxLinkpath = value;
        else if (key === 'size') {
          const n = /^[0-9]{1,16}$/.test(value) ? Number(value) : Number.NaN;
          if (!Number.isSafeInteger(n)) {
            throw new ImgsizeError('corrupt', 'tar', `invalid PAX size "${value.slice(0, 40)}"`);
          }
          this.paxSize = n;
        }
      }
      p += recLen;
    }
  }

  private header(buf: Buffer, off: number): void | Promise<void> {
    const headerOffset = this.position - BLOCK;
    if (isZeroBlock(buf, off)) {
      this.state = State.End;
      this.ended = true;
      this.endOffset = this.position;
      return;
    }
    verifyChecksum(buf, off, headerOffset);
    const typeflag = String.fromCharCode(buf[off + 156]!);
    const headerSize = parseNumeric(buf, off + 124, 12, headerOffset, 'size');
    const isGnu = isGnuMagic(buf, off + 257);

    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'X' || typeflag === 'L' || typeflag === 'K') {
      if (headerSize > MAX_META_HEADER_BYTES) {
        throw new ImgsizeError(
          'limit',
          'tar',
          `${typeflag === 'L' || typeflag === 'K' ? 'GNU long-name' : 'PAX'} header of ${headerSize} bytes at offset ${headerOffset} exceeds the ${MAX_META_HEADER_BYTES}-byte limit`,
        );
      }
      this.metaType = typeflag === 'X' ? 'x' : typeflag;
      this.remaining = headerSize;
      this.padding = pad(headerSize);
      this.metaParts = [];
      this.state = headerSize > 0 ? State.Meta : this.padding > 0 ? State.Padding : State.Header;
      if (headerSize === 0) this.finishMetaEmpty();
      return;
    }

    let name = this.paxPath ?? this.longName;
    if (name === undefined) {
      name = cstr(buf, off, 100);
      if (!isGnu && typeflag !== 'S') {
        const prefix = cstr(buf, off + 345, 155);
        if (prefix.length > 0) name = `${prefix}/${name}`;
      }
    }
    const metaLinkname = this.paxLinkpath ?? this.longLink;
    const size = this.paxSize ?? headerSize;
    this.paxPath = this.paxLinkpath = this.paxSize = this.longName = this.longLink = undefined;

    let type: TarEntryType;
    let carriesData: boolean;
    switch (typeflag) {
      case '0':
      case '7':
      case '\0':
        type = typeflag === '\0' && name.endsWith('/') ? 'dir' : 'file';
        carriesData = type === 'file';
        break;
      case 'S': // old GNU sparse: the archive holds `size` bytes, the file is `realsize` long
        type = 'file';
        carriesData = true;
        break;
      case '1':
        type = 'hardlink';
        carriesData = false;
        break;
      case '2':
        type = 'symlink';
        carriesData = false;
        break;
      case '5':
        type = 'dir';
        carriesData = false;
        break;
      case '3':
      case '4':
      case '6':
        type = 'other';
        carriesData = false;
        break;
      default:
        type = 'other';
        carriesData = true; // unknown types carry their data, as tarfile and GNU tar read them
    }
    const dataBytes = carriesData ? size : 0;
    const realSize = typeflag === 'S' ? parseNumeric(buf, off + 483, 12, headerOffset, 'realsize') : size;
    const sparseExtended = typeflag === 'S' && buf[off + 482] !== 0;
    this.entries++;
    this.currentName = name;
    const entry: TarEntry = {
      name,
      type,
      typeflag,
      dataBytes,
      size: type === 'file' ? realSize : 0,
      // decoded only for links: most members are files
      linkname: type === 'hardlink' || type === 'symlink' ? (metaLinkname ?? cstr(buf, off + 157, 100)) : '',
      offset: headerOffset,
    };
    const sink = this.handler.entry(entry) ?? undefined;
    this.remaining = dataBytes;
    this.padding = pad(dataBytes);
    if (sparseExtended) {
      this.sink = sink;
      this.state = State.SparseExt;
    } else if (dataBytes > 0) {
      this.sink = sink;
      this.state = State.Data;
    } else {
      this.state = State.Header;
      if (sink) return sink.end();
    }
  }

  private finishMetaEmpty(): void {
    this.metaParts = [];
    if (this.metaType === 'L') this.longName = '';
    else if (this.metaType === 'K') this.longLink = '';
  }
}

/** The old GNU magic `ustar  \0` (GNU headers have no prefix field). */
function isGnuMagic(buf: Buffer, at: number): boolean {
  return buf[at] === 0x75 && buf[at + 1] === 0x73 && buf[at + 2] === 0x74 && buf[at + 3] === 0x61 && buf[at + 4] === 0x72 && buf[at + 5] === 0x20 && buf[at + 6] === 0x20 && buf[at + 7] === 0x00;
}

function pad(n: number): number {
  const r = n % BLOCK;
  return r === 0 ? 0 : BLOCK - r;
}

function isZeroBlock(buf: Buffer, off: number): boolean {
  for (let i = off; i < off + BLOCK; i++) if (buf[i] !== 0) return false;
  return true;
}

function cstr(buf: Buffer, off: number, len: number): string {
  let end = off;
  const max = off + len;
  while (end < max && buf[end] !== 0) end++;
  return buf.toString('latin1', off, end);
}

function verifyChecksum(buf: Buffer, off: number, headerOffset: number): void {
  // the checksum field itself counts as eight spaces; two plain loops run on every header
  let unsigned = 8 * 0x20;
  for (let i = off; i < off + 148; i++) unsigned += buf[i]!;
  for (let i = off + 156; i < off + BLOCK; i++) unsigned += buf[i]!;
  let stored: number;
  try {
    stored = parseNumeric(buf, off + 148, 8, headerOffset, 'checksum');
  } catch {
    stored = -1;
  }
  if (stored === unsigned) return;
  // some old tars summed signed bytes
  let high = 0;
  for (let i = 0; i < BLOCK; i++) if ((i < 148 || i >= 156) && buf[off + i]! > 127) high++;
  if (stored !== unsigned - 256 * high) {
    throw new ImgsizeError('corrupt', 'tar', headerOffset === 0 ? 'not a tar archive (bad header checksum in the first block)' : `bad tar header checksum at offset ${headerOffset}`);
  }
}

/** Octal (space/NUL terminated) or GNU base-256 numeric field. */
export function parseNumeric(buf: Buffer, off: number, len: number, headerOffset: number, field: string): number {
  const first = buf[off]!;
  if (first & 0x80) {
    if (first === 0xff) throw new ImgsizeError('corrupt', 'tar', `negative ${field} in header at offset ${headerOffset}`);
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) {
      v = v * 256 + buf[off + i]!;
      if (v > Number.MAX_SAFE_INTEGER) throw new ImgsizeError('corrupt', 'tar', `${field} too large in header at offset ${headerOffset}`);
    }
    return v;
  }
  let i = off;
  const end = off + len;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) throw new ImgsizeError('corrupt', 'tar', `invalid ${field} field in header at offset ${headerOffset}`);
    v = v * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0) throw new ImgsizeError('corrupt', 'tar', `invalid ${field} field in header at offset ${headerOffset}`);
  }
  return digits === 0 ? 0 : v;
}

/** A raw (latin1) name made readable for a message: UTF-8 decoded, control characters escaped. */
export function printable(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return Buffer.from(raw, 'latin1')
    .toString('utf8')
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
