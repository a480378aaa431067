import { z } from 'zod';
import { authConfigShape } from '@livedesk/auth';
import type { ServiceConfig } from '@livedesk/service-kit';

const MIB = 1024 * 1024;

/** A comma-separated list: `a, b,c` → ['a', 'b', 'c']. */
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    );

/** What may be missed and still become a ticket (docs/metrics.md's `missed` reasons). */
const MISSED_REASONS = ['left_in_queue', 'unanswered', 'no_agents'] as const;

/**
 * The ticketing service's own settings (README.md, "Ticketing settings"), parsed with the
 * common ones before anything starts.
 */
export function ticketingConfigShape(env: NodeJS.ProcessEnv = process.env) {
  return {
    ...authConfigShape(env),
    /** The inbound SMTP endpoint (docs/architecture.md: 2525); 0 takes any free port (tests). */
    SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65_535).default(2525),
    SMTP_INBOUND_HOST: z.string().min(1).default('0.0.0.0'),
    /** The largest email accepted, attachments included (SMTP SIZE; larger ones answer 552). */
    SMTP_INBOUND_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(200 * MIB)
      .default(25 * MIB),
    /** The domain of the organizations' inbound addresses (`<mailbox>@<domain>`): point its MX at the SMTP endpoint. */
    INBOUND_EMAIL_DOMAIN: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, 'expected a domain name')
      .default('inbound.livedesk.localhost'),
    /** Signs the organizations' inbound addresses; by default derived from LIVEDESK_JWT_SECRET. */
    TICKETING_MAILBOX_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /**
     * Where outbound email goes: `smtp://user:password@host:587` (STARTTLS when offered) or
     * `smtps://…:465`. Unset: nothing is sent; deliveries wait in the outbox until it is set.
     */
    SMTP_RELAY_URL: z.url({ protocol: /^smtps?$/, error: 'expected smtp://host:port or smtps://host:port' }).optional(),
    /** The From of outbound email. */
    MAIL_FROM: z.string().min(3).default('Support <support@livedesk.localhost>'),
    OUTBOUND_EMAIL_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** The first retry of a failed delivery waits this long, each next one twice as long (at most an hour). */
    OUTBOUND_EMAIL_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
    /** Attempts before a delivery is given up (marked `failed`, kept in the outbox). */
    OUTBOUND_EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
    /**
     * Acknowledgements of new tickets sent per address (whatever the organization) and per
     * organization in any hour; past them a ticket is made without one. `leave_message` lets
     * anyone type any address: this bounds how much mail a script can make the system send.
     */
    ACKNOWLEDGEMENTS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(0).max(1000).default(3),
    ACKNOWLEDGEMENTS_PER_ORGANIZATION_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).default(200),
    /** Which missed chats become tickets (comma-separated reasons, or `off`). */
    TICKETS_FROM_MISSED_CHATS: list('left_in_queue,unanswered').pipe(
      z
        .array(z.enum([...MISSED_REASONS, 'off']))
        .transform((reasons) => (reasons.includes('off') ? [] : (reasons as (typeof MISSED_REASONS)[number][]))),
    ),
    /** `local` (a directory) or `s3` (any S3-compatible store). */
    ATTACHMENT_STORAGE: z.enum(['local', 's3']).default('local'),
    ATTACHMENT_DIR: z.string().min(1).default('./data/attachments'),
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(100 * MIB)
      .default(10 * MIB),
    /** Content types accepted (`image/*` allows every image type). */
    ATTACHMENT_ALLOWED_TYPES: list(
      'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/zip,' +
        'application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document,' +
        'application/vnd.ms-excel,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ),
    S3_BUCKET: z.string().min(1).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    /** For S3-compatible stores (MinIO, Ceph, R2 …); unset for AWS. Credentials: the AWS SDK's usual chain. */
    S3_ENDPOINT: z.url().optional(),
    S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
  };
}

export type TicketingSettings = z.infer<z.ZodObject<ReturnType<typeof ticketingConfigShape>>>;
export type TicketingConfig = ServiceConfig & TicketingSettings;
