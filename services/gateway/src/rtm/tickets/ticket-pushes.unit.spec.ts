import { describe, expect, it } from '@jest/globals';
import type { EventEnvelope, TicketSummary } from '@livedesk/contracts';
import { ticketPushesFor } from './ticket-pushes.js';

const ticket: TicketSummary = {
  ticket_id: 't1',
  reference: 'LD-0123456789',
  subject: 'Help',
  status: 'open',
  priority: 'normal',
  source: 'chat',
  requester: { customer_id: 'c1' },
  group_id: 'sales',
  assignee_id: 'bob',
  tags: [],
  conversation_id: 'chat-1',
  created_at: '2026-03-02T09:00:00.000Z',
  updated_at: '2026-03-02T09:00:00.000Z',
  version: 3,
};

function envelope(type: string, data: Record<string, unknown>, version = 3): EventEnvelope {
  return {
    event_id: '00000000-0000-4000-8000-000000000001',
    stream_id: 'ticket-t1',
    stream_version: version,
    global_position: 10,
    transaction_id: '1',
    organization_id: 'org',
    type,
    schema_version: 1,
    data,
    metadata: {},
    occurred_at: '2026-03-02T09:00:05.000Z',
  };
}

describe('ticketPushesFor', () => {
  it("tells the group's agents, the assignee and supervisors of a new ticket", () => {
    const pushes = ticketPushesFor(envelope('TicketCreated', {}, 1), ticket, ['alice', 'carol']);
    expect(pushes.map((push) => [push.to, push.action])).toEqual([
      [{ kind: 'agent', agentId: 'alice' }, 'ticket_created'],
      [{ kind: 'agent', agentId: 'carol' }, 'ticket_created'],
      [{ kind: 'agent', agentId: 'bob' }, 'ticket_created'],
      [{ kind: 'supervisors' }, 'ticket_created'],
    ]);
    expect(pushes[0]!.payload).toEqual({ ticket_id: 't1', version: 1, ticket });
  });

  it('tells every agent of the organization when the ticket has no group', () => {
    const pushes = ticketPushesFor(
      envelope('TicketAssigned', {}),
      { ...ticket, group_id: null, assignee_id: null },
      undefined,
    );
    expect(pushes.map((push) => push.to)).toEqual([{ kind: 'agents' }, { kind: 'supervisors' }]);
    expect(pushes[0]!.payload).toMatchObject({ type: 'TicketAssigned', version: 3 });
  });

  it("sends an agent's public reply to the requester's socket too, never a note", () => {
    const reply = ticketPushesFor(
      envelope('TicketReplied', { reply_id: 'r1', author: { kind: 'agent', id: 'bob' }, text: 'Fixed' }),
      ticket,
      [],
    );
    expect(reply.filter((push) => push.to.kind === 'customer')).toEqual([
      {
        to: { kind: 'customer', customerId: 'c1' },
        action: 'ticket_reply',
        payload: {
          ticket_id: 't1',
          version: 3,
          reference: 'LD-0123456789',
          reply: {
            reply_id: 'r1',
            author: { kind: 'agent', id: 'bob' },
            text: 'Fixed',
            created_at: '2026-03-02T09:00:05.000Z',
          },
        },
      },
    ]);
    const note = ticketPushesFor(
      envelope('InternalNoteAdded', { note_id: 'n1', author: { kind: 'agent', id: 'bob' }, text: 'secret' }),
      ticket,
      [],
    );
    expect(note.filter((push) => push.to.kind === 'customer')).toEqual([]);
    const own = ticketPushesFor(
      envelope('TicketReplied', { reply_id: 'r2', author: { kind: 'customer', id: 'c1' }, text: 'thanks' }),
      ticket,
      [],
    );
    expect(own.filter((push) => push.to.kind === 'customer')).toEqual([]);
  });

  it('says nothing of a spam ticket but the change that made it spam', () => {
    const spam = { ...ticket, status: 'spam' as const };
    expect(
      ticketPushesFor(envelope('TicketStatusChanged', { from: 'open', to: 'spam' }), spam, []).map(
        (push) => push.action,
      ),
    ).toEqual(['ticket_updated', 'ticket_updated']);
    expect(
      ticketPushesFor(
        envelope('TicketReplied', { reply_id: 'r', author: { kind: 'customer' }, text: 'buy now' }),
        spam,
        [],
      ),
    ).toEqual([]);
  });
});
