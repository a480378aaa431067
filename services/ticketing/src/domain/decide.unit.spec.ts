import { describe, expect, it } from '@jest/globals';
import type { TicketEvent } from '@livedesk/contracts';
import type { CreateTicket } from './ticket-commands.js';
import {
  admin,
  alice,
  aliceAuthor,
  bot,
  createdEvent,
  openTicket,
  pendingTicket,
  reference,
  replied,
  reply,
  requester,
  requesterAuthor,
  solvedTicket,
  spamTicket,
  status,
  stranger,
  ticketId,
} from './testing/fixtures.js';
import { given } from './testing/given-when-then.js';
import { decide } from './decide.js';
import { initialState } from './ticket-state.js';

const attachment = { attachment_id: 'att-1', name: 'invoice.pdf', content_type: 'application/pdf', size: 1234 };

describe('decide: create', () => {
  const create = (extra: Partial<CreateTicket> = {}): CreateTicket => ({
    type: 'create',
    actor: { kind: 'system', id: 'inbound-email' },
    ticketId,
    reference,
    source: 'email',
    requester: { email: 'ann@example.test', name: 'Ann' },
    subject: 'The invoice is wrong',
    ...extra,
  });

  it('opens a ticket with normal priority and no tags by default', () => {
    const state = given([]).when(create()).then([createdEvent]);
    expect(state).toMatchObject({
      status: 'open',
      ticketId,
      reference,
      groupId: null,
      assigneeId: null,
      priority: 'normal',
    });
  });

  it("stores the requester's first words as their first reply, with the email's threading", () => {
    const email = { message_id: '<m1@example.test>', references: [] };
    const state = given([])
      .when(
        create({
          firstMessage: { replyId: 'r0', text: 'Please fix it', via: 'email', attachments: [attachment], email },
        }),
      )
      .then([
        createdEvent,
        {
          type: 'TicketReplied',
          data: {
            reply_id: 'r0',
            author: requesterAuthor,
            via: 'email',
            text: 'Please fix it',
            attachments: [attachment],
            email,
          },
        },
      ]);
    expect(state).toMatchObject({ status: 'open' });
  });

  it('keeps the chat transcript, the conversation and the group of a ticket from a chat', () => {
    const transcript = [
      {
        message_id: 'm1',
        author: { kind: 'customer' as const, id: 'c1' },
        text: 'hello',
        attachments: [],
        posted_at: '2026-03-02T08:59:00.000Z',
      },
    ];
    const state = given([])
      .when(
        create({
          source: 'chat',
          requester: { customer_id: 'c1' },
          conversationId: 'chat-1',
          groupId: 'sales',
          transcript,
          priority: 'high',
          tags: ['vip', 'vip'],
          actor: alice,
        }),
      )
      .then([
        {
          type: 'TicketCreated',
          data: {
            ticket_id: ticketId,
            reference,
            source: 'chat',
            requester: { customer_id: 'c1' },
            subject: 'The invoice is wrong',
            group_id: 'sales',
            conversation_id: 'chat-1',
            priority: 'high',
            tags: ['vip'],
            transcript,
            transcript_truncated: false,
            created_by: aliceAuthor,
          },
        },
      ]);
    expect(state).toMatchObject({ groupId: 'sales', conversationId: 'chat-1', tags: ['vip'] });
  });

  it("keeps a bounded excerpt of a long chat's transcript, flagged and with the chat version (a 1.3 MB TicketCreated halted the relay)", () => {
    const text = 'z'.repeat(16_384);
    const transcript = Array.from({ length: 80 }, (_, i) => ({
      message_id: `m${i}`,
      author: { kind: 'customer' as const, id: 'c1' },
      text,
      attachments: [],
      posted_at: '2026-03-02T08:59:00.000Z',
    }));
    const events = decide(
      create({
        source: 'missed_chat',
        requester: { customer_id: 'c1' },
        conversationId: 'chat-1',
        transcript,
        chatVersion: 84,
      }),
      initialState,
    );
    const created = events[0]!;
    expect(created.type).toBe('TicketCreated');
    if (created.type !== 'TicketCreated') return;
    expect(created.data).toMatchObject({ conversation_id: 'chat-1', chat_version: 84, transcript_truncated: true });
    expect(created.data.transcript.map((message) => message.message_id)).toEqual(['m77', 'm78', 'm79']);
    expect(Buffer.byteLength(JSON.stringify(created.data))).toBeLessThan(80 * 1024);
  });

  it("keeps the chat's internal notes as the ticket's internal notes, never in its transcript", () => {
    const customerMessage = {
      message_id: 'm1',
      author: { kind: 'customer' as const, id: 'c1' },
      text: 'hello',
      attachments: [],
      posted_at: '2026-03-02T08:59:00.000Z',
    };
    const chatNote = {
      message_id: 'n1',
      author: aliceAuthor,
      text: 'VIP, offer the discount',
      attachments: [attachment],
      posted_at: '2026-03-02T09:00:00.000Z',
    };
    const events = decide(
      create({
        source: 'chat',
        requester: { customer_id: 'c1' },
        conversationId: 'chat-1',
        transcript: [customerMessage],
        chatNotes: [chatNote],
        actor: alice,
      }),
      initialState,
    );
    expect(events.map((event) => event.type)).toEqual(['TicketCreated', 'InternalNoteAdded']);
    expect(events[0]!.type === 'TicketCreated' && events[0]!.data.transcript).toEqual([customerMessage]);
    expect(events[1]).toEqual({
      type: 'InternalNoteAdded',
      data: { note_id: 'n1', author: aliceAuthor, text: 'VIP, offer the discount', attachments: [attachment] },
    });
  });

  it("keeps the newest 50 notes of a chat with more, before the requester's first reply", () => {
    const chatNotes = Array.from({ length: 60 }, (_, i) => ({
      message_id: `n${i}`,
      author: aliceAuthor,
      text: `note ${i}`,
      attachments: [],
      posted_at: '2026-03-02T09:00:00.000Z',
    }));
    const firstMessage = { replyId: 'r0', text: 'Please call me', via: 'widget' as const, attachments: [] };
    const events = decide(
      create({
        source: 'offline_message',
        requester: { customer_id: 'c1' },
        conversationId: 'chat-1',
        chatNotes,
        firstMessage,
      }),
      initialState,
    );
    const notes = events.filter((event) => event.type === 'InternalNoteAdded');
    expect(notes.map((event) => event.type === 'InternalNoteAdded' && event.data.note_id)).toEqual(
      chatNotes.slice(10).map((note) => note.message_id),
    );
    expect(events.at(-1)?.type).toBe('TicketReplied');
  });

  it('refuses a second creation of the same ticket as ticket_exists', () => {
    given(openTicket).when(create()).thenRefuses('conflict', 'ticket_exists');
  });

  it('refuses any other command on a ticket that does not exist as ticket_not_found', () => {
    given([]).when(reply(alice, 'r1')).thenRefuses('not_found', 'ticket_not_found');
    given([]).when({ type: 'set_status', actor: alice, status: 'solved' }).thenRefuses('not_found', 'ticket_not_found');
  });
});

describe('decide: public replies and the status they move', () => {
  it("sets an open ticket pending on an agent's reply (waiting for the requester)", () => {
    const state = given(openTicket)
      .when(reply(alice, 'r1'))
      .then([replied(aliceAuthor, 'r1'), status('open', 'pending', aliceAuthor, 'agent_replied')]);
    expect(state.status).toBe('pending');
  });

  it('keeps the status the agent chose with the reply: open, or solved', () => {
    given(openTicket)
      .when(reply(alice, 'r1', { status: 'open' }))
      .then([replied(aliceAuthor, 'r1')]);
    given(openTicket)
      .when(reply(alice, 'r1', { status: 'solved' }))
      .then([replied(aliceAuthor, 'r1'), status('open', 'solved', aliceAuthor, 'agent_replied')]);
  });

  it('leaves a pending ticket pending on another agent reply', () => {
    given(pendingTicket)
      .when(reply(alice, 'r2'))
      .then([replied(aliceAuthor, 'r2')]);
  });

  it('records a bot reply with the author kind bot (not a human reply for metrics)', () => {
    given(openTicket)
      .when(reply(bot, 'r1', { status: 'open' }))
      .then([replied({ kind: 'bot', id: 'helper-bot' }, 'r1')]);
  });

  it('opens a pending ticket again when the requester answers', () => {
    const state = given(pendingTicket)
      .when(reply(requester, 'r2'))
      .then([replied(requesterAuthor, 'r2'), status('pending', 'open', requesterAuthor, 'requester_replied')]);
    expect(state.status).toBe('open');
  });

  it('reopens a solved ticket when the requester answers', () => {
    const state = given(solvedTicket)
      .when(reply(requester, 'r3'))
      .then([replied(requesterAuthor, 'r3'), status('solved', 'open', requesterAuthor, 'requester_replied')]);
    expect(state.status).toBe('open');
  });

  it('keeps an open ticket open when the requester writes again', () => {
    given(openTicket)
      .when(reply(requester, 'r1'))
      .then([replied(requesterAuthor, 'r1')]);
  });

  it('recognises the requester by email case-insensitively, or by customer id', () => {
    given(openTicket)
      .when(reply({ kind: 'requester', email: 'ANN@example.TEST' }, 'r1'))
      .then([replied(requesterAuthor, 'r1')]);
    const chatTicket: TicketEvent[] = [
      {
        ...createdEvent,
        data: { ...(createdEvent.data as object), source: 'chat', requester: { customer_id: 'c1' } },
      } as TicketEvent,
    ];
    given(chatTicket)
      .when(reply({ kind: 'requester', customerId: 'c1' }, 'r1', { via: 'widget' }))
      .then([replied({ kind: 'customer', id: 'c1' }, 'r1', 'widget')]);
    given(chatTicket)
      .when(reply({ kind: 'requester', customerId: 'c2' }, 'r1'))
      .thenRefuses('authorization', 'not_requester');
  });

  it('refuses a reply as the requester from someone else as not_requester', () => {
    given(openTicket).when(reply(stranger, 'r1')).thenRefuses('authorization', 'not_requester');
  });

  it('keeps a message to a spam ticket but leaves it spam (no reopen, no notification)', () => {
    const state = given(spamTicket)
      .when(reply(requester, 'r1'))
      .then([replied(requesterAuthor, 'r1')]);
    expect(state.status).toBe('spam');
  });

  it('refuses to answer a spam ticket as ticket_is_spam', () => {
    given(spamTicket).when(reply(alice, 'r1')).thenRefuses('conflict', 'ticket_is_spam');
  });

  it('refuses to wait for a requester who cannot be reached as no_requester_contact', () => {
    const anonymous: TicketEvent[] = [
      { ...createdEvent, data: { ...(createdEvent.data as object), source: 'api', requester: {} } } as TicketEvent,
    ];
    given(anonymous).when(reply(alice, 'r1')).thenRefuses('conflict', 'no_requester_contact');
    given(anonymous)
      .when(reply(alice, 'r1', { status: 'solved' }))
      .then([replied(aliceAuthor, 'r1'), status('open', 'solved', aliceAuthor, 'agent_replied')]);
  });

  it('stores nothing for a repeated client id of the same author, and a new reply for another author', () => {
    const history = [...openTicket, replied(aliceAuthor, 'r1', 'api', { client_id: 'c-1' })];
    given(history)
      .when(reply(alice, 'r2', { clientId: 'c-1' }))
      .thenNothing();
    given(history)
      .when(reply({ kind: 'agent', id: 'bob' }, 'r2', { clientId: 'c-1', status: 'open' }))
      .then([replied({ kind: 'agent', id: 'bob' }, 'r2', 'api', { client_id: 'c-1' })]);
  });

  it('stores an email delivered twice once (same Message-ID)', () => {
    const email = { message_id: '<m2@example.test>', references: ['<m1@example.test>'] };
    const history = [
      ...pendingTicket,
      replied(requesterAuthor, 'r2', 'email', { email }),
      status('pending', 'open', requesterAuthor, 'requester_replied'),
    ];
    given(history)
      .when(reply(requester, 'r3', { email }))
      .thenNothing();
  });

  it('lets an agent answer a solved ticket, waiting for the requester again', () => {
    given(solvedTicket)
      .when(reply(alice, 'r3'))
      .then([replied(aliceAuthor, 'r3'), status('solved', 'pending', aliceAuthor, 'agent_replied')]);
  });
});

describe('decide: internal notes', () => {
  const note = (actor = alice, clientId?: string) =>
    ({
      type: 'add_note',
      actor,
      noteId: 'n1',
      text: 'customer is on the enterprise plan',
      attachments: [],
      ...(clientId ? { clientId } : {}),
    }) as const;

  it('adds a note by an agent without touching the status', () => {
    const state = given(pendingTicket)
      .when(note())
      .then([
        {
          type: 'InternalNoteAdded',
          data: { note_id: 'n1', author: aliceAuthor, text: 'customer is on the enterprise plan', attachments: [] },
        },
      ]);
    expect(state.status).toBe('pending');
  });

  it('lets the installation admin add one, and agents annotate a spam ticket', () => {
    given(openTicket)
      .when(note(admin))
      .then([
        {
          type: 'InternalNoteAdded',
          data: {
            note_id: 'n1',
            author: { kind: 'system', id: 'installation_admin' },
            text: 'customer is on the enterprise plan',
            attachments: [],
          },
        },
      ]);
    given(spamTicket)
      .when(note())
      .then([
        {
          type: 'InternalNoteAdded',
          data: { note_id: 'n1', author: aliceAuthor, text: 'customer is on the enterprise plan', attachments: [] },
        },
      ]);
  });

  it('refuses a note by the requester as agents_only', () => {
    given(openTicket).when(note(requester)).thenRefuses('authorization', 'agents_only');
  });

  it('stores nothing for a repeated client id', () => {
    const history = [
      ...openTicket,
      {
        type: 'InternalNoteAdded',
        data: { note_id: 'n0', author: aliceAuthor, text: 'x', attachments: [], client_id: 'k' },
      } as TicketEvent,
    ];
    given(history).when(note(alice, 'k')).thenNothing();
  });
});

describe('decide: status set by agents', () => {
  it.each([
    ['open', 'pending', openTicket],
    ['open', 'solved', openTicket],
    ['pending', 'solved', pendingTicket],
    ['pending', 'open', pendingTicket],
    ['solved', 'open', solvedTicket],
    ['open', 'spam', openTicket],
    ['spam', 'open', spamTicket],
  ] as const)('moves %s to %s', (from, to, history) => {
    const state = given(history)
      .when({ type: 'set_status', actor: alice, status: to })
      .then([status(from, to, aliceAuthor, 'set')]);
    expect(state.status).toBe(to);
  });

  it('is a no-op for the status the ticket already has', () => {
    given(pendingTicket).when({ type: 'set_status', actor: alice, status: 'pending' }).thenNothing();
  });

  it('refuses the requester as agents_only', () => {
    given(openTicket)
      .when({ type: 'set_status', actor: requester, status: 'solved' })
      .thenRefuses('authorization', 'agents_only');
  });
});

describe('decide: assignment, subject, tags, priority, attachments', () => {
  it('assigns to an agent, keeping the group, then moves to a group, then unassigns', () => {
    const grouped: TicketEvent[] = [
      { ...createdEvent, data: { ...(createdEvent.data as object), group_id: 'support' } } as TicketEvent,
    ];
    const byAgent = given(grouped)
      .when({ type: 'assign', actor: alice, agentId: 'bob' })
      .then([{ type: 'TicketAssigned', data: { agent_id: 'bob', group_id: 'support', by: aliceAuthor } }]);
    expect(byAgent).toMatchObject({ assigneeId: 'bob', groupId: 'support' });
    const history: TicketEvent[] = [
      ...grouped,
      { type: 'TicketAssigned', data: { agent_id: 'bob', group_id: 'support', by: aliceAuthor } },
    ];
    given(history)
      .when({ type: 'assign', actor: alice, groupId: 'billing', agentId: null })
      .then([{ type: 'TicketAssigned', data: { agent_id: null, group_id: 'billing', by: aliceAuthor } }]);
    given(history).when({ type: 'assign', actor: alice, agentId: 'bob' }).thenNothing();
    given(history)
      .when({ type: 'assign', actor: requester, agentId: null })
      .thenRefuses('authorization', 'agents_only');
  });

  it('retitles, and not to the same subject', () => {
    given(openTicket)
      .when({ type: 'retitle', actor: alice, subject: 'Invoice 42 charged twice' })
      .then([{ type: 'TicketRetitled', data: { subject: 'Invoice 42 charged twice', by: aliceAuthor } }]);
    given(openTicket).when({ type: 'retitle', actor: alice, subject: 'The invoice is wrong' }).thenNothing();
  });

  it('adds and removes tags, only what changes', () => {
    const tagged = [
      ...openTicket,
      { type: 'TicketTagsChanged', data: { added: ['billing', 'vip'], removed: [], by: aliceAuthor } } as TicketEvent,
    ];
    const state = given(tagged)
      .when({ type: 'change_tags', actor: alice, add: ['vip', 'refund'], remove: ['billing', 'unknown'] })
      .then([{ type: 'TicketTagsChanged', data: { added: ['refund'], removed: ['billing'], by: aliceAuthor } }]);
    expect(state).toMatchObject({ tags: ['vip', 'refund'] });
    given(tagged)
      .when({ type: 'change_tags', actor: alice, add: ['vip'], remove: [] })
      .thenNothing();
  });

  it('changes the priority', () => {
    const state = given(openTicket)
      .when({ type: 'set_priority', actor: alice, priority: 'urgent' })
      .then([{ type: 'TicketPriorityChanged', data: { from: 'normal', to: 'urgent', by: aliceAuthor } }]);
    expect(state).toMatchObject({ priority: 'urgent' });
    given(openTicket).when({ type: 'set_priority', actor: alice, priority: 'normal' }).thenNothing();
  });

  it('adds an attachment once', () => {
    const history = given(openTicket)
      .when({ type: 'add_attachments', actor: alice, attachments: [attachment, attachment] })
      .then([{ type: 'AttachmentAdded', data: { attachment, by: aliceAuthor } }]);
    expect(history.status).toBe('open');
    given([...openTicket, { type: 'AttachmentAdded', data: { attachment, by: aliceAuthor } }])
      .when({ type: 'add_attachments', actor: alice, attachments: [attachment] })
      .thenNothing();
  });
});
