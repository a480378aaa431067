/**
 * Where attachment contents live: outside the event store, which keeps only their id, name,
 * size and content type. Keys are chosen by the caller (`<organization>/<attachment id>`), so a
 * retried store writes the same object again instead of a second one.
 */
export interface AttachmentStorage {
  put(key: string, content: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** For readiness and the README: `local:/data/attachments`, `s3:bucket`. */
  describe(): string;
}

/** Injection token of the service's `AttachmentStorage`. */
export const ATTACHMENT_STORAGE = Symbol('ATTACHMENT_STORAGE');
