import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { freePort } from '@livedesk/testing';
import { LocalDiskStorage } from './local-disk-storage.js';
import { S3Storage } from './s3-storage.js';

// No S3 service can run on this machine (no Docker, no network beyond the package registries),
// so S3Storage is checked with the real AWS SDK against a loopback HTTP server that answers
// the two S3 requests it sends (PutObject, GetObject) the way S3 does: what this proves is the
// requests the SDK makes (bucket and key in a path-style URL, the content type, a signed
// request) and that the bytes come back whole; not S3's own behaviour.
describe('attachment storages', () => {
  let server: Server;
  let endpoint: string;
  const objects = new Map<
    string,
    { body: Buffer; contentType: string | undefined; authorization: string | undefined }
  >();

  beforeAll(async () => {
    const port = await freePort();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = decodeURIComponent((request.url ?? '').split('?')[0]!);
        if (request.method === 'PUT') {
          objects.set(path, {
            body: Buffer.concat(chunks),
            contentType: request.headers['content-type'],
            authorization: request.headers.authorization,
          });
          response.writeHead(200, { etag: '"1"' }).end();
          return;
        }
        const object = objects.get(path);
        if (request.method === 'GET' && object) {
          response
            .writeHead(200, {
              'content-type': object.contentType ?? 'application/octet-stream',
              'content-length': String(object.body.length),
            })
            .end(object.body);
          return;
        }
        response
          .writeHead(404, { 'content-type': 'application/xml' })
          .end('<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('S3Storage puts and gets an object by bucket and key with its content type, signed', async () => {
    const client = new S3Client({
      region: 'eu-west-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test-key', secretAccessKey: 'test-secret' },
    });
    const storage = new S3Storage(
      { bucket: 'livedesk-attachments', region: 'eu-west-1', endpoint, forcePathStyle: true },
      client,
    );
    const content = Buffer.from('%PDF-1.4 bytes of an invoice \u00e9');
    await storage.put('org-1/attachment-1', content, 'application/pdf');
    const object = objects.get('/livedesk-attachments/org-1/attachment-1');
    expect(object?.body.equals(content)).toBe(true);
    expect(object?.contentType).toBe('application/pdf');
    expect(object?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test-key\//);
    expect((await storage.get('org-1/attachment-1')).equals(content)).toBe(true);
    await expect(storage.get('org-1/missing')).rejects.toThrow();
    expect(storage.describe()).toBe('s3:livedesk-attachments');
  });

  it('LocalDiskStorage writes whole files under its directory and refuses keys that leave it', async () => {
    const storage = new LocalDiskStorage(mkdtempSync(join(tmpdir(), 'attachments-')));
    await storage.put('org-1/a', Buffer.from('first'));
    await storage.put('org-1/a', Buffer.from('second'));
    expect((await storage.get('org-1/a')).toString()).toBe('second');
    await expect(storage.put('../escape', Buffer.from('x'))).rejects.toThrow('leaves the storage directory');
  });
});
