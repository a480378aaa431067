import { describe, expect, it } from '@jest/globals';
import { automaticEmail, type EmailSignals } from './automatic-email.js';

function signals(headers: Record<string, string> = {}, extra: Partial<EmailSignals> = {}): EmailSignals {
  return {
    header: (name) => headers[name],
    contentType: 'text/plain',
    envelopeSender: 'ann@example.test',
    fromAddress: 'ann@example.test',
    subject: 'My order',
    ...extra,
  };
}

describe('automaticEmail', () => {
  it('lets a message a person wrote through', () => {
    expect(automaticEmail(signals())).toBeUndefined();
    expect(automaticEmail(signals({ 'auto-submitted': 'no' }))).toBeUndefined();
    expect(automaticEmail(signals({ precedence: 'normal' }))).toBeUndefined();
  });

  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'auto_reply'],
    [{ 'auto-submitted': 'auto-generated' }, 'auto_reply'],
    [{ 'x-autoreply': 'yes' }, 'auto_reply'],
    [{ 'x-autorespond': 'vacation' }, 'auto_reply'],
    [{ 'x-auto-response-suppress': 'All' }, 'auto_reply'],
    [{ precedence: 'bulk' }, 'auto_reply'],
    [{ precedence: 'auto_reply' }, 'auto_reply'],
    [{ 'x-failed-recipients': 'ann@example.test' }, 'bounce'],
  ])('recognises %j as %s', (headers, kind) => {
    expect(automaticEmail(signals(headers))?.kind).toBe(kind);
  });

  it('recognises delivery reports, the null sender and MAILER-DAEMON as bounces', () => {
    expect(automaticEmail(signals({}, { contentType: 'multipart/report' }))?.kind).toBe('bounce');
    expect(automaticEmail(signals({}, { envelopeSender: '' }))?.kind).toBe('bounce');
    expect(automaticEmail(signals({}, { fromAddress: 'MAILER-DAEMON@mx.example.test' }))?.kind).toBe('bounce');
    expect(automaticEmail(signals({}, { fromAddress: 'postmaster@example.test' }))?.kind).toBe('bounce');
  });

  it('recognises out-of-office subjects', () => {
    expect(automaticEmail(signals({}, { subject: 'Automatic reply: My order' }))?.kind).toBe('auto_reply');
    expect(automaticEmail(signals({}, { subject: 'Out of Office until Monday' }))?.kind).toBe('auto_reply');
    expect(automaticEmail(signals({}, { subject: 'Re: automatic replies are annoying' }))).toBeUndefined();
  });
});
