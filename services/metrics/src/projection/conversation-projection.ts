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
  /**
   * Per cycle number, the rows of the derived tables its rows counted in when they were last
   * written: when the cycle changes, those are recomputed too (a count may move out of them).
   * Absent: the cycle's rows were never written.
   */
  derived_keys: Record<number, string[]>;
}

/** The numbers of the cycles a fold changed. */
export type ChangedCycles = Set<number>;

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
      derived_keys: {},
    };
  }
  const before = projection.cycles;
  const after = foldCycles(before, event);
  let versions = projection.cycle_versions;
  for (let i = 0; i < after.length; i++) {
    if (after[i] === before[i]) continue;
    const number = after[i]!.cycle;
    changed.add(number);
    if (versions === projection.cycle_versions) versions = { ...versions };
    versions[number] = event.version;
  }
  return withChanges(projection, { stream_version: event.version, cycles: after, cycle_versions: versions });
}

/** A copy with some fields changed, as a plain literal (see cycle-rows.ts on V8 and spreads). */
function withChanges(
  projection: ConversationProjection,
  changes: Partial<ConversationProjection>,
): ConversationProjection {
  return {
    organization_id: projection.organization_id,
    conversation_id: projection.conversation_id,
    channel: projection.channel,
    customer_id: projection.customer_id,
    stream_version: changes.stream_version ?? projection.stream_version,
    cycles: changes.cycles ?? projection.cycles,
    cycle_versions: changes.cycle_versions ?? projection.cycle_versions,
    alerts: changes.alerts ?? projection.alerts,
    derived_keys: changes.derived_keys ?? projection.derived_keys,
  };
}

/** A live SLA alert (`SlaWarningIssued`, `SlaBreached`) of one of the conversation's cycles. */
export function foldSlaAlert(
  projection: ConversationProjection,
  event: SlaEvent & { occurredAt: Date },
  changed: ChangedCycles,
): ConversationProjection {
  if (event.type !== 'SlaWarningIssued' && event.type !== 'SlaBreached') return projection;
  const { cycle, target, exchange } = event.data;
  const facts = projection.cycles.find((c) => c.cycle === cycle);
  if (!facts) return projection;
  const key = alertKey(target, exchange);
  const previous = projection.alerts[cycle]?.[key] ?? {};
  const field = event.type === 'SlaWarningIssued' ? 'warning_at' : 'breach_at';
  // The first alert of its kind counts (a late duplicate, e.g. after a policy change, does not move it).
  if (previous[field] !== undefined) return projection;
  changed.add(cycle);
  return withChanges(projection, {
    alerts: {
      ...projection.alerts,
      [cycle]: { ...projection.alerts[cycle], [key]: { ...previous, [field]: event.occurredAt.getTime() } },
    },
  });
}

// The stored form: JSON text with each cycle's facts as a positional array (instants as epoch
// milliseconds): a fifth of the size of the objects, and the projector writes one per changed
// conversation per flush.

export interface StoredProjectionState {
  v: 1;
  cycles: unknown[][];
  cycle_versions: Record<number, number>;
  alerts: Record<number, SlaAlerts>;
  derived_keys: Record<number, string[]>;
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());
const date = (value: unknown): Date | null => (value === null ? null : new Date(value as number));

export { withChanges };

export function encodeState(projection: ConversationProjection): string {
  const state: StoredProjectionState = {
    v: 1,
    cycles: projection.cycles.map(encodeCycle),
    cycle_versions: projection.cycle_versions,
    alerts: projection.alerts,
    derived_keys: projection.derived_keys,
  };
  return JSON.stringify(state);
}

export function decodeState(
  row: {
    organization_id: string;
    conversation_id: string;
    channel: string;
    customer_id: string;
    stream_version: number;
  },
  text: string,
): ConversationProjection {
  const state = JSON.parse(text) as StoredProjectionState;
  return {
    organization_id: row.organization_id,
    conversation_id: row.conversation_id,
    channel: row.channel as Channel,
    customer_id: row.customer_id,
    stream_version: row.stream_version,
    cycles: state.cycles.map(decodeCycle),
    cycle_versions: state.cycle_versions,
    alerts: state.alerts,
    derived_keys: state.derived_keys,
  };
}

function encodeCycle(f: CycleFacts): unknown[] {
  return [
    f.cycle,
    f.started_at.getTime(),
    ms(f.ended_at),
    f.end_reason,
    f.missed_event_reason,
    f.group_id,
    f.priority,
    ms(f.queued_at),
    f.in_queue,
    ms(f.first_human_assigned_at),
    f.bot_holds,
    ms(f.bot_handoff_at),
    ms(f.first_customer_message_at),
    ms(f.clock_start_at),
    ms(f.open_exchange_at),
    f.exchanges.map((e) => [e.started_at.getTime(), ms(e.replied_at), e.agent_id]),
    [f.transfers.manual, f.transfers.auto],
    f.transfer_to,
    [f.csat_score, f.csat_comment, ms(f.rated_at)],
    [f.nps_score, f.nps_comment, ms(f.nps_at)],
    f.goals,
    ms(f.converted_at),
    f.goal_value,
    f.assigned_agent_ids,
    f.assignments.map((a) => [a.agent_id, a.agent_kind, a.from.getTime(), ms(a.to), a.via, a.released_by]),
    [f.ces_score, ms(f.ces_at)],
  ];
}

function decodeCycle(c: unknown[]): CycleFacts {
  const [csat_score, csat_comment, rated_at] = c[18] as [number | null, string | null, number | null];
  const [nps_score, nps_comment, nps_at] = c[19] as [number | null, string | null, number | null];
  const [manual, auto] = c[16] as [number, number];
  // Cycles encoded before CES was projected have no 26th entry.
  const [ces_score, ces_at] = (c[25] ?? [null, null]) as [number | null, number | null];
  return {
    cycle: c[0] as number,
    started_at: new Date(c[1] as number),
    ended_at: date(c[2]),
    end_reason: c[3] as CycleFacts['end_reason'],
    missed_event_reason: c[4] as CycleFacts['missed_event_reason'],
    group_id: c[5] as string,
    priority: c[6] as CycleFacts['priority'],
    queued_at: date(c[7]),
    in_queue: c[8] as boolean,
    first_human_assigned_at: date(c[9]),
    bot_holds: c[10] as boolean,
    bot_handoff_at: date(c[11]),
    first_customer_message_at: date(c[12]),
    clock_start_at: date(c[13]),
    open_exchange_at: date(c[14]),
    exchanges: (c[15] as [number, number | null, string | null][]).map(
      ([started, replied, agent]): RawExchange => ({
        started_at: new Date(started),
        replied_at: date(replied),
        agent_id: agent,
      }),
    ),
    transfers: { manual, auto },
    transfer_to: c[17] as string | null,
    csat_score,
    csat_comment,
    rated_at: date(rated_at),
    nps_score,
    nps_comment,
    nps_at: date(nps_at),
    ces_score,
    ces_at: date(ces_at),
    goals: c[20] as string[],
    converted_at: date(c[21]),
    goal_value: c[22] as number,
    assigned_agent_ids: c[23] as string[],
    assignments: (
      c[24] as [string, Assignment['agent_kind'], number, number | null, Assignment['via'], Assignment['released_by']][]
    ).map(
      ([agent_id, agent_kind, from, to, via, released_by]): Assignment => ({
        agent_id,
        agent_kind,
        from: new Date(from),
        to: date(to),
        via,
        released_by,
      }),
    ),
  };
}
