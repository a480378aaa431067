import { z } from 'zod';

export const Id = z.string().min(1).max(128);
export const Timestamp = z.iso.datetime({ offset: true });

export const AttachmentRef = z.object({
  attachment_id: Id,
  name: z.string().max(255),
  content_type: z.string().max(255),
  size: z.number().int().nonnegative(),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

export const Author = z.object({
  kind: z.enum(['customer', 'agent', 'bot', 'system']),
  id: Id.optional(),
});
export type Author = z.infer<typeof Author>;
