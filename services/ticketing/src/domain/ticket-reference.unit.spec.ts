import { describe, expect, it } from '@jest/globals';
import { referenceIn, ticketReference } from './ticket-reference.js';

describe('ticket references', () => {
  it('derives a stable LD- reference of 10 unambiguous characters from the ticket id', () => {
    const reference = ticketReference('0b8a3f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(reference).toMatch(/^LD-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(ticketReference('0b8a3f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b')).toBe(reference);
    expect(ticketReference('another id')).not.toBe(reference);
  });

  it('finds a reference in a subject or an address, whatever the case', () => {
    const reference = ticketReference('t-1');
    expect(referenceIn(`Re: Your invoice [${reference}]`)).toBe(reference);
    expect(referenceIn(`org+${reference.toLowerCase()}@inbound.test`)).toBe(reference);
    expect(referenceIn('Re: Your invoice [LD-0123]')).toBeUndefined();
    expect(referenceIn(undefined)).toBeUndefined();
  });
});
