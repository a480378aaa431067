import { sql, type Kysely, type Transaction } from 'kysely';
import { allEvents, streamCategory, type AgentEvent, type ConversationEvent, type OrganizationEvent, type SlaEvent, type TicketEvent } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';
import type { CycleFacts } from '../domain/cycle-facts.js';
import { policyFor, type PolicyVersion } from '../domain/sla-policy.js';
import { evolveTicket, ticketFigures, type TicketFacts } from '../domain/ticket-figures.js';
import {
  decodeState,
  encodeState,
  foldConversationEvent,
  foldSlaAlert,
  withChanges,
  type ChangedCycles,
  type ConversationProjection,
} from './conversation-projection.js';
import { rowsOfCycle, type CycleRows } from './cycle-rows.js';
import { storedPolicyVersion } from './stored-policy.js';
import { DerivedKeys, keysOfCycle } from './derived-keys.js';
import { markDirty } from './derived-tables.js';
import { LruMap } from './lru-map.js';
import type {
  AgentStatusIntervalsRow,
  MetricsDatabase,
  OrganizationsRow,
  ProjectionConversationsRow,
  SlaPoliciesRow,
  TicketsRow,
} from './metrics-tables.js';
import { deleteCycles, insertRows, upsertRows } from './write-rows.js';

/** The durable consumer (and stream-position owner) of the metrics projection. */
export const METRICS_CONSUMER = 'metrics-projector';

/**
 * The version of the projection's code. Raise it when a change alters what the tables hold for
 * the same events: the leading projector then finds the tables built by an older version and
 * rebuilds them from the event store before it consumes live (projection_control).
 */
export const PROJECTION_VERSION = 1;

type Decoded =
  | { category: 'conversation'; recorded: RecordedEvent; event: ConversationEvent }
  | { category: 'sla'; recorded: RecordedEvent; event: SlaEvent }
  | { category: 'slapolicy'; recorded: RecordedEvent; event: SlaEvent }
  | { category: 'agent'; recorded: RecordedEvent; event: AgentEvent }
  | { category: 'organization'; recorded: RecordedEvent; event: OrganizationEvent }
  | { category: 'ticket'; recorded: RecordedEvent; event: TicketEvent };

const PROJECTED = new Set(['conversation', 'sla', 'slapolicy', 'agent', 'organization', 'ticket']);

/** A ticket as the projector keeps it between events. */
interface ProjectedTicket {
  organization_id: string;
  stream_version: number;
  facts: TicketFacts;
}

/** A conversation changed since the last flush, and which of its cycles. */
interface ChangedConversation {
  projection: ConversationProjection;
  cycles: ChangedCycles;
}

/** What changed since the last flush. */
class Pending {
  readonly conversations = new Map<string, ChangedConversation>();
  readonly intervals = new Map<string, AgentStatusIntervalsRow>();
  readonly tickets = new Map<string, ProjectedTicket>();
  readonly policyRows: SlaPoliciesRow[] = [];
  readonly organizations = new Map<string, OrganizationsRow>();
  readonly keys = new DerivedKeys();
}

/** The rows of a flush, computed; `write` stores them in a transaction. */
export interface PreparedFlush {
  write(trx: Transaction<MetricsDatabase>): Promise<void>;
}


/**
 * The metrics projection. `fold` takes events in (in the order of their streams) and keeps what
 * changed in memory; `flush` computes the rows of everything that changed and writes them, and
 * marks the derived tables' rows they touch dirty (`flushDerived` recomputes those from the base
 * tables, once for many batches). Live consumption folds and
 * flushes each batch in the transaction that stores its stream positions (`apply`); a rebuild
 * folds the whole event store through the same code and flushes every so many events. Either
 * way the rows of a cycle are a function of its facts and policy only, so both write the same
 * rows. It remembers what it read and wrote between batches; only one projector writes at a
 * time (the leader), and `reset` is called whenever it may have missed writes (it became the
 * leader, a transaction failed, the tables were rebuilt).
 */
export class MetricsProjector {
  private readonly conversations = new LruMap<string, ConversationProjection>(100_000);
  /** conversations of a flush being written: newer than the database, until it commits */
  private inFlight = new Map<string, ConversationProjection>();
  private readonly policies = new Map<string, PolicyVersion[]>();
  private readonly zones = new Map<string, string | undefined>();
  /** agent id → their open status interval (null: no status known yet) */
  private readonly openIntervals = new Map<string, AgentStatusIntervalsRow | null>();
  /** ticket id → the ticket (null: not known to the tables) */
  private readonly tickets = new LruMap<string, ProjectedTicket | null>(100_000);
  private pending = new Pending();

  /**
   * The tables held nothing when the projector was last reset (a rebuild truncated them), so
   * whatever is not in memory does not exist yet: nothing needs reading, as long as no
   * conversation was forgotten for room since.
   */
  private startedEmpty = false;

  /** Forgets everything read; `tablesEmpty`: the caller has just emptied the tables (a rebuild). */
  reset(options: { tablesEmpty?: boolean } = {}): void {
    this.startedEmpty = options.tablesEmpty ?? false;
    this.conversations.clear();
    this.inFlight = new Map();
    this.policies.clear();
    this.zones.clear();
    this.openIntervals.clear();
    this.tickets.clear();
    this.pending = new Pending();
  }

  /**
   * Live consumption: the batch folded and flushed in its transaction. Batches are applied one
   * after another, so the previous one has committed (or failed, and `reset` was called).
   */
  async apply(events: readonly RecordedEvent[], trx: Transaction<MetricsDatabase>): Promise<void> {
    this.flushed();
    await this.fold(events, trx);
    await this.prepareFlush().write(trx);
  }

  /** Folds events in; `db` is where what the memory lacks is read from. */
  async fold(events: readonly RecordedEvent[], db: Kysely<MetricsDatabase>): Promise<void> {
    const decoded = events.flatMap(decode);
    if (decoded.length === 0) return;
    await this.load(db, decoded);
    const pending = this.pending;
    for (const item of decoded) {
      const { recorded } = item;
      switch (item.category) {
        case 'conversation':
          this.foldConversation(recorded, item.event);
          break;
        case 'sla':
          this.foldAlert(recorded, item.event);
          break;
        case 'slapolicy':
          await this.foldPolicy(db, recorded, item.event);
          break;
        case 'agent':
          this.foldStatus(recorded, item.event);
          break;
        case 'ticket':
          this.foldTicket(recorded, item.event);
          break;
        case 'organization': {
          if (item.event.type !== 'OrganizationCreated') break;
          const { organization_id, name, time_zone } = item.event.data;
          pending.organizations.set(organization_id, { organization_id, name, time_zone });
          this.zones.set(organization_id, time_zone);
          break;
        }
      }
    }
  }

  /**
   * Computes the rows of everything folded since the last flush and hands them over to be
   * written; folding may go on meanwhile. One flush at a time: call `flushed` once its
   * transaction has committed, before preparing the next.
   */
  prepareFlush(): PreparedFlush {
    if (this.inFlight.size > 0) throw new Error('a flush is still in flight: call flushed() after it commits');
    const pending = this.pending;
    this.pending = new Pending();
    const keys = pending.keys;
    const cycleRows: CycleRows[] = [];
    const replaced: { conversation_id: string; cycle: number }[] = [];
    const states: ProjectionConversationsRow[] = [];
    for (const entry of pending.conversations.values()) {
      const org = entry.projection.organization_id;
      const zone = this.zoneOf(org);
      const policies = this.policies.get(org) ?? [];
      const derived = { ...entry.projection.derived_keys };
      for (const number of entry.cycles) {
        const facts = entry.projection.cycles.find((cycle) => cycle.cycle === number)!;
        const before = derived[number];
        if (before) {
          // Written before: its old rows go, and the derived rows they counted in are dirty too.
          keys.addAll(before);
          replaced.push({ conversation_id: entry.projection.conversation_id, cycle: number });
        }
        const rows = rowsOfCycle(entry.projection, facts, policyFor(policies, toMatch(entry.projection, facts)));
        derived[number] = keysOfCycle(rows, zone);
        keys.addAll(derived[number]);
        cycleRows.push(rows);
      }
      const projection = withChanges(entry.projection, { derived_keys: derived });
      states.push({
        organization_id: org,
        conversation_id: projection.conversation_id,
        channel: projection.channel,
        customer_id: projection.customer_id,
        stream_version: projection.stream_version,
        state: encodeState(projection),
      });
      this.inFlight.set(projection.conversation_id, projection);
    }
    const ticketRows = [...pending.tickets.values()].map((ticket) => this.ticketRow(ticket));
    for (const ticket of pending.tickets.values()) this.tickets.set(ticket.facts.ticket_id, ticket);
    const inFlight = this.inFlight;
    const organizations = [...pending.organizations.values()];
    return {
      write: async (trx) => {
        if (organizations.length > 0) await this.writeOrganizations(trx, organizations, keys);
        await upsertRows(trx, 'metrics.conversation_cycles', cycleRows.map((rows) => rows.cycle), ['conversation_id', 'cycle']);
        for (const table of ['metrics.responses', 'metrics.agent_assignments', 'metrics.sla_outcomes', 'metrics.ratings', 'metrics.projection_timers'] as const) {
          await deleteCycles(trx, table, replaced);
        }
        await insertRows(trx, 'metrics.responses', cycleRows.flatMap((rows) => rows.responses));
        await insertRows(trx, 'metrics.agent_assignments', cycleRows.flatMap((rows) => rows.assignments));
        await insertRows(trx, 'metrics.sla_outcomes', cycleRows.flatMap((rows) => rows.outcomes));
        await insertRows(trx, 'metrics.ratings', cycleRows.flatMap((rows) => rows.ratings));
        await insertRows(trx, 'metrics.projection_timers', cycleRows.flatMap((rows) => rows.timers));
        await upsertRows(trx, 'metrics.projection_conversations', states, ['conversation_id']);
        await upsertRows(trx, 'metrics.agent_status_intervals', [...pending.intervals.values()], ['agent_id', 'stream_version']);
        await upsertRows(trx, 'metrics.tickets', ticketRows, ['ticket_id']);
        await insertRows(trx, 'metrics.sla_policies', pending.policyRows);
        // The derived rows these touch are recomputed apart, soon after (derived-tables.ts).
        await markDirty(trx, keys);
        // Written (to be committed by the caller): the cache holds them from here on.
        for (const [id, projection] of inFlight) this.conversations.set(id, projection);
      },
    };
  }

  /** The transaction of the last prepared flush committed: the database has what memory has. */
  flushed(): void {
    this.inFlight = new Map();
  }

  private conversation(conversationId: string): { projection: ConversationProjection | undefined; cycles: ChangedCycles } {
    const entry = this.pending.conversations.get(conversationId);
    if (entry) return entry;
    return { projection: this.inFlight.get(conversationId) ?? this.conversations.get(conversationId), cycles: new Set() };
  }

  private foldConversation(recorded: RecordedEvent, event: ConversationEvent): void {
    const conversationId = recorded.streamId.slice('conversation-'.length);
    const { projection, cycles } = this.conversation(conversationId);
    // A plain literal, not a spread of the event: see cycle-rows.ts on V8 and spreads.
    const fact = {
      type: event.type,
      data: event.data,
      occurredAt: recorded.occurredAt,
      version: recorded.streamVersion,
      organizationId: recorded.organizationId,
      conversationId,
    } as Parameters<typeof foldConversationEvent>[1];
    const next = foldConversationEvent(projection, fact, cycles);
    if (!next) return;
    // The version moves with every event, so the state is written even when no figure changed.
    this.pending.conversations.set(conversationId, { projection: next, cycles });
  }

  private foldAlert(recorded: RecordedEvent, event: SlaEvent): void {
    if (event.type !== 'SlaWarningIssued' && event.type !== 'SlaBreached') return;
    const conversationId = event.data.conversation_id;
    const { projection, cycles } = this.conversation(conversationId);
    if (!projection) return;
    const next = foldSlaAlert(projection, { ...event, occurredAt: recorded.occurredAt }, cycles);
    if (next !== projection) this.pending.conversations.set(conversationId, { projection: next, cycles });
  }

  private async foldPolicy(db: Kysely<MetricsDatabase>, recorded: RecordedEvent, event: SlaEvent): Promise<void> {
    const row = policyRow(recorded, event);
    if (!row) return;
    const org = recorded.organizationId;
    const current = this.policies.get(org) ?? [];
    this.policies.set(org, [...current, storedPolicyVersion(row)]);
    this.pending.policyRows.push(row);
    await this.markPolicyChange(db, org, row.effective_from.getTime());
  }

  private foldStatus(recorded: RecordedEvent, event: AgentEvent): void {
    if (event.type !== 'AgentStatusChanged') return;
    const { agent_id: agentId, to, reason } = event.data;
    const at = recorded.occurredAt;
    const open = this.openIntervals.get(agentId);
    if (open) {
      const closed = { ...open, ended_at: at, seconds: Math.max(0, at.getTime() - open.started_at.getTime()) / 1000 };
      this.pending.intervals.set(`${agentId}\u0000${open.stream_version}`, closed);
      this.pending.keys.addSpan(recorded.organizationId, agentId, open.started_at, at, this.zoneOf(recorded.organizationId));
    }
    const next: AgentStatusIntervalsRow = {
      organization_id: recorded.organizationId,
      agent_id: agentId,
      status: to,
      started_at: at,
      ended_at: null,
      seconds: null,
      reason,
      stream_version: recorded.streamVersion,
    };
    this.pending.intervals.set(`${agentId}\u0000${recorded.streamVersion}`, next);
    this.openIntervals.set(agentId, next);
  }

  private foldTicket(recorded: RecordedEvent, event: TicketEvent): void {
    const ticketId = recorded.streamId.slice('ticket-'.length);
    const known = this.pending.tickets.get(ticketId) ?? this.tickets.get(ticketId) ?? undefined;
    const facts = evolveTicket(known?.facts, { ...event, occurredAt: recorded.occurredAt } as Parameters<typeof evolveTicket>[1]);
    if (!facts) return;
    this.pending.tickets.set(ticketId, { organization_id: recorded.organizationId, stream_version: recorded.streamVersion, facts });
  }

  /** A ticket's row; its business seconds count in the calendar of the policy it matches as an asynchronous (messaging) conversation would. */
  private ticketRow(ticket: ProjectedTicket): TicketsRow {
    const { facts } = ticket;
    const policy = policyFor(this.policies.get(ticket.organization_id) ?? [], {
      started_at: facts.created_at,
      group_id: facts.group_id ?? '',
      channel: 'messaging',
      priority: facts.priority,
    });
    const figures = ticketFigures(facts, policy.calendar);
    return {
      organization_id: ticket.organization_id,
      ticket_id: facts.ticket_id,
      source: facts.source,
      conversation_id: facts.conversation_id,
      group_id: facts.group_id,
      agent_id: facts.agent_id,
      priority: facts.priority,
      status: facts.status,
      policy_id: policy.policy_id,
      created_at: facts.created_at,
      first_reply_at: facts.first_reply_at,
      first_reply_agent_id: facts.first_reply_agent_id,
      first_reply_seconds: figures.first_reply?.seconds ?? null,
      first_reply_business_seconds: figures.first_reply?.business_seconds ?? null,
      first_solved_at: facts.first_solved_at,
      first_solve_seconds: figures.first_solve?.seconds ?? null,
      first_solve_business_seconds: figures.first_solve?.business_seconds ?? null,
      solved_at: facts.solved_at,
      solve_seconds: figures.solve?.seconds ?? null,
      solve_business_seconds: figures.solve?.business_seconds ?? null,
      reopened: facts.reopened,
      agent_replies: facts.agent_replies,
      requester_replies: facts.requester_replies,
      spam: facts.spam,
      stream_version: ticket.stream_version,
    };
  }

  /**
   * A policy changed from `from` on: every cycle of the organization started since is judged
   * again. The caller makes sure no flush is in flight (the database then has every cycle not
   * in memory).
   */
  private async markPolicyChange(db: Kysely<MetricsDatabase>, organizationId: string, from: number): Promise<void> {
    const { rows } = await sql<{ conversation_id: string }>`
      SELECT DISTINCT conversation_id FROM metrics.conversation_cycles
       WHERE organization_id = ${organizationId} AND started_at >= ${new Date(from)}`.execute(db);
    const ids = new Set(rows.map((row) => row.conversation_id));
    for (const projection of [...this.conversations.values(), ...this.inFlight.values(), ...[...this.pending.conversations.values()].map((e) => e.projection)]) {
      if (projection.organization_id === organizationId) ids.add(projection.conversation_id);
    }
    await this.loadConversations(db, [...ids].filter((id) => !this.pending.conversations.has(id) && !this.inFlight.has(id) && !this.conversations.has(id)));
    for (const id of ids) {
      const { projection, cycles } = this.conversation(id);
      if (!projection) continue;
      for (const facts of projection.cycles) {
        if (facts.started_at.getTime() >= from) cycles.add(facts.cycle);
      }
      if (cycles.size > 0) this.pending.conversations.set(id, { projection, cycles });
    }
    // Tickets count their business seconds in their policy's calendar too.
    const tickets = await db
      .selectFrom('metrics.tickets')
      .select('ticket_id')
      .where('organization_id', '=', organizationId)
      .where('created_at', '>=', new Date(from))
      .execute();
    await this.loadTickets(db, tickets.map((row) => row.ticket_id).filter((id) => !this.pending.tickets.has(id) && !this.tickets.has(id)));
    for (const { ticket_id } of tickets) {
      const ticket = this.pending.tickets.get(ticket_id) ?? this.tickets.get(ticket_id);
      if (ticket) this.pending.tickets.set(ticket_id, ticket);
    }
    for (const ticket of this.tickets.values()) {
      if (ticket && ticket.organization_id === organizationId && ticket.facts.created_at.getTime() >= from) this.pending.tickets.set(ticket.facts.ticket_id, ticket);
    }
  }

  private async writeOrganizations(trx: Transaction<MetricsDatabase>, organizations: OrganizationsRow[], keys: DerivedKeys): Promise<void> {
    await upsertRows(trx, 'metrics.organizations', organizations, ['organization_id']);
    // Activity projected before the zone was known was counted in UTC days: count it again.
    const { rows } = await sql<{ organization_id: string }>`
      SELECT DISTINCT organization_id FROM metrics.agent_daily
       WHERE organization_id = ANY (${organizations.map((o) => o.organization_id)}::text[])`.execute(trx);
    for (const row of rows) keys.wholeOrganizations.add(row.organization_id);
  }

  private zoneOf(organizationId: string): string {
    return this.zones.get(organizationId) ?? 'UTC';
  }

  /** Reads what the events need and the memory lacks: conversations, policies and zones of their organizations, agents' open intervals. */
  private async load(db: Kysely<MetricsDatabase>, decoded: Decoded[]): Promise<void> {
    if (this.startedEmpty) {
      for (const item of decoded) {
        const org = item.recorded.organizationId;
        if (!this.policies.has(org)) this.policies.set(org, []);
        if (!this.zones.has(org)) this.zones.set(org, undefined);
        if (item.category === 'agent' && item.event.type === 'AgentStatusChanged' && !this.openIntervals.has(item.event.data.agent_id)) {
          this.openIntervals.set(item.event.data.agent_id, null);
        }
      }
      if (this.conversations.evictions === 0 && this.tickets.evictions === 0) return;
    }
    const conversations = new Set<string>();
    const organizations = new Set<string>();
    const agents = new Set<string>();
    for (const item of decoded) {
      const org = item.recorded.organizationId;
      if (!this.policies.has(org) || !this.zones.has(org)) organizations.add(org);
      if (item.category === 'conversation') {
        const id = item.recorded.streamId.slice('conversation-'.length);
        if (!this.known(id)) conversations.add(id);
      } else if (item.category === 'sla' && 'conversation_id' in item.event.data) {
        if (!this.known(item.event.data.conversation_id)) conversations.add(item.event.data.conversation_id);
      } else if (item.category === 'agent' && item.event.type === 'AgentStatusChanged' && !this.openIntervals.has(item.event.data.agent_id)) {
        agents.add(item.event.data.agent_id);
      }
    }
    await this.loadConversations(db, [...conversations]);
    const tickets = decoded
      .filter((item) => item.category === 'ticket')
      .map((item) => item.recorded.streamId.slice('ticket-'.length))
      .filter((id) => !this.pending.tickets.has(id) && !this.tickets.has(id));
    await this.loadTickets(db, [...new Set(tickets)]);
    const orgs = [...organizations];
    if (orgs.length > 0) {
      const [policyRows, zoneRows] = await Promise.all([
        db.selectFrom('metrics.sla_policies').selectAll().where('organization_id', 'in', orgs).orderBy('version').execute(),
        db.selectFrom('metrics.organizations').select(['organization_id', 'time_zone']).where('organization_id', 'in', orgs).execute(),
      ]);
      for (const org of orgs) {
        if (!this.policies.has(org)) this.policies.set(org, []);
        if (!this.zones.has(org)) this.zones.set(org, undefined);
      }
      for (const row of policyRows) {
        this.policies.get(row.organization_id)!.push(storedPolicyVersion(row));
      }
      for (const row of zoneRows) this.zones.set(row.organization_id, row.time_zone);
    }
    if (agents.size > 0) {
      const ids = [...agents];
      const open = await db.selectFrom('metrics.agent_status_intervals').selectAll().where('agent_id', 'in', ids).where('ended_at', 'is', null).execute();
      for (const agent of ids) this.openIntervals.set(agent, null);
      for (const row of open) this.openIntervals.set(row.agent_id, row);
    }
  }

  private known(conversationId: string): boolean {
    return this.pending.conversations.has(conversationId) || this.inFlight.has(conversationId) || this.conversations.has(conversationId);
  }

  private async loadTickets(db: Kysely<MetricsDatabase>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await db.selectFrom('metrics.tickets').selectAll().where('ticket_id', 'in', ids).execute();
    for (const id of ids) this.tickets.set(id, null);
    for (const row of rows) {
      this.tickets.set(row.ticket_id, {
        organization_id: row.organization_id,
        stream_version: row.stream_version,
        facts: {
          ticket_id: row.ticket_id,
          source: row.source,
          conversation_id: row.conversation_id,
          group_id: row.group_id,
          agent_id: row.agent_id,
          priority: row.priority as TicketFacts['priority'],
          status: row.status as TicketFacts['status'],
          created_at: row.created_at,
          first_reply_at: row.first_reply_at,
          first_reply_agent_id: row.first_reply_agent_id,
          first_solved_at: row.first_solved_at,
          solved_at: row.solved_at,
          reopened: row.reopened,
          agent_replies: row.agent_replies,
          requester_replies: row.requester_replies,
          spam: row.spam,
        },
      });
    }
  }

  private async loadConversations(db: Kysely<MetricsDatabase>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await db.selectFrom('metrics.projection_conversations').selectAll().where('conversation_id', 'in', ids).execute();
    for (const row of rows) this.conversations.set(row.conversation_id, decodeState(row, row.state));
  }
}

function toMatch(projection: ConversationProjection, facts: CycleFacts) {
  return { started_at: facts.started_at, group_id: facts.group_id, channel: projection.channel, priority: facts.priority };
}

/** A stored event as the projector reads it: upcast (not validated again: the event store holds validated events only). */
function decode(recorded: RecordedEvent): Decoded[] {
  const category = streamCategory(recorded.streamId);
  if (!PROJECTED.has(category) || !allEvents.has(recorded.type)) return [];
  const data = allEvents.upcast(recorded.type, recorded.schemaVersion, recorded.data);
  return [{ category, recorded, event: { type: recorded.type, data } } as Decoded];
}

function policyRow(recorded: RecordedEvent, event: SlaEvent): SlaPoliciesRow | undefined {
  const base = { organization_id: recorded.organizationId, version: recorded.streamVersion, recorded_at: recorded.occurredAt };
  if (event.type === 'SlaPolicySet') {
    const { policy_id, effective_from, policy } = event.data;
    return {
      ...base,
      policy_id,
      effective_from: new Date(effective_from),
      removed: false,
      name: policy.name,
      position: policy.position,
      match: policy.match,
      targets: policy.targets,
      calendar: policy.calendar,
    };
  }
  if (event.type === 'SlaPolicyRemoved') {
    return { ...base, policy_id: event.data.policy_id, effective_from: new Date(event.data.effective_from), removed: true, name: null, position: null, match: null, targets: null, calendar: null };
  }
  return undefined;
}
