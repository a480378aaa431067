import { describe, expect, it } from '@jest/globals';
import { MailboxAddresses } from './mailbox-addresses.js';

const mailboxes = new MailboxAddresses('a-secret-of-at-least-thirty-two-characters', 'inbound.test');
const org = '6f1c8a2e-3b4d-4c5e-9f60-718293a4b5c6';

describe('MailboxAddresses', () => {
  it('gives each organization a signed address that parses back to it, with or without a ticket reference', () => {
    const address = mailboxes.addressOf(org);
    expect(address).toMatch(new RegExp(`^${org}\\.[a-z0-9]{10}@inbound\\.test$`));
    expect(mailboxes.parse(address)).toEqual({ organizationId: org });
    expect(mailboxes.parse(mailboxes.addressOf(org, 'LD-0123456789'))).toEqual({
      organizationId: org,
      reference: 'LD-0123456789',
    });
    expect(
      mailboxes.parse(mailboxes.addressOf(org, 'LD-0123456789').toUpperCase().replace('INBOUND.TEST', 'inbound.test')),
    ).toBeUndefined();
  });

  it('is no mailbox with a wrong signature, another domain, another secret or another organization', () => {
    const address = mailboxes.addressOf(org);
    const [local] = address.split('@');
    expect(mailboxes.parse(`${local}@elsewhere.test`)).toBeUndefined();
    expect(mailboxes.parse(address.replace(/\.[a-z0-9]{10}@/, '.aaaaaaaaaa@'))).toBeUndefined();
    expect(
      new MailboxAddresses('another-secret-of-at-least-thirty-two-chars', 'inbound.test').parse(address),
    ).toBeUndefined();
    expect(mailboxes.parse(address.replace(org, '6f1c8a2e-3b4d-4c5e-9f60-718293a4b5c7'))).toBeUndefined();
    expect(mailboxes.parse('support@inbound.test')).toBeUndefined();
  });
});
