import type { Channel, SlaEvent } from '@livedesk/contracts';
import { foldCycles } from '../domain/conversation-cycles.js';
import type { Assignment, ConversationFact, CycleFacts, RawExchange } from '../domain/cycle-facts.js';
import { alertKey, type SlaAlerts } from '../domain/sla-outcomes.js';

/**
 * What the projector keeps of one conversation between events: the facts of every cycle, the
 * live SLA alerts seen for them, and the version of the last conversation event that changed
 * each cycle (so a row says which event it reflects, the same live and in a rebuild).
 */
export interface ConversationProjection {
  organization_id: string;
  conversation_id: string;
  channel: Channel;
  customer_id: string;
  stream_version: number;
  cycles: CycleFacts[];
  /** per cycle number */
  cycle_versions: Record<number, number>;
  /** per cycle number */
  alerts: Record<number, SlaAlerts>;
}

/** The cycles a fold changed, with their facts before the batch (undefined: new in the batch). */
export type ChangedCycles = Map<number, CycleFacts | undefined>;

/**
 * Folds one conversation event in. Answers the new projection (or the same object when the
 * conversation does not exist yet and the event is not its start) and records the cycles whose
 * facts changed in `changed`. Events that change no figure (read receipts, tags) change nothing.
 */
export function foldConversationEvent(
  projection: ConversationProjection | undefined,
  event: ConversationFact & { organizationId: string; conversationId: string },
  changed: ChangedCycles,
): ConversationProjection | undefined {
  if (!projection) {
    if (event.type !== 'ConversationStarted') return undefined;
    projection = {
      organization_id: event.organizationId,
      conversation_id: event.conversationId,
      channel: event.data.channel,
      customer_id: event.data.customer_id,
      stream_version: 0,
      cycles: [],
      cycle_versions: {},
      alerts: {},
    };
  }
  const before = projection.cycles;
  const after = foldCycles(before, event);
  const versions = { ...projection.cycle_versions };
  for (let i = 0; i < after.length; i++) {
    if (after[i] === before[i]) continue;
    const number = after[i]!.cycle;
    if (!changed.has(number)) changed.set(number, before[i]);
    versions[number] = event.version;
  }
  return { ...projection, stream_version: event.version, cycles: after, cycle_versions: versions };
}

/** A live SLA alert (`SlaWarningIssued`, `SlaBreached`) of one of the conversation's cycles. */
export function foldSlaAlert(projection: ConversationProjection, event: SlaEvent & { occurredAt: Date }, changed: ChangedCycles): ConversationProjection {
  if (event.type !== 'SlaWarningIssued' && event.type !== 'SlaBreached') return projection;
  const { cycle, target, exchange } = event.data;
  const facts = projection.cycles.find((c) => c.cycle === cycle);
  if (!facts) return projection;
  const key = alertKey(target, exchange);
  const previous = projection.alerts[cycle]?.[key] ?? {};
  const field = event.type === 'SlaWarningIssued' ? 'warning_at' : 'breach_at';
  // The first alert of its kind counts (a late duplicate, e.g. after a policy change, does not move it).
  if (previous[field] !== undefined) return projection;
  if (!changed.has(cycle)) changed.set(cycle, facts);
  return {
    ...projection,
    alerts: { ...projection.alerts, [cycle]: { ...projection.alerts[cycle], [key]: { ...previous, [field]: event.occurredAt.getTime() } } },
  };
}

// The stored form: instants as epoch milliseconds (JSON has no dates).

type Encoded<T> = T extends Date ? number : T extends null ? null : T extends (infer U)[] ? Encoded<U>[] : T extends object ? { [K in keyof T]: Encoded<T[K]> } : T;

export interface StoredProjectionState {
  cycles: Encoded<CycleFacts>[];
  cycle_versions: Record<number, number>;
  alerts: Record<number, SlaAlerts>;
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());
const date = (value: number | null): Date | null => (value === null ? null : new Date(value));

export function encodeState(projection: ConversationProjection): StoredProjectionState {
  return {
    cycles: projection.cycles.map(encodeCycle),
    cycle_versions: projection.cycle_versions,
    alerts: projection.alerts,
  };
}

export function decodeState(
  row: { organization_id: string; conversation_id: string; channel: string; customer_id: string; stream_version: number },
  state: StoredProjectionState,
): ConversationProjection {
  return {
    organization_id: row.organization_id,
    conversation_id: row.conversation_id,
    channel: row.channel as Channel,
    customer_id: row.customer_id,
    stream_version: row.stream_version,
    cycles: state.cycles.map(decodeCycle),
    cycle_versions: state.cycle_versions,
    alerts: state.alerts,
  };
}

function encodeCycle(facts: CycleFacts): Encoded<CycleFacts> {
  return {
    ...facts,
    started_at: facts.started_at.getTime(),
    ended_at: ms(facts.ended_at),
    queued_at: ms(facts.queued_at),
    first_human_assigned_at: ms(facts.first_human_assigned_at),
    bot_handoff_at: ms(facts.bot_handoff_at),
    first_customer_message_at: ms(facts.first_customer_message_at),
    clock_start_at: ms(facts.clock_start_at),
    open_exchange_at: ms(facts.open_exchange_at),
    rated_at: ms(facts.rated_at),
    nps_at: ms(facts.nps_at),
    converted_at: ms(facts.converted_at),
    exchanges: facts.exchanges.map((e) => ({ ...e, started_at: e.started_at.getTime(), replied_at: ms(e.replied_at) })),
    assignments: facts.assignments.map((a) => ({ ...a, from: a.from.getTime(), to: ms(a.to) })),
  };
}

function decodeCycle(stored: Encoded<CycleFacts>): CycleFacts {
  return {
    ...stored,
    started_at: new Date(stored.started_at),
    ended_at: date(stored.ended_at),
    queued_at: date(stored.queued_at),
    first_human_assigned_at: date(stored.first_human_assigned_at),
    bot_handoff_at: date(stored.bot_handoff_at),
    first_customer_message_at: date(stored.first_customer_message_at),
    clock_start_at: date(stored.clock_start_at),
    open_exchange_at: date(stored.open_exchange_at),
    rated_at: date(stored.rated_at),
    nps_at: date(stored.nps_at),
    converted_at: date(stored.converted_at),
    exchanges: stored.exchanges.map((e): RawExchange => ({ ...e, started_at: new Date(e.started_at), replied_at: date(e.replied_at) })),
    assignments: stored.assignments.map((a): Assignment => ({ ...a, from: new Date(a.from), to: date(a.to) })),
  };
}
