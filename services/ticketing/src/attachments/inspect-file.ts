import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';

/** What a file's bytes say it is: its content type and, for an image, its pixel size. */
export interface InspectedFile {
  contentType: string;
  width?: number;
  height?: number;
}

/** Text types a plain-text file may be, by its name's extension (the bytes cannot tell them apart). */
const TEXT_TYPES_BY_EXTENSION: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/plain',
};

/**
 * The type of a file from its bytes, never from what the client declares (a `Content-Type`
 * header or a name is the uploader's say): `file-type` reads the magic numbers of binary
 * formats (images, PDF, zip and office files …); bytes it does not know are text when they are
 * valid UTF-8 without control characters (then `text/csv` for a `.csv` name, else `text/plain`),
 * and `application/octet-stream` otherwise, which no allow list should accept. An image's width
 * and height come from its header (`image-size`); one whose header cannot be read has none.
 */
export async function inspectFile(name: string, content: Buffer): Promise<InspectedFile> {
  const detected = await fileTypeFromBuffer(content);
  if (detected) {
    const contentType = detected.mime;
    if (!contentType.startsWith('image/')) return { contentType };
    try {
      // A copy: image-size 2.1 reads a view's whole underlying ArrayBuffer, so a short Buffer
      // from the pool (Buffer.concat of a small upload) would be measured with bytes of other
      // requests after it (inspect-file.unit.spec.ts, the cut-short image).
      const { width, height } = imageSize(new Uint8Array(content));
      return width > 0 && height > 0 ? { contentType, width, height } : { contentType };
    } catch {
      return { contentType };
    }
  }
  if (!isPlainText(content)) return { contentType: 'application/octet-stream' };
  const extension = name.toLowerCase().split('.').at(-1) ?? '';
  return { contentType: TEXT_TYPES_BY_EXTENSION[extension] ?? 'text/plain' };
}

// Tab, line feed, form feed and carriage return are text; other C0 controls and DEL are not.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what tells binary from text.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

function isPlainText(content: Buffer): boolean {
  if (content.length === 0) return false;
  try {
    return !CONTROL_CHARACTER.test(new TextDecoder('utf-8', { fatal: true }).decode(content));
  } catch {
    return false;
  }
}
