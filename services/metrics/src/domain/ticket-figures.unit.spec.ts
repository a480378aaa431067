import { describe, expect, it } from '@jest/globals';
import { BusinessCalendar } from './business-calendar.js';
import { evolveTicket, ticketFigures, type TicketFact, type TicketFacts } from './ticket-figures.js';

const t0 = Date.parse('2026-03-02T10:00:00Z'); // Mon 11:00 in Warsaw
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const by = { kind: 'agent', id: 'alice' } as const;
const created = (s: number): TicketFact => ({
  type: 'TicketCreated',
  data: {
    ticket_id: 't1',
    reference: 'LD-ABCDEFGHJK',
    source: 'email',
    requester: { email: 'ann@example.com' },
    subject: 'Refund',
    group_id: 'g1',
    priority: 'normal',
    tags: [],
    transcript: [],
    created_by: { kind: 'system', id: 'ticketing' },
  },
  occurredAt: at(s),
});
const reply = (
  s: number,
  author: TicketFact extends never ? never : { kind: 'agent' | 'customer' | 'bot' | 'system'; id?: string },
): TicketFact => ({
  type: 'TicketReplied',
  data: { reply_id: `r${s}`, author, via: 'email', text: 'hi', attachments: [] },
  occurredAt: at(s),
});
const status = (s: number, from: TicketFacts['status'], to: TicketFacts['status']): TicketFact => ({
  type: 'TicketStatusChanged',
  data: { from, to, by, cause: 'set' },
  occurredAt: at(s),
});
const fold = (...events: TicketFact[]) => events.reduce<TicketFacts | undefined>(evolveTicket, undefined)!;

describe('evolveTicket and ticketFigures', () => {
  it('times the first human reply and the solve; bots, services and the requester do not reply for the team', () => {
    const facts = fold(
      created(0),
      reply(10, { kind: 'customer', id: 'c' }),
      reply(20, { kind: 'bot', id: 'triage-bot' }),
      reply(30, { kind: 'system', id: 'ticketing' }),
      reply(600, by),
      reply(700, { kind: 'agent', id: 'bob' }),
      status(900, 'open', 'solved'),
    );
    expect(facts).toMatchObject({
      first_reply_at: at(600),
      first_reply_agent_id: 'alice',
      agent_replies: 2,
      requester_replies: 1,
      first_solved_at: at(900),
      solved_at: at(900),
    });
    expect(ticketFigures(facts, null)).toEqual({
      first_reply: { seconds: 600, business_seconds: 600 },
      first_solve: { seconds: 900, business_seconds: 900 },
      solve: { seconds: 900, business_seconds: 900 },
    });
  });

  it('a reopen clears the current solve until the ticket is solved again; the first solve stays', () => {
    const reopened = fold(created(0), status(100, 'open', 'solved'), status(200, 'solved', 'open'));
    expect(reopened).toMatchObject({ status: 'open', reopened: 1, first_solved_at: at(100), solved_at: null });
    expect(ticketFigures(reopened, null).solve).toBeNull();
    const again = evolveTicket(reopened, status(500, 'open', 'solved'))!;
    expect(ticketFigures(again, null)).toMatchObject({ first_solve: { seconds: 100 }, solve: { seconds: 500 } });
  });

  it('marks spam, follows the assignment and the priority, and ignores events before the creation', () => {
    expect(evolveTicket(undefined, status(5, 'open', 'solved'))).toBeUndefined();
    const facts = fold(
      created(0),
      { type: 'TicketAssigned', data: { agent_id: 'bob', group_id: 'g2', by }, occurredAt: at(1) },
      { type: 'TicketPriorityChanged', data: { from: 'normal', to: 'urgent', by }, occurredAt: at(2) },
      status(3, 'open', 'spam'),
    );
    expect(facts).toMatchObject({ agent_id: 'bob', group_id: 'g2', priority: 'urgent', status: 'spam', spam: true });
  });

  it('counts business seconds in the calendar', () => {
    // Warsaw, Mon–Fri 09:00–17:00: created Mon 16:00 local, answered Tue 10:00 local.
    const office = BusinessCalendar.parse({
      time_zone: 'Europe/Warsaw',
      weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, from: '09:00', to: '17:00' })),
    });
    const facts = fold(created(5 * 3600), reply(5 * 3600 + 18 * 3600, by));
    expect(ticketFigures(facts, office).first_reply).toEqual({ seconds: 18 * 3600, business_seconds: 2 * 3600 });
  });
});
