import { randomBytes } from 'node:crypto';

/**
 * Attachment bytes for tests that the service accepts by content (magic bytes): a JPEG head
 * (SOI, APP0/JFIF) or a PNG signature with its IHDR chunk, then random bytes up to `length`.
 */
export function jpegOf(length: number): Buffer {
  const head = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
  return Buffer.concat([head, randomBytes(length - head.length)]);
}

export function pngOf(length: number): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.concat([Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(17)]);
  const idatHead = Buffer.concat([Buffer.alloc(4), Buffer.from('IDAT', 'latin1')]);
  const data = randomBytes(length - signature.length - ihdr.length - idatHead.length);
  idatHead.writeUInt32BE(data.length, 0);
  return Buffer.concat([signature, ihdr, idatHead, data]);
}
