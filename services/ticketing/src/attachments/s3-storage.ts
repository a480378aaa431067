import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AttachmentStorage } from './attachment-storage.js';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, Ceph, R2 …); AWS itself when absent. */
  endpoint?: string;
  forcePathStyle?: boolean;
}

/**
 * Attachments in an S3 bucket, the production option when the service runs several replicas.
 * Credentials come from the AWS SDK's default chain (environment, shared files, instance or pod
 * role), never from livedesk's own settings.
 */
export class S3Storage implements AttachmentStorage {
  private readonly client: S3Client;

  constructor(
    private readonly options: S3StorageOptions,
    client?: S3Client,
  ) {
    this.client =
      client ??
      new S3Client({
        region: options.region,
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        forcePathStyle: options.forcePathStyle ?? false,
      });
  }

  async put(key: string, content: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: content, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    if (!object.Body) throw new Error(`attachment ${key} has no content in bucket ${this.options.bucket}`);
    return Buffer.from(await object.Body.transformToByteArray());
  }

  describe(): string {
    return `s3:${this.options.bucket}`;
  }
}
