import { ApiError } from '@livedesk/service-kit';
import type { HttpRequest } from './http-types.js';

/** The raw body, refused past `limit` bytes without reading the rest into memory. */
export async function readBody(request: HttpRequest, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.destroy();
      throw new ApiError('validation', `the file has more than the ${limit} bytes accepted`, 'attachment_too_large');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
