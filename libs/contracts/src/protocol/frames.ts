import { z } from 'zod';
import { SafeString } from '../common.js';
import { ProtocolError } from './errors.js';

/** A request id is echoed back verbatim; clients use strings like `r-17`. */
export const RequestId = z.union([SafeString.min(1).max(128), z.number().int()]);
export type RequestId = z.infer<typeof RequestId>;

/** Client → server. The payload is checked against the action's own schema afterwards. */
export const RequestFrame = z.object({
  request_id: RequestId,
  action: SafeString.min(1).max(64),
  payload: z.unknown().default({}),
});
export type RequestFrame = z.infer<typeof RequestFrame>;

export const ResponseFrame = z.object({
  request_id: RequestId.nullable(),
  action: SafeString.nullable(),
  type: z.literal('response'),
  success: z.boolean(),
  payload: z.unknown(),
});
export type ResponseFrame = z.infer<typeof ResponseFrame>;

export const PushFrame = z.object({
  action: SafeString,
  type: z.literal('push'),
  payload: z.unknown(),
});
export type PushFrame = z.infer<typeof PushFrame>;

export function successFrame(requestId: RequestId, action: string, payload: unknown): ResponseFrame {
  return { request_id: requestId, action, type: 'response', success: true, payload };
}

export function errorFrame(requestId: RequestId | null, action: string | null, error: ProtocolError): ResponseFrame {
  return { request_id: requestId, action, type: 'response', success: false, payload: { error } };
}

export function pushFrame(action: string, payload: unknown): PushFrame {
  return { action, type: 'push', payload };
}
