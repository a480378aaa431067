import { randomUUID } from 'node:crypto';
import { allEvents } from '@livedesk/contracts';

/**
 * A realistic event log, for the metrics benchmarks and for `livedesk demo seed` (history for BI
 * tools and reports to show): organizations with groups and agents whose
 * working days are AgentStatusChanged events, and conversations the way live chat goes (see
 * `conversation`): a first message, a queue, sometimes a bot first, a human who answers a few
 * exchanges while both sides read (MessagesSeen), transfers now and then, a resolution or the
 * customer leaving, ratings, NPS answers, goals, reopens, and chats missed in the queue.
 * Seeded, so every run replays the same log.
 */
export interface PlannedEvent {
  streamId: string;
  organizationId: string;
  type: string;
  data: unknown;
  occurredAt: number;
}

export interface LogShape {
  organizations: number;
  groupsPerOrganization: number;
  agentsPerOrganization: number;
  /** conversations are spread over this many days */
  days: number;
  start: number;
}

export const DEFAULT_SHAPE: LogShape = {
  organizations: 5,
  groupsPerOrganization: 4,
  agentsPerOrganization: 30,
  days: 14,
  start: Date.parse('2026-09-07T00:00:00Z'),
};

export class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

const S = 1000;
const TEXTS = [
  'Hello, I ordered a blue jacket last week and it has not arrived yet. Can you check the status?',
  'Sure, let me look that up for you. Could you give me your order number?',
  'It is 48213-A. I also wanted to change the delivery address if that is still possible.',
  'Thanks! The parcel left our warehouse yesterday; I have updated the address for the courier.',
];

export interface Organization {
  id: string;
  groups: string[];
  agents: string[];
}

export function organizations(shape: LogShape, run: string): Organization[] {
  return Array.from({ length: shape.organizations }, (_, o) => ({
    id: `org-${run}-${o}`,
    groups: Array.from({ length: shape.groupsPerOrganization }, (_, g) => `group-${run}-${o}-${g}`),
    agents: Array.from({ length: shape.agentsPerOrganization }, (_, a) => `agent-${run}-${o}-${a}`),
  }));
}

/** The organizations' creation and every agent's working days (`agentWorkingDays`). */
export function setupEvents(shape: LogShape, orgs: Organization[], random: Random): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  for (const org of orgs) {
    events.push({
      streamId: `organization-${org.id}`,
      organizationId: org.id,
      type: 'OrganizationCreated',
      data: { organization_id: org.id, name: org.id, time_zone: 'Europe/Warsaw' },
      occurredAt: shape.start - 86_400 * S,
    });
    events.push(...agentWorkingDays(shape, org, random));
  }
  return events;
}

/** Every agent's working days: on at 07:00 UTC, lunch 11:00–11:30, off at 16:00 (jittered by up to 20 minutes). */
export function agentWorkingDays(shape: LogShape, org: Organization, random: Random): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  for (const agent of org.agents) {
    for (let day = 0; day < shape.days; day++) {
      const base = shape.start + day * 86_400 * S;
      const jitter = () => random.between(-20, 20) * 60 * S;
      const changes: [number, string, string][] = [
        [base + 7 * 3600 * S + jitter(), 'offline', 'accepting'],
        [base + 11 * 3600 * S + jitter(), 'accepting', 'not_accepting'],
        [base + 11.5 * 3600 * S + jitter(), 'not_accepting', 'accepting'],
        [base + 16 * 3600 * S + jitter(), 'accepting', 'offline'],
      ];
      for (const [occurredAt, from, to] of changes) {
        events.push({
          streamId: `agent-${agent}`,
          organizationId: org.id,
          type: 'AgentStatusChanged',
          data: { agent_id: agent, from, to, reason: 'agent' },
          occurredAt,
        });
      }
    }
  }
  return events;
}

/** One conversation, its events at their times. */
export function conversation(org: Organization, startAt: number, random: Random): PlannedEvent[] {
  const id = randomUUID();
  const streamId = `conversation-${id}`;
  const events: PlannedEvent[] = [];
  let t = startAt;
  const group = random.pick(org.groups);
  const customer = `customer-${id.slice(0, 8)}`;
  const push = (type: string, data: unknown, after = 0) => {
    t += after;
    events.push({ streamId, organizationId: org.id, type, data, occurredAt: Math.round(t) });
  };
  const message = (kind: 'customer' | 'agent' | 'bot', authorId: string, after: number) =>
    push(
      'MessagePosted',
      {
        message_id: randomUUID(),
        author: { kind, id: authorId },
        text: random.pick(TEXTS),
        client_id: randomUUID(),
        attachments: [],
      },
      after,
    );
  const seen = (kind: 'customer' | 'agent', authorId: string, after: number) => {
    const last = events.findLast((event) => event.type === 'MessagePosted');
    if (last)
      push(
        'MessagesSeen',
        { by: { kind, id: authorId }, seen_up_to: (last.data as { message_id: string }).message_id },
        after,
      );
  };
  push('ConversationStarted', {
    conversation_id: id,
    channel: random.chance(0.9) ? 'chat' : 'messaging',
    group_id: group,
    customer_id: customer,
    page: { url: 'https://shop.example/orders' },
  });
  message('customer', customer, random.between(1, 5) * S);
  if (random.chance(0.1)) {
    push('AgentAssigned', { agent_id: `bot-${org.id}`, agent_kind: 'bot', by: 'routing' }, 0.2 * S);
    for (let i = 0; i < 2; i++) {
      message('bot', `bot-${org.id}`, random.between(1, 3) * S);
      message('customer', customer, random.between(5, 30) * S);
    }
  }
  push('ConversationQueued', { group_id: group }, 0.1 * S);
  if (random.chance(0.03)) {
    push(
      'OfflineMessageLeft',
      { email: 'customer@example.com', text: 'Please call me back.' },
      random.between(20, 90) * S,
    );
    push('ConversationMissed', { reason: 'no_agents' });
    push('ConversationClosed', { by: { kind: 'customer', id: customer } });
    return events;
  }
  if (random.chance(0.08)) {
    push('ConversationMissed', { reason: 'left_in_queue' }, random.between(20, 300) * S);
    push('ConversationClosed', { by: { kind: 'customer', id: customer } });
    return events;
  }
  let agent = random.pick(org.agents);
  push('AgentAssigned', { agent_id: agent, agent_kind: 'human', by: 'routing' }, random.between(5, 120) * S);
  if (random.chance(0.03)) push('PrioritySet', { priority: random.pick(['high', 'urgent', 'low']) }, 2 * S);
  if (random.chance(0.03)) {
    const next = random.pick(org.agents);
    push('ConversationTransferred', { from_agent_id: agent, to_agent_id: next, reason: 'auto' }, 120 * S);
    push('AgentAssigned', { agent_id: next, agent_kind: 'human', by: 'routing' });
    agent = next;
  }
  const exchanges = 2 + Math.floor(random.next() * 6);
  for (let i = 0; i < exchanges; i++) {
    message('agent', agent, random.between(8, 90) * S);
    if (random.chance(0.6)) seen('customer', customer, random.between(1, 10) * S);
    if (i === 1 && random.chance(0.05)) {
      const next = random.pick(org.agents);
      push(
        'ConversationTransferred',
        { from_agent_id: agent, to_agent_id: next, reason: 'manual', note: 'billing question' },
        10 * S,
      );
      push('AgentAssigned', { agent_id: next, agent_kind: 'human', by: 'agent' });
      agent = next;
    }
    if (i < exchanges - 1) {
      message('customer', customer, random.between(15, 120) * S);
      if (random.chance(0.6)) seen('agent', agent, random.between(1, 10) * S);
    }
  }
  if (random.chance(0.85))
    push('ConversationResolved', { by: { kind: 'agent', id: agent } }, random.between(10, 60) * S);
  else push('ConversationClosed', { by: { kind: 'customer', id: customer } }, random.between(10, 60) * S);
  if (random.chance(0.3))
    push('ConversationRated', { score: 1 + Math.floor(random.next() * 5) }, random.between(2, 30) * S);
  if (random.chance(0.1)) push('NpsAnswered', { score: Math.floor(random.next() * 11) }, random.between(2, 30) * S);
  if (random.chance(0.05))
    push(
      'GoalReported',
      { goal: 'purchase', value: Math.round(random.between(10, 300)) },
      random.between(60, 3600) * S,
    );
  if (random.chance(0.05)) {
    push('ConversationReopened', { by: { kind: 'customer', id: customer } }, random.between(600, 7200) * S);
    message('customer', customer, 0);
    push('ConversationQueued', { group_id: group }, 0.1 * S);
    const again = random.pick(org.agents);
    push('AgentAssigned', { agent_id: again, agent_kind: 'human', by: 'routing' }, random.between(5, 60) * S);
    message('agent', again, random.between(10, 60) * S);
    push('ConversationResolved', { by: { kind: 'agent', id: again } }, random.between(30, 300) * S);
  }
  return events;
}

/** Checks every planned event against its schema, as an append would (the projector does not validate again). */
export function validate(events: readonly PlannedEvent[]): void {
  for (const event of events) allEvents.encode(event.type, event.data);
}
