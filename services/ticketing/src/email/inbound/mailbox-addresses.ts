import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an inbound address names: the organization whose mailbox it is, and maybe a ticket. */
export interface Mailbox {
  organizationId: string;
  /** A ticket's reference, from the reply-to address `…+LD-…@` of an email livedesk sent. */
  reference?: string;
}

const ADDRESS = /^([a-z0-9_-]{1,40})\.([a-z0-9]{10})(?:\+(ld-[0-9a-z]{10}))?@(.+)$/i;

/**
 * The inbound addresses of organizations: `<organization id>.<signature>@<domain>`, and
 * `…+<ticket reference>@<domain>` as the reply-to of every email about a ticket. The
 * organization an email belongs to comes from the address it was sent to, never from its
 * content; the signature (an HMAC of the organization id) makes addresses of organizations
 * that do not exist, or guessed ones, no mailboxes at all.
 */
export class MailboxAddresses {
  constructor(
    private readonly secret: string,
    readonly domain: string,
  ) {}

  addressOf(organizationId: string, reference?: string): string {
    return `${organizationId}.${this.signature(organizationId)}${reference === undefined ? '' : `+${reference}`}@${this.domain}`;
  }

  /** The mailbox an address is, or undefined when it is none of ours. */
  parse(address: string): Mailbox | undefined {
    const match = ADDRESS.exec(address.trim());
    if (!match) return undefined;
    const [, organizationId, signature, reference, domain] = match as unknown as [
      string,
      string,
      string,
      string | undefined,
      string,
    ];
    if (domain.toLowerCase() !== this.domain.toLowerCase()) return undefined;
    const expected = Buffer.from(this.signature(organizationId));
    const given = Buffer.from(signature.toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return { organizationId, ...(reference === undefined ? {} : { reference: reference.toUpperCase() }) };
  }

  private signature(organizationId: string): string {
    const digest = createHmac('sha256', this.secret).update(`livedesk-mailbox:${organizationId}`).digest();
    // 10 characters of base 36: 51 bits, far beyond guessing over SMTP.
    return BigInt(`0x${digest.subarray(0, 8).toString('hex')}`)
      .toString(36)
      .padStart(13, '0')
      .slice(-10);
  }
}
