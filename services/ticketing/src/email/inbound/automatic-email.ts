/**
 * Whether an inbound email was written by a machine answering another one: an auto-reply (out
 * of office, "we got your message") or a bounce (a delivery status notification). Those never
 * become tickets or replies: a ticket system that answers them loops with the other side.
 * Signals, from the most reliable:
 * - RFC 3834 `Auto-Submitted` (anything but `no`), and the de-facto `X-Autoreply`,
 *   `X-Autorespond`, `X-Auto-Response-Suppress` (Exchange) headers;
 * - `Precedence: bulk | junk | auto_reply | list`;
 * - RFC 3464 / 8098 reports: `multipart/report` (delivery-status, disposition-notification);
 * - the null envelope sender `<>` (RFC 5321: bounces are sent from it), a MAILER-DAEMON or
 *   postmaster sender, `X-Failed-Recipients`;
 * - subjects of out-of-office replies ("Auto:", "Automatic reply", "Out of office").
 */
export interface AutomaticEmail {
  kind: 'auto_reply' | 'bounce';
  reason: string;
}

export interface EmailSignals {
  /** Header value by lower-case name (the first, as text). */
  header(name: string): string | undefined;
  /** `multipart/report`, `text/plain`, … (lower-case, without parameters). */
  contentType: string | undefined;
  /** The envelope's MAIL FROM; '' for the null sender. */
  envelopeSender: string | undefined;
  fromAddress: string | undefined;
  subject: string | undefined;
}

const AUTO_SUBJECT =
  /^\s*(auto(matic)?\s*(reply|response)|auto:|out of (the )?office|abwesenheitsnotiz|réponse automatique|undeliverable|delivery status notification|mail delivery (failed|failure))/i;

export function automaticEmail(signals: EmailSignals): AutomaticEmail | undefined {
  const autoSubmitted = signals.header('auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.trim().toLowerCase() !== 'no') {
    return { kind: 'auto_reply', reason: `Auto-Submitted: ${autoSubmitted.trim()}` };
  }
  for (const name of ['x-autoreply', 'x-autorespond', 'x-auto-response-suppress']) {
    if (signals.header(name) !== undefined) return { kind: 'auto_reply', reason: `${name} header` };
  }
  const precedence = signals.header('precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'auto_reply', 'list'].includes(precedence))
    return { kind: 'auto_reply', reason: `Precedence: ${precedence}` };
  if (signals.contentType === 'multipart/report')
    return { kind: 'bounce', reason: 'multipart/report (delivery or read report)' };
  if (signals.envelopeSender === '') return { kind: 'bounce', reason: 'null envelope sender <>' };
  if (signals.header('x-failed-recipients') !== undefined)
    return { kind: 'bounce', reason: 'X-Failed-Recipients header' };
  const local = signals.fromAddress?.split('@')[0]?.toLowerCase();
  if (local === 'mailer-daemon' || local === 'postmaster')
    return { kind: 'bounce', reason: `sender ${signals.fromAddress}` };
  if (signals.subject && AUTO_SUBJECT.test(signals.subject))
    return { kind: 'auto_reply', reason: `subject "${signals.subject}"` };
  return undefined;
}
