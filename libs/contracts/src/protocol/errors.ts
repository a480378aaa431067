import { z } from 'zod';
import { SafeString } from '../common.js';

/** The error codes of docs/protocol.md. Every failed request answers exactly one of them. */
export const ErrorCode = z.enum([
  'validation',
  'authentication',
  'authorization',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * The `error` of a failed response. `reason` (an extension of docs/protocol.md) names the rule that
 * refused the request in a form a program can branch on: `chat_closed`, `not_assigned`, ….
 */
export const ProtocolError = z.object({
  code: ErrorCode,
  message: SafeString,
  reason: SafeString.optional(),
  /** `rate_limited`, and `unavailable` while a dependency (a service, NATS) is away: when to try again. */
  retry_after_ms: z.number().int().nonnegative().optional(),
});
export type ProtocolError = z.infer<typeof ProtocolError>;
