/**
 * A pipe or FIFO read into one buffer used again for every read (net.Socket's `onread`), instead of
 * a fresh Buffer per read: `onChunk` gets a view of the buffer valid until it returns, or — when it
 * returns false, which pauses the socket — until the socket is resumed. A gigabyte of 64 KiB pipe
 * reads is otherwise a gigabyte of garbage for the collector.
 */
import { Socket, type SocketConstructorOpts } from 'node:net';

export function reuseReader(fd: number, bytes: number, onChunk: (chunk: Buffer, socket: Socket) => boolean): Socket {
  // `onread` is in Node's Socket constructor since v12; @types/node 20 lists it only for connect()
  const socket: Socket = new Socket({
    fd,
    readable: true,
    writable: false,
    onread: { buffer: Buffer.allocUnsafe(bytes), callback: (n: number, buf: Uint8Array): boolean => onChunk(Buffer.from(buf.buffer, buf.byteOffset, n), socket) },
  } as SocketConstructorOpts);
  return socket;
}
