import { z } from 'zod';
import { AttachmentRef, Id, SafeString } from '../common.js';

/**
 * A file uploaded into a chat (`POST /v1/customer/files`, `POST /v1/agent/files`): its id (what a
 * `send_event` names in `attachments`), the type read from its bytes, its size, an image's pixel
 * size, and a signed download URL that expires (a path on the gateway's host).
 */
export const ChatFile = z.object({
  file_id: Id,
  name: SafeString.max(255),
  content_type: SafeString.max(255),
  size: z.number().int().nonnegative(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  url: SafeString,
});
export type ChatFile = z.infer<typeof ChatFile>;

/** An attachment of a message as clients see it: the stored reference with a signed download URL. */
export const AttachmentView = AttachmentRef.extend({ url: SafeString });
export type AttachmentView = z.infer<typeof AttachmentView>;

/** Who uploaded a chat file: the chat's customer, or an agent (a bot is an agent). */
export const FileUploader = z.object({ kind: z.enum(['customer', 'agent']), id: Id });
export type FileUploader = z.infer<typeof FileUploader>;
