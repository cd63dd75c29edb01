import { describe, expect, it } from 'vitest';
import { normalizePath, whiteoutOf } from '../../src/base/paths.js';

describe('normalizePath', () => {
  it.each([
    ['usr/bin/env', 'usr/bin/env'],
    ['./usr/bin/env', 'usr/bin/env'],
    ['/usr/bin/env', 'usr/bin/env'],
    ['././usr//bin/./env', 'usr/bin/env'],
    ['usr/bin/', 'usr/bin'],
    ['.', ''],
    ['./', ''],
    ['/', ''],
    ['../../etc/passwd', 'etc/passwd'],
    ['a/../../b', 'b'],
    ['a/b/../c', 'a/c'],
    ['.bashrc', '.bashrc'],
    ['a/.hidden', 'a/.hidden'],
  ])('%s → %s', (raw, want) => {
    expect(normalizePath(raw)).toBe(want);
  });
});

describe('whiteoutOf', () => {
  it.each([
    ['a/.wh.b', { kind: 'delete', path: 'a/b' }],
    ['.wh.top', { kind: 'delete', path: 'top' }],
    ['a/.wh..wh..opq', { kind: 'opaque', dir: 'a' }],
    ['.wh..wh..opq', { kind: 'opaque', dir: '' }],
    ['a/.wh..wh..plnk', { kind: 'delete', path: 'a/.wh..plnk' }],
    ['a/.wh..wh..opqx', { kind: 'delete', path: 'a/.wh..opqx' }],
  ])('%s', (p, want) => {
    expect(whiteoutOf(p)).toEqual(want);
  });
  it('is not fooled by .wh. in a folder name', () => {
    expect(whiteoutOf('.wh.dir/file')).toBeUndefined();
    expect(whiteoutOf('a/b.wh.c')).toBeUndefined();
  });
});
