import { describe, expect, it } from '@jest/globals';
import { crc32, deflateSync } from 'node:zlib';
import { inspectFile } from './inspect-file.js';

function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: height }, () => Buffer.alloc(width + 1)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('inspectFile', () => {
  it('reads an image’s type and pixel size from its bytes, whatever its name says', async () => {
    expect(await inspectFile('notes.txt', png(640, 480))).toEqual({
      contentType: 'image/png',
      width: 640,
      height: 480,
    });
  });

  it('knows a PDF and a program by their magic numbers', async () => {
    expect(
      await inspectFile('photo.png', Buffer.from('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n', 'latin1')),
    ).toEqual({ contentType: 'application/pdf' });
    const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(64)]);
    program.writeUInt32LE(64, 60);
    expect((await inspectFile('invoice.pdf', program)).contentType).toBe('application/x-msdownload');
  });

  it('calls UTF-8 text text (CSV by its name), and anything else octet-stream', async () => {
    expect(await inspectFile('a.txt', Buffer.from('Bonjour, ça va ?\r\n\tOui.\n'))).toEqual({
      contentType: 'text/plain',
    });
    expect(await inspectFile('orders.CSV', Buffer.from('id,total\n1,9.90\n'))).toEqual({ contentType: 'text/csv' });
    expect(await inspectFile('page.html', Buffer.from('<script>alert(1)</script>'))).toEqual({
      contentType: 'text/plain',
    });
    expect(await inspectFile('a.txt', Buffer.from([0x41, 0x00, 0x42]))).toEqual({
      contentType: 'application/octet-stream',
    });
    expect(await inspectFile('a.txt', Buffer.from([0xc3, 0x28]))).toEqual({ contentType: 'application/octet-stream' });
    expect(await inspectFile('a.txt', Buffer.alloc(0))).toEqual({ contentType: 'application/octet-stream' });
  });

  it('gives no pixel size for an image whose header is cut short, even when the bytes after it in memory hold one', async () => {
    const cut = png(10, 10).subarray(0, 16); // the signature and the IHDR chunk's head, not its width
    const inspected = await inspectFile('a.png', cut);
    expect(inspected.width).toBeUndefined();
  });
});
