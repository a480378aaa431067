import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a download URL is refused: past its expiry, or not signed by this installation for this file. */
export type FileUrlRefusal = 'file_url_expired' | 'file_url_invalid';

/**
 * Signed, expiring download URLs of chat files: `/v1/files/<file_id>?expires=<unix seconds>&signature=<hex>`,
 * a path on the gateway's host (which forwards it to the ticketing service that stores the
 * files). The signature is an HMAC-SHA256 of `<file_id>.<expires>` with a key derived from the
 * JWT secret under a label of its own, so the gateway (which puts URLs in pushes and `get_chat`)
 * and ticketing (which answers them) agree without another secret to configure, and the key
 * signs nothing else. Whoever holds a URL may download the file until it expires, as with any
 * capability URL: the gateway gives them only to the chat's participants.
 */
export class FileUrls {
  private readonly key: Buffer;

  constructor(
    jwtSecret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = createHmac('sha256', jwtSecret).update('livedesk-file-urls').digest();
  }

  /** The URL of a file, valid `ttlSeconds` from `now` (or until `expiresAt`, unix seconds, when given). */
  urlOf(fileId: string, now = Date.now(), expiresAt?: number): string {
    const expires = expiresAt ?? Math.floor(now / 1000) + this.ttlSeconds;
    return `/v1/files/${encodeURIComponent(fileId)}?expires=${expires}&signature=${this.signature(fileId, expires)}`;
  }

  /** Undefined when the URL's signature is this installation's for this file and it has not expired. */
  refusalOf(
    fileId: string,
    expires: string | undefined,
    signature: string | undefined,
    now = Date.now(),
  ): FileUrlRefusal | undefined {
    if (!expires || !/^\d{1,12}$/.test(expires) || !signature || !/^[0-9a-f]{64}$/.test(signature))
      return 'file_url_invalid';
    const expected = Buffer.from(this.signature(fileId, Number(expires)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'file_url_invalid';
    // Checked after the signature, so an expiry is only reported for a URL this installation made.
    if (Number(expires) * 1000 <= now) return 'file_url_expired';
    return undefined;
  }

  private signature(fileId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${fileId}.${expires}`).digest('hex');
  }
}
