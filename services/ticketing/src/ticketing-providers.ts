import type { Provider } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { InstallationSecrets } from '@livedesk/auth';
import { DATABASE, SERVICE_CONFIG } from '@livedesk/service-kit';
import { createHmac } from 'node:crypto';
import { AttachmentPolicy } from './attachments/attachment-policy.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './attachments/attachment-storage.js';
import { Attachments } from './attachments/attachments.js';
import { LocalDiskStorage } from './attachments/local-disk-storage.js';
import { S3Storage } from './attachments/s3-storage.js';
import { MailboxAddresses } from './email/inbound/mailbox-addresses.js';
import type { TicketingTables } from './read-model/ticketing-tables.js';
import type { TicketingConfig } from './ticketing-config.js';

/** The storage of attachment contents the settings choose (`ATTACHMENT_STORAGE`). */
export function attachmentStorageOf(config: TicketingConfig): AttachmentStorage {
  if (config.ATTACHMENT_STORAGE === 's3') {
    if (!config.S3_BUCKET) throw new Error('ATTACHMENT_STORAGE=s3 needs S3_BUCKET');
    return new S3Storage({
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    });
  }
  return new LocalDiskStorage(config.ATTACHMENT_DIR);
}

/**
 * The mailbox signing key: its own setting, or one derived from the JWT secret (an HMAC with a
 * label of its own, so the two keys are unrelated to anyone without the secret).
 */
export function mailboxSecretOf(config: TicketingConfig, secrets: InstallationSecrets): string {
  return (
    config.TICKETING_MAILBOX_SECRET ??
    createHmac('sha256', secrets.jwtSecret).update('livedesk-ticketing-mailboxes').digest('hex')
  );
}

export const ticketingProviders: Provider[] = [
  {
    provide: MailboxAddresses,
    useFactory: (config: TicketingConfig, secrets: InstallationSecrets) =>
      new MailboxAddresses(mailboxSecretOf(config, secrets), config.INBOUND_EMAIL_DOMAIN),
    inject: [SERVICE_CONFIG, InstallationSecrets],
  },
  { provide: ATTACHMENT_STORAGE, useFactory: attachmentStorageOf, inject: [SERVICE_CONFIG] },
  {
    provide: Attachments,
    useFactory: (db: Kysely<TicketingTables>, storage: AttachmentStorage, config: TicketingConfig) =>
      new Attachments(db, storage, new AttachmentPolicy(config.ATTACHMENT_MAX_BYTES, config.ATTACHMENT_ALLOWED_TYPES)),
    inject: [DATABASE, ATTACHMENT_STORAGE, SERVICE_CONFIG],
  },
];
