import { TICKET_TEXT_MAX_CHARS } from '@livedesk/contracts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes from mail text.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/**
 * An email's text as a ticket keeps it: control characters replaced, whole up to
 * TICKET_TEXT_MAX_CHARS, else cut with a note saying so. SMTP accepts messages of many
 * megabytes, and a text over the reply's bound failed when its event was encoded, so the
 * sender's server retried the email for days.
 */
export function boundedEmailText(email: string, maxChars = TICKET_TEXT_MAX_CHARS): string {
  // Control characters (but tab and line breaks) are junk in mail, and JSON writes each as a
  // 6-byte escape: without them a character takes 3 bytes of JSON at most (TicketText's bound).
  const text = email.replace(CONTROL_CHARACTERS, '\uFFFD');
  if (text.length <= maxChars) return text;
  const note = `\n\n[The email was cut here: it had ${text.length} characters; a ticket keeps ${maxChars}.]`;
  let end = maxChars - note.length;
  // Never split a surrogate pair: half of one is a character Postgres cannot store.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}${note}`;
}
