import { z } from 'zod';
import { ProtocolError } from './errors.js';
import { PushFrame, RequestFrame, RequestId, ResponseFrame } from './frames.js';

/**
 * The frames of frames.ts narrowed to one action, for the AsyncAPI document: the generic frame
 * says `action: string, payload: unknown`; a message of the document says which action and
 * which payload. Built by extending the generic frames so that the two cannot drift apart.
 */

/**
 * A request frame of one action. The gateway parses the frame with `RequestFrame` (whose
 * payload defaults to `{}`) and the payload with the action's schema afterwards, so a client
 * may leave out the payload of an action whose every field is optional (`start_chat`,
 * `list_chats`): the document says so with a default instead of a required `payload`.
 */
export function requestFrameOf(action: string, request: z.ZodType): z.ZodType {
  const payload = request.safeParse({}).success ? request.default({}) : request;
  return RequestFrame.extend({ action: z.literal(action), payload });
}

/** The one successful response to a request of `action`; `request_id` echoes the request's. */
export function responseFrameOf(action: string, response: z.ZodType): z.ZodType {
  return ResponseFrame.extend({
    request_id: RequestId,
    action: z.literal(action),
    success: z.literal(true),
    payload: response,
  });
}

export function pushFrameOf(action: string, payload: z.ZodType): z.ZodType {
  return PushFrame.extend({ action: z.literal(action), payload });
}

/**
 * The failed response, the same for every action. `request_id` and `action` are null when the
 * frame could not be read at all (not JSON, or no request id).
 */
export const ErrorResponseFrame = ResponseFrame.extend({
  success: z.literal(false),
  payload: z.object({ error: ProtocolError }),
});
