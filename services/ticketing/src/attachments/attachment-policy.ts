/** Why a file is refused: too big, or of a type the installation does not accept. */
export type AttachmentRefusal = { reason: 'attachment_too_large' | 'attachment_type_not_allowed'; message: string };

/**
 * The size limit and the content-type allow list (`ATTACHMENT_MAX_BYTES`,
 * `ATTACHMENT_ALLOWED_TYPES`; `image/*` allows a whole family). Types are compared without
 * their parameters and case-insensitively (`Text/Plain; charset=utf-8` is `text/plain`).
 */
export class AttachmentPolicy {
  private readonly exact = new Set<string>();
  private readonly families = new Set<string>();

  constructor(
    readonly maxBytes: number,
    allowedTypes: readonly string[],
  ) {
    for (const type of allowedTypes.map((t) => t.toLowerCase())) {
      if (type.endsWith('/*')) this.families.add(type.slice(0, -2));
      else this.exact.add(type);
    }
  }

  refusalOf(name: string, contentType: string, size: number): AttachmentRefusal | undefined {
    const type = normalizedType(contentType);
    if (!this.exact.has(type) && !this.families.has(type.split('/')[0]!)) {
      return {
        reason: 'attachment_type_not_allowed',
        message: `attachment "${name}" is of type ${type}, which is not accepted`,
      };
    }
    if (size > this.maxBytes) {
      return {
        reason: 'attachment_too_large',
        message: `attachment "${name}" has ${size} bytes, more than the ${this.maxBytes} accepted`,
      };
    }
    return undefined;
  }
}

export function normalizedType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase() || 'application/octet-stream';
}
