import type { ConversationFact } from './cycle-facts.js';

/**
 * Hand-written conversation streams for unit tests: each helper takes the time in seconds after
 * `t0`, and `stream` numbers the events in the order given.
 */
type Unversioned = ConversationFact extends infer F ? (F extends ConversationFact ? Omit<F, 'version'> : never) : never;

export const t0 = Date.parse('2026-03-02T10:00:00Z');
export const at = (seconds: number): Date => new Date(t0 + seconds * 1000);

export function stream(...events: Unversioned[]): ConversationFact[] {
  return events.map((event, i) => ({ ...event, version: i + 1 }) as ConversationFact);
}

const message = (s: number, kind: 'customer' | 'agent' | 'bot' | 'system', id?: string): Unversioned => ({
  type: 'MessagePosted',
  data: { message_id: `m${s}`, author: id ? { kind, id } : { kind }, text: 'text', attachments: [] },
  occurredAt: at(s),
});

const customerAuthor = { kind: 'customer', id: 'cust' } as const;

export const started = (s: number): Unversioned => ({
  type: 'ConversationStarted',
  data: { conversation_id: 'c1', channel: 'chat', group_id: 'g1', customer_id: 'cust' },
  occurredAt: at(s),
});
export const customer = (s: number): Unversioned => message(s, 'customer', 'cust');
export const agent = (s: number, id: string): Unversioned => message(s, 'agent', id);
export const bot = (s: number): Unversioned => message(s, 'bot', 'bot1');
export const system = (s: number): Unversioned => message(s, 'system');
export const queued = (s: number, group = 'g1'): Unversioned => ({
  type: 'ConversationQueued',
  data: { group_id: group },
  occurredAt: at(s),
});
export const assigned = (s: number, agentId: string, kind: 'human' | 'bot' = 'human'): Unversioned => ({
  type: 'AgentAssigned',
  data: { agent_id: agentId, agent_kind: kind, by: 'routing' },
  occurredAt: at(s),
});
/** `to` is an agent id, or a group id when it starts with `g`. */
export const transferred = (s: number, reason: 'manual' | 'auto', from: string, to: string): Unversioned => ({
  type: 'ConversationTransferred',
  data: { from_agent_id: from, ...(to.startsWith('g') ? { to_group_id: to } : { to_agent_id: to }), reason },
  occurredAt: at(s),
});
export const rated = (s: number, score: number): Unversioned => ({
  type: 'ConversationRated',
  data: { score },
  occurredAt: at(s),
});
export const resolved = (s: number): Unversioned => ({
  type: 'ConversationResolved',
  data: { by: { kind: 'agent', id: 'a' } },
  occurredAt: at(s),
});
export const closed = (s: number): Unversioned => ({
  type: 'ConversationClosed',
  data: { by: customerAuthor },
  occurredAt: at(s),
});
/** Routing closed the chat by itself: its customer left the queue, or nobody wrote for the organization's inactivity period. */
export const closedBySystem = (s: number, reason: 'customer_left' | 'inactive'): Unversioned => ({
  type: 'ConversationClosed',
  data: { by: { kind: 'system', id: 'routing' }, reason },
  occurredAt: at(s),
});
export const reopened = (s: number): Unversioned => ({
  type: 'ConversationReopened',
  data: { by: customerAuthor },
  occurredAt: at(s),
});
export const missed = (s: number, reason: 'left_in_queue' | 'unanswered' | 'no_agents'): Unversioned => ({
  type: 'ConversationMissed',
  data: { reason },
  occurredAt: at(s),
});
