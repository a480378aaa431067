import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { toStorableText } from '@livedesk/contracts';
import type { EmailSignals } from './automatic-email.js';
import { InboundRefusal } from './inbound-refusal.js';

/** An inbound email, as ticketing uses it. */
export interface InboundEmail {
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
  fromAddress: string;
  fromName: string | undefined;
  subject: string;
  text: string;
  attachments: { name: string; contentType: string; content: Buffer }[];
  signals: EmailSignals;
}

const HEADER_BODY_SEPARATOR = /\r?\n\r?\n/;
const MESSAGE_ID = /<[^<>\s]+>/g;

/**
 * Parses a raw message (RFC 5322, MIME) with mailparser. Refused as malformed: no header
 * block, no sender address, a multipart body without its boundary (mailparser would read it
 * as one blob, so its parts and files would be lost without a word). A message without a
 * Message-ID gets one derived from its content, so a redelivery is still recognised.
 */
export async function parseEmail(
  raw: Buffer,
  envelopeSender: string,
  fallbackMessageId: string,
): Promise<InboundEmail> {
  const head = raw.subarray(0, 256 * 1024).toString('latin1');
  if (
    !HEADER_BODY_SEPARATOR.test(head) ||
    !/^[\x21-\x39\x3b-\x7e]+:/m.test(head.split(HEADER_BODY_SEPARATOR)[0] ?? '')
  ) {
    throw malformed('the message has no header section (RFC 5322: headers, a blank line, the body)');
  }
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  } catch (error) {
    throw malformed(`the message cannot be parsed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const contentType = mail.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  if (contentType?.value?.toLowerCase().startsWith('multipart/') && !contentType.params?.boundary) {
    throw malformed(`the message is ${contentType.value} without a boundary parameter`);
  }
  const from = firstAddress(mail.from);
  if (!from?.address) throw malformed('the message has no From address');
  const header = (name: string): string | undefined => {
    const value = mail.headers.get(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
    return String(value);
  };
  return {
    messageId: mail.messageId ?? fallbackMessageId,
    inReplyTo: mail.inReplyTo?.match(MESSAGE_ID)?.[0],
    references: (Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : []).flatMap(
      (value) => value.match(MESSAGE_ID) ?? [],
    ),
    fromAddress: from.address.toLowerCase(),
    // Mail is free to carry NUL (=00 in quoted-printable) and broken surrogates; Postgres is not.
    fromName: from.name ? toStorableText(from.name) : undefined,
    subject: toStorableText((mail.subject ?? '').trim()),
    text: toStorableText((mail.text ?? '').trim()),
    attachments: mail.attachments.map((attachment, index) => ({
      name: toStorableText(attachment.filename ?? `attachment-${index + 1}`),
      contentType: attachment.contentType,
      content: attachment.content,
    })),
    signals: {
      header,
      contentType: contentType?.value?.toLowerCase(),
      envelopeSender,
      fromAddress: from.address,
      subject: mail.subject,
    },
  };
}

function firstAddress(
  value: AddressObject | AddressObject[] | undefined,
): { address?: string; name: string } | undefined {
  const object = Array.isArray(value) ? value[0] : value;
  return object?.value[0];
}

function malformed(message: string): InboundRefusal {
  return new InboundRefusal(550, 'malformed_message', `5.6.0 ${message}`);
}
