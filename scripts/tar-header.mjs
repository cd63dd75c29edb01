// A ustar header block (512 bytes) for the sample and benchmark generators: name split into
// prefix/name when longer than 100 bytes, octal fields, checksum. Standalone: node builtins only.
export function tarHeader(name, size, type = '0', linkname = '') {
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    h.write(name.slice(cut + 1), 0, 100);
    h.write(name.slice(0, cut), 345, 155);
  } else h.write(name, 0, 100);
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('14741136000\0', 136); // 2024-01-01
  h.write(type, 156);
  if (linkname) h.write(linkname, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}
