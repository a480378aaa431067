import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  allEvents,
  streamId,
  type AgentEvent,
  type ConversationEvent,
  type OrganizationEvent,
  type SlaEvent,
  type TicketEvent,
  type TicketSource,
} from '@livedesk/contracts';
import { applyEventBatch, EventStore, type NewEvent } from '@livedesk/event-store';
import { flushDerivedBacklog } from '../../projection/derived-tables.js';
import { METRICS_CONSUMER, MetricsProjector } from '../../projection/metrics-projector.js';
import type { MetricsDatabase } from '../../projection/metrics-tables.js';
import { wholeLog } from '../../projection/testing/whole-log.js';

/**
 * A day of an organization in Warsaw (CET, +01:00), written as events and projected by the real
 * projector, for the reports' integration tests. T is Wednesday 2026-03-04 08:00 UTC (09:00 in
 * Warsaw); "now" is Thursday 2026-03-05 12:00 UTC, so the daily summary's yesterday is March 4th
 * (2026-03-03T23:00Z to 2026-03-04T23:00Z).
 *
 * Group g1 has the default SLA policy (24/7: queue 45 s, first response 60 s, next response
 * 30 s). Group g2 has "business-hours": queue 60 s, first response 120 s, resolution 3600 s,
 * counted Monday–Friday 09:00–17:00 Warsaw time (08:00–16:00 UTC in March).
 *
 * Agents (statuses):
 * - alice: accepting Mar 3 08:00–09:00Z, offline until Mar 4 07:00Z, accepting 07:00Z → T+3000,
 *   not accepting → T+3300, accepting → T+7200 (10:00Z), offline until Mar 5 08:00Z, accepting since.
 * - bob: accepting from T on, still (an interval open for 28 hours).
 * - carol: accepting from T−5400 (06:30Z) to T+1000, offline since (open).
 *
 * Chats (seconds after T unless said):
 * - I (g1, Mar 3 08:10Z): alice in 10 s, answers 20 s later (FRT 30), resolved at +615 s, CSAT 4.
 * - A (g1), cycle 1: customer at 10, queued 10, alice 30 (queue 20), a system message at 34 (no
 *   reply), alice 50 (FRT 40), customer 60, alice 70 (10), transferred to bob 100, customer 110,
 *   bob 130 (20), resolved 300 (handle 270), CSAT 5 (about bob). Cycle 2: reopened 3600, customer
 *   and queued 3610, bob 3640 (queue 30), bob 3720 (FRT 110: first response missed by 50 s),
 *   resolved 4000 (resolution 400, handle 360), NPS 9, goal "purchase".
 * - B (g1): bot handoff. Started 440, customer 445, the bot takes it 446, customer 470, back to
 *   the human queue 480, carol 500 (queue 20; the clock starts at the handoff), carol 540 (FRT
 *   40), resolved 740 (handle 240), CSAT 2, NPS 3.
 * - C (g1): customer 1205, queued, left at 1300: missed left_in_queue; queue and first response
 *   missed by 50 s and 35 s.
 * - D (g1): customer 1805, alice 1815 (queue 10), never answers: missed unanswered at 1950
 *   (handle 135); first response missed by 85 s, alice holding.
 * - E (g1): customer 2405, no agent could take it at 2410: missed no_agents, an offline message.
 * - F (g2): started 07:30 Warsaw (T−5400, before opening), customer and queued T−5395, carol
 *   T−5340 (queue 55 s, 0 business), carol T+300 (FRT 5695 s, 300 business: missed by 180 s),
 *   resolved T+600 (resolution 6000 s / 600 business, handle 5940 / 600), NPS 10.
 * - G (g1): customer and queued at 7005, still waiting; its queue breach was detected live at
 *   7050 (SlaBreached), its first response is pending.
 * - H (g1, Mar 5): bob takes it at 10:00Z and answers at 10:00:30Z; still open.
 *
 * Tickets: bob makes one of chat A at 320 (source chat); E's offline message becomes one at
 * 2420; I's customer gets one on Mar 3 (chat); D's is marked spam; one comes by email at 500.
 */
export const ORG = 'org-reports';
export const T = Date.parse('2026-03-04T08:00:00Z');
export const NOW = new Date('2026-03-05T12:00:00Z');
export const at = (seconds: number): Date => new Date(T + seconds * 1000);
const utc = (iso: string): Date => new Date(iso);

type AnyEvent = ConversationEvent | AgentEvent | OrganizationEvent | SlaEvent | TicketEvent;
type Timed = [when: Date, event: AnyEvent];

const event = (when: Date, e: AnyEvent): NewEvent => ({
  eventId: randomUUID(),
  ...allEvents.encode(e.type, e.data),
  occurredAt: when,
});

const customerOf = (chat: string) => ({ kind: 'customer', id: `cust-${chat}` }) as const;

/** One conversation's events, with helpers that keep its group and customer. */
function chat(id: string, group: string) {
  const events: Timed[] = [];
  const push = (when: Date, e: ConversationEvent) => {
    events.push([when, e]);
    return api;
  };
  const message = (when: Date, author: { kind: 'customer' | 'agent' | 'bot' | 'system'; id?: string }) =>
    push(when, {
      type: 'MessagePosted',
      data: { message_id: `${id}-m${events.length}`, author, text: 'text', attachments: [] },
    });
  const api = {
    events,
    started: (when: Date) =>
      push(when, {
        type: 'ConversationStarted',
        data: { conversation_id: id, channel: 'chat', group_id: group, customer_id: `cust-${id}` },
      }),
    customer: (when: Date) => message(when, customerOf(id)),
    agent: (when: Date, agentId: string) => message(when, { kind: 'agent', id: agentId }),
    bot: (when: Date) => message(when, { kind: 'bot', id: 'bot-1' }),
    system: (when: Date) => message(when, { kind: 'system' }),
    queued: (when: Date) => push(when, { type: 'ConversationQueued', data: { group_id: group } }),
    assigned: (when: Date, agentId: string, kind: 'human' | 'bot' = 'human', by: 'routing' | 'agent' = 'routing') =>
      push(when, { type: 'AgentAssigned', data: { agent_id: agentId, agent_kind: kind, by } }),
    transferred: (when: Date, from: string, to: string) =>
      push(when, { type: 'ConversationTransferred', data: { from_agent_id: from, to_agent_id: to, reason: 'manual' } }),
    resolved: (when: Date, agentId: string) =>
      push(when, { type: 'ConversationResolved', data: { by: { kind: 'agent', id: agentId } } }),
    closed: (when: Date) => push(when, { type: 'ConversationClosed', data: { by: customerOf(id) } }),
    reopened: (when: Date) => push(when, { type: 'ConversationReopened', data: { by: customerOf(id) } }),
    missed: (when: Date, reason: 'left_in_queue' | 'unanswered' | 'no_agents') =>
      push(when, { type: 'ConversationMissed', data: { reason } }),
    rated: (when: Date, score: number) => push(when, { type: 'ConversationRated', data: { score } }),
    nps: (when: Date, score: number) => push(when, { type: 'NpsAnswered', data: { score } }),
    survey: (when: Date, answers: Record<string, number | string>) =>
      push(when, { type: 'SurveyAnswered', data: { answers } }),
    goal: (when: Date, goal: string, value: number) => push(when, { type: 'GoalReported', data: { goal, value } }),
    offlineMessage: (when: Date) =>
      push(when, { type: 'OfflineMessageLeft', data: { email: `${id}@customer.test`, text: 'call me back' } }),
  };
  return api;
}

/** A ticket's creation (and, when spam, its marking as spam) in its ticket-<id> stream. */
function ticket(
  id: string,
  when: Date,
  source: TicketSource,
  conversationId: string | undefined,
  spam = false,
): [string, Timed[]] {
  const created: Timed = [
    when,
    {
      type: 'TicketCreated',
      data: {
        ticket_id: id,
        reference: `LD-${id
          .toUpperCase()
          .replace(/[^0-9A-Z]/g, '')
          .padEnd(10, '0')
          .slice(0, 10)}`,
        source,
        requester: { email: `${id}@customer.test` },
        subject: 'Please call me back',
        group_id: 'g1',
        ...(conversationId === undefined ? {} : { conversation_id: conversationId }),
        priority: 'normal',
        tags: [],
        transcript: [],
        created_by: source === 'chat' ? { kind: 'agent', id: 'bob' } : { kind: 'system', id: 'ticketing' },
      },
    },
  ];
  const marked: Timed[] = spam
    ? [
        [
          new Date(when.getTime() + 60_000),
          {
            type: 'TicketStatusChanged',
            data: { from: 'open', to: 'spam', by: { kind: 'agent', id: 'alice' }, cause: 'set' },
          },
        ],
      ]
    : [];
  return [streamId('ticket', id), [created, ...marked]];
}

type Status = 'accepting' | 'not_accepting' | 'offline';
function statuses(agentId: string, changes: [Date, Status, Status][]): Timed[] {
  return changes.map(([when, from, to]) => [
    when,
    { type: 'AgentStatusChanged', data: { agent_id: agentId, from, to, reason: 'agent' } },
  ]);
}

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

function streams(): [stream: string, events: Timed[]][] {
  const feb = utc('2026-02-01T00:00:00Z');
  const I = chat('chat-i', 'g1')
    .started(utc('2026-03-03T08:10:00Z'))
    .customer(utc('2026-03-03T08:10:05Z'))
    .queued(utc('2026-03-03T08:10:05Z'))
    .assigned(utc('2026-03-03T08:10:15Z'), 'alice')
    .agent(utc('2026-03-03T08:10:35Z'), 'alice')
    .resolved(utc('2026-03-03T08:20:15Z'), 'alice')
    .rated(utc('2026-03-03T08:20:20Z'), 4);
  const A = chat('chat-a', 'g1')
    .started(at(0))
    .customer(at(10))
    .queued(at(10))
    .assigned(at(30), 'alice')
    .system(at(34))
    .agent(at(50), 'alice')
    .customer(at(60))
    .agent(at(70), 'alice')
    .transferred(at(100), 'alice', 'bob')
    .assigned(at(100), 'bob', 'human', 'agent')
    .customer(at(110))
    .agent(at(130), 'bob')
    .resolved(at(300), 'bob')
    .rated(at(310), 5)
    .reopened(at(3600))
    .customer(at(3610))
    .queued(at(3610))
    .assigned(at(3640), 'bob')
    .agent(at(3720), 'bob')
    .resolved(at(4000), 'bob')
    .nps(at(4010), 9)
    .survey(at(4012), { ces: 6 })
    .goal(at(4020), 'purchase', 100);
  const B = chat('chat-b', 'g1')
    .started(at(440))
    .customer(at(445))
    .assigned(at(446), 'bot-1', 'bot')
    .bot(at(460))
    .customer(at(470))
    .queued(at(480))
    .assigned(at(500), 'carol')
    .agent(at(540), 'carol')
    .resolved(at(740), 'carol')
    .rated(at(745), 2)
    .nps(at(750), 3)
    .survey(at(755), { ces: 2 })
    .survey(at(756), { ces: 3, topic: 'billing' })
    .survey(at(757), { topic: 'shipping' });
  const C = chat('chat-c', 'g1')
    .started(at(1200))
    .customer(at(1205))
    .queued(at(1205))
    .missed(at(1300), 'left_in_queue')
    .closed(at(1300));
  const D = chat('chat-d', 'g1')
    .started(at(1800))
    .customer(at(1805))
    .queued(at(1805))
    .assigned(at(1815), 'alice')
    .missed(at(1950), 'unanswered');
  const E = chat('chat-e', 'g1')
    .started(at(2400))
    .customer(at(2405))
    .queued(at(2405))
    .missed(at(2410), 'no_agents')
    .offlineMessage(at(2420));
  const F = chat('chat-f', 'g2')
    .started(at(-5400))
    .customer(at(-5395))
    .queued(at(-5395))
    .assigned(at(-5340), 'carol')
    .agent(at(300), 'carol')
    .resolved(at(600), 'carol')
    .nps(at(610), 10);
  const G = chat('chat-g', 'g1').started(at(7000)).customer(at(7005)).queued(at(7005));
  const H = chat('chat-h', 'g1')
    .started(utc('2026-03-05T09:59:00Z'))
    .customer(utc('2026-03-05T09:59:10Z'))
    .queued(utc('2026-03-05T09:59:10Z'))
    .assigned(utc('2026-03-05T10:00:00Z'), 'bob')
    .agent(utc('2026-03-05T10:00:30Z'), 'bob');
  const gBreach: Timed = [
    at(7050),
    {
      type: 'SlaBreached',
      data: {
        conversation_id: 'chat-g',
        cycle: 1,
        target: 'queue',
        exchange: 0,
        due_at: at(7050).toISOString(),
        policy_id: 'default',
        group_id: 'g1',
        agent_id: null,
        conversation_version: 3,
      },
    },
  ];
  return [
    [
      streamId('organization', ORG),
      [
        [
          feb,
          { type: 'OrganizationCreated', data: { organization_id: ORG, name: 'Acme', time_zone: 'Europe/Warsaw' } },
        ],
      ],
    ],
    [
      streamId('slapolicy', `${ORG}:business-hours`),
      [
        [
          feb,
          {
            type: 'SlaPolicySet',
            data: {
              policy_id: 'business-hours',
              effective_from: feb.toISOString(),
              policy: {
                name: 'Business hours',
                position: 10,
                match: { group_ids: ['g2'] },
                targets: { queue_seconds: 60, first_response_seconds: 120, resolution_seconds: 3600 },
                calendar: {
                  time_zone: 'Europe/Warsaw',
                  weekly: weekdays.map((day) => ({ day, from: '09:00', to: '17:00' })),
                  holidays: [],
                },
              },
            },
          },
        ],
      ],
    ],
    [
      streamId('agent', 'alice'),
      statuses('alice', [
        [utc('2026-03-03T08:00:00Z'), 'offline', 'accepting'],
        [utc('2026-03-03T09:00:00Z'), 'accepting', 'offline'],
        [at(-3600), 'offline', 'accepting'],
        [at(3000), 'accepting', 'not_accepting'],
        [at(3300), 'not_accepting', 'accepting'],
        [at(7200), 'accepting', 'offline'],
        [utc('2026-03-05T08:00:00Z'), 'offline', 'accepting'],
      ]),
    ],
    [streamId('agent', 'bob'), statuses('bob', [[at(0), 'offline', 'accepting']])],
    [
      streamId('agent', 'carol'),
      statuses('carol', [
        [at(-5400), 'offline', 'accepting'],
        [at(1000), 'accepting', 'offline'],
      ]),
    ],
    ...[I, A, B, C, D, E, F, G, H].map((c): [string, Timed[]] => [
      streamId('conversation', (c.events[0]![1].data as { conversation_id: string }).conversation_id),
      c.events,
    ]),
    [streamId('sla', 'chat-g'), [gBreach]],
    ticket('tkt-a', at(320), 'chat', 'chat-a'),
    ticket('tkt-e', at(2420), 'offline_message', 'chat-e'),
    ticket('tkt-i', utc('2026-03-03T08:30:00Z'), 'chat', 'chat-i'),
    ticket('tkt-d', at(1960), 'missed_chat', 'chat-d', true),
    ticket('tkt-mail', at(500), 'email', undefined),
  ];
}

/** Appends the scenario's events and projects them as live consumption does, a few at a time. */
export async function seedReportsScenario(db: Kysely<MetricsDatabase>): Promise<void> {
  const store = new EventStore(db as Kysely<any>);
  for (const [stream, events] of streams()) {
    await store.appendToStream(
      stream,
      events.map(([when, e]) => event(when, e)),
      'any',
      { organizationId: ORG },
    );
  }
  const projector = new MetricsProjector();
  const recorded = await wholeLog(db);
  for (let i = 0; i < recorded.length; i += 25) {
    const batch = recorded.slice(i, i + 25);
    const outcomes = await applyEventBatch(db, METRICS_CONSUMER, batch, (events, trx) => projector.apply(events, trx));
    if (outcomes.some((outcome) => outcome !== 'applied'))
      throw new Error(`the scenario was not projected in order: ${outcomes.join(', ')}`);
  }
  // The derived rows (agent days, group hours), as the leader recomputes them every round.
  await flushDerivedBacklog(db);
}
