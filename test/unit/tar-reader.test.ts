import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TarReader, type TarEntry, MAX_META_HEADER_BYTES } from '../../src/tar/reader.js';
import { tarOf, ustarHeader as header } from '../fixtures/builder.js';

function member(name: string, data: Buffer, type = '0'): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([header(name, { type, size: data.length }), data, Buffer.alloc(pad)]);
}

function read(buf: Buffer, chunk = 100): { entries: TarEntry[]; reader: TarReader } {
  const entries: TarEntry[] = [];
  const reader = new TarReader({ entry: (e) => void entries.push(e) });
  for (let i = 0; i < buf.length; i += chunk) reader.write(buf.subarray(i, i + chunk));
  reader.end();
  return { entries, reader };
}

describe('TarReader', () => {
  it('lists members with their types, sizes and link targets', async () => {
    const t = await tarOf([
      { path: 'd/', type: 'dir' },
      { path: 'd/f', content: 'hello' },
      { path: 'd/s', type: 'symlink', target: 'f' },
      { path: 'd/h', type: 'hardlink', target: 'd/f' },
    ]);
    const { entries } = read(t);
    expect(entries.map((e) => [e.name, e.type, e.size, e.linkname])).toEqual([
      ['d/', 'dir', 0, ''],
      ['d/f', 'file', 5, ''],
      ['d/s', 'symlink', 0, 'f'],
      ['d/h', 'hardlink', 0, 'd/f'],
    ]);
  });

  it('takes long names from PAX headers and does not count the PAX header as a member', async () => {
    const long = `${'x'.repeat(150)}/${'y'.repeat(150)}`;
    const { entries, reader } = read(await tarOf([{ path: long, content: 'abc' }]));
    expect(entries.map((e) => e.name)).toEqual([long]);
    expect(reader.entries).toBe(1);
  });

  it('takes long names from GNU L headers', () => {
    const name = `${'n'.repeat(200)}.txt`;
    const buf = Buffer.concat([member('././@LongLink', Buffer.from(`${name}\0`), 'L'), member('short', Buffer.from('data')), Buffer.alloc(1024)]);
    const { entries } = read(buf);
    expect(entries.map((e) => [e.name, e.size])).toEqual([[name, 4]]);
  });

  it('reads base-256 size fields', () => {
    const size = Buffer.alloc(12);
    size[0] = 0x80;
    size.writeUInt32BE(3, 8);
    const buf = Buffer.concat([header('b256', { sizeField: size }), Buffer.from('abc'), Buffer.alloc(509), Buffer.alloc(1024)]);
    expect(read(buf).entries[0]!.size).toBe(3);
  });

  it('keeps invalid UTF-8 names as raw bytes', () => {
    const raw = Buffer.from([0x62, 0x61, 0x64, 0xfd, 0x6e]).toString('latin1');
    const { entries } = read(Buffer.concat([member(raw, Buffer.from('x')), Buffer.alloc(1024)]));
    expect(Buffer.from(entries[0]!.name, 'latin1')).toEqual(Buffer.from([0x62, 0x61, 0x64, 0xfd, 0x6e]));
  });

  it('skips no data for links and directories whatever their size field says', () => {
    const buf = Buffer.concat([header('l', { type: '2', size: 4096, linkname: 't' }), member('f', Buffer.from('ok')), Buffer.alloc(1024)]);
    expect(read(buf).entries.map((e) => e.name)).toEqual(['l', 'f']);
  });

  it('reads an old GNU sparse member (written by GNU tar -S) at its real size', () => {
    const { entries } = read(readFileSync(path.join(__dirname, '../fixtures/gnu-sparse.tar')), 333);
    expect(entries.map((e) => [e.name, e.typeflag, e.size])).toEqual([['sparse.bin', 'S', 9_000_001]]);
  });

  it('accepts a stream that ends on a header boundary without an end marker', () => {
    const { entries, reader } = read(member('only', Buffer.from('x')));
    expect(entries).toHaveLength(1);
    expect(reader.ended).toBe(false);
  });

  it('stops at the first zero block and notes data after it', () => {
    const buf = Buffer.concat([member('a', Buffer.from('1')), Buffer.alloc(1024), member('b', Buffer.from('2'))]);
    const { entries, reader } = read(buf);
    expect(entries.map((e) => e.name)).toEqual(['a']);
    expect(reader.trailingData).toBe(true);
  });

  it('rejects a member cut short', () => {
    const buf = member('a', Buffer.alloc(2000, 1)).subarray(0, 1000);
    expect(() => read(buf)).toThrow(/truncated archive: it ends inside "a"/);
  });

  it('rejects a header cut short', () => {
    expect(() => read(Buffer.concat([member('a', Buffer.from('1')), header('b').subarray(0, 100)]))).toThrow(/truncated archive: it ends inside a header/);
  });

  it('rejects a bad header checksum', () => {
    const buf = Buffer.concat([member('a', Buffer.from('1')), Buffer.alloc(1024)]);
    buf[10] = 0x41;
    expect(() => read(buf)).toThrow(/not a tar archive \(bad header checksum/);
  });

  it(`refuses PAX headers over ${MAX_META_HEADER_BYTES} bytes without buffering them`, () => {
    const buf = header('pax', { type: 'x', size: MAX_META_HEADER_BYTES + 1 });
    expect(() => read(buf)).toThrow(/PAX header of 1048577 bytes .* exceeds/);
  });

  it.each(['0x200', '3.0', ' 3', '+3', '-1', '1e3'])('refuses the PAX size %j, as GNU tar, Go and Python do', (value) => {
    const rec = (k: string, v: string): string => {
      let len = k.length + v.length + 3;
      len += String(len).length;
      if (String(len).length !== String(len - String(len).length).length) len++;
      return `${len} ${k}=${v}\n`;
    };
    const pax = Buffer.from(rec('size', value));
    const buf = Buffer.concat([member('p', pax, 'x'), member('f', Buffer.from('abc')), Buffer.alloc(1024)]);
    expect(() => read(buf)).toThrow(/invalid PAX size|malformed PAX header/);
  });

  it('refuses a PAX record length that is not plain decimal', () => {
    const pax = Buffer.from(' 12 size=3\n');
    const buf = Buffer.concat([member('p', pax, 'x'), member('f', Buffer.from('abc')), Buffer.alloc(1024)]);
    expect(() => read(buf)).toThrow(/malformed PAX header/);
  });
});
