import { describe, expect, it } from '@jest/globals';
import type { TicketEvent } from '@livedesk/contracts';
import { stateOf } from '../../domain/testing/given-when-then.js';
import {
  aliceAuthor,
  createdEvent,
  pendingTicket,
  replied,
  requesterAuthor,
  status,
} from '../../domain/testing/fixtures.js';
import type { OpenedTicket } from '../../domain/index.js';
import { deliveriesFor } from './deliveries-for.js';
import { REPLY_MARKER, textAboveMarker } from './reply-marker.js';

const withIds = (events: TicketEvent[]) =>
  events.map((event, index) => ({ ...event, eventId: `00000000-0000-4000-8000-00000000000${index}` }));
const plan = (history: TicketEvent[], events: TicketEvent[]) =>
  deliveriesFor({
    ticket: stateOf([...history, ...events]) as OpenedTicket,
    events: withIds(events),
    messageIdDomain: 'mail.test',
  });

describe('deliveriesFor', () => {
  it('acknowledges a new ticket from an email, as an automatic message with the reference', () => {
    const [ack] = plan([], [createdEvent]);
    expect(ack).toMatchObject({
      kind: 'created',
      to: 'ann@example.test',
      autoSubmitted: true,
      subject: '[LD-0123456789] The invoice is wrong',
    });
    expect(ack!.messageId).toBe(`<${ack!.deliveryId}@mail.test>`);
  });

  it('leave_message does not mail visitor text to an arbitrary address: the acknowledgement is fixed text', () => {
    const visitorText = 'Click http://evil.test to claim your prize';
    const offline = {
      ...createdEvent,
      data: {
        ...(createdEvent.data as object),
        source: 'offline_message',
        subject: visitorText,
        requester: { customer_id: 'c1', email: 'stranger@example.test', name: 'Free money' },
      },
    } as TicketEvent;
    const [ack] = plan([], [offline]);
    expect(ack).toMatchObject({
      kind: 'created',
      to: 'stranger@example.test',
      autoSubmitted: true,
      subject: '[LD-0123456789] We have received your message',
    });
    expect(`${ack!.subject}\n${ack!.body}`).not.toMatch(/evil|prize|Free money/);
  });

  it("emails an agent's reply with its files, and derives the same delivery for the same event", () => {
    const attachment = { attachment_id: 'a1', name: 'x.pdf', content_type: 'application/pdf', size: 3 };
    const events = [replied(aliceAuthor, 'r2', 'api', { attachments: [attachment] })];
    const [first] = plan(pendingTicket, events);
    expect(first).toMatchObject({
      kind: 'reply',
      autoSubmitted: false,
      attachmentIds: ['a1'],
      subject: 'Re: The invoice is wrong [LD-0123456789]',
    });
    expect(first!.body.startsWith(REPLY_MARKER)).toBe(true);
    expect(first!.body).toContain('text of r2');
    expect(plan(pendingTicket, events)[0]!.deliveryId).toBe(first!.deliveryId);
  });

  it("never emails a note or the requester's own reply", () => {
    expect(
      plan(pendingTicket, [
        { type: 'InternalNoteAdded', data: { note_id: 'n', author: aliceAuthor, text: 'secret', attachments: [] } },
      ]),
    ).toEqual([]);
    expect(
      plan(pendingTicket, [
        replied(requesterAuthor, 'r3'),
        status('pending', 'open', requesterAuthor, 'requester_replied'),
      ]),
    ).toEqual([]);
  });

  it('notifies a solve without a reply once, and a reply that solves as one email', () => {
    expect(plan(pendingTicket, [status('pending', 'solved', aliceAuthor, 'set')]).map((d) => d.kind)).toEqual([
      'solved',
    ]);
    const both = plan(pendingTicket, [
      replied(aliceAuthor, 'r2'),
      status('pending', 'solved', aliceAuthor, 'agent_replied'),
    ]);
    expect(both.map((d) => d.kind)).toEqual(['reply']);
    expect(both[0]!.body).toContain('solved');
  });

  it('sends nothing about a spam ticket, nor to a requester without email', () => {
    expect(plan([createdEvent], [status('open', 'spam', aliceAuthor, 'set')])).toEqual([]);
    const noEmail = {
      ...createdEvent,
      data: { ...(createdEvent.data as object), source: 'chat', requester: { customer_id: 'c1' } },
    } as TicketEvent;
    expect(plan([noEmail], [replied(aliceAuthor, 'r1')])).toEqual([]);
  });
});

describe('textAboveMarker', () => {
  it("keeps the requester's words and drops the quoted history", () => {
    const text = `Thanks, that works!\n\nOn Mon, 2 Mar 2026, Support wrote:\n> ${REPLY_MARKER}\n> We fixed it.`;
    expect(textAboveMarker(text)).toBe('Thanks, that works!');
    expect(textAboveMarker('  no marker here \n')).toBe('no marker here');
  });
});
