/** A ustar header block (512 bytes): see tar-header.mjs. */
export function tarHeader(name: string, size: number, type?: string, linkname?: string): Buffer;
