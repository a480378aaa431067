import type { Kysely, Transaction } from 'kysely';
import type { ConversationEvent, OrganizationEvent, SlaEvent } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';
import { foldConversationEvent, foldSlaAlert } from './conversation-projection.js';
import type { InsertRows } from './copy-rows.js';
import { decodeEvent, type DecodedEvent } from './decoded-event.js';
import { planFlush, writeFlushPlan, type FlushPlan } from './flush-plan.js';
import { splitFlushPlan } from './flush-split.js';
import { loadMissing } from './load-missing.js';
import type { MetricsDatabase } from './metrics-tables.js';
import { foldPolicyChange } from './policy-changes.js';
import { ProjectorMemory } from './projector-memory.js';
import { foldStatusChange } from './status-intervals.js';
import { foldTicketEvent } from './ticket-rows.js';

/** The durable consumer (and stream-position owner) of the metrics projection. */
export const METRICS_CONSUMER = 'metrics-projector';

/**
 * The version of the projection's code. Raise it when a change alters what the tables hold for
 * the same events: the leading projector then finds the tables built by an older version and
 * rebuilds them from the event store before it consumes live (projection_control).
 */
export const PROJECTION_VERSION = 3;

/**
 * The rows of a flush, computed; `write` stores them in a transaction. A rebuild passes `copy`
 * (COPY on the transaction's connection) for the rows certainly new to the tables.
 */
export interface PreparedFlush {
  write(trx: Transaction<MetricsDatabase>, copy?: InsertRows): Promise<void>;
  /** A part of a split flush (`prepareFlushes`): the organizations whose rows it holds. */
  organizations?: ReadonlySet<string>;
}

/**
 * The metrics projection. `fold` takes events in (in the order of their streams) and keeps what
 * changed in memory (projector-memory.ts); `prepareFlush` computes the rows of everything that
 * changed (flush-plan.ts) and hands them over to be written, marking the derived tables' rows
 * they touch dirty (`flushDerived` recomputes those from the base tables, once for many
 * batches). Live consumption folds and flushes each batch in the transaction that stores its
 * stream positions (`apply`); a rebuild folds the whole event store through the same code and
 * flushes every so many events. Either way the rows of a cycle are a function of its facts and
 * policy only (cycle-rows.ts; a ticket's likewise, ticket-rows.ts), so both write the same
 * rows. Only one projector writes at a time (the leader), and `reset` is called whenever it may
 * have missed writes (it became the leader, a transaction failed, the tables were rebuilt).
 *
 * Where each stream goes: `conversation-` and `sla-` (alerts) fold into the conversation's
 * cycles (conversation-projection.ts), `slapolicy-` into the policies (policy-changes.ts),
 * `agent-` into status intervals (status-intervals.ts), `ticket-` into tickets, and
 * `organization-` gives the time zone; a conversation's tags go to `conversation_tags` as they are.
 */
export class MetricsProjector {
  private readonly memory: ProjectorMemory;

  /**
   * `capacity`: the conversations (and the tickets) memory keeps between batches (MEMORY_CAPACITY;
   * tests make it small), at least as many as one batch can need (a rebuild reads 5,000 events).
   */
  constructor(options: { capacity?: number } = {}) {
    this.memory = new ProjectorMemory(options.capacity);
  }

  /** Forgets everything read; `tablesEmpty`: the caller has just emptied the tables (a rebuild). */
  reset(options: { tablesEmpty?: boolean } = {}): void {
    this.memory.reset(options.tablesEmpty ?? false);
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
    const decoded: DecodedEvent[] = [];
    for (const recorded of events) {
      const item = decodeEvent(recorded);
      if (item) decoded.push(item);
    }
    if (decoded.length === 0) return;
    await loadMissing(this.memory, db, decoded);
    for (const item of decoded) {
      const { recorded } = item;
      switch (item.category) {
        case 'conversation':
          this.foldConversation(item.id, recorded, item.event);
          break;
        case 'sla':
          this.foldAlert(recorded, item.event);
          break;
        case 'slapolicy':
          await foldPolicyChange(this.memory, db, recorded, item.event);
          break;
        case 'agent':
          if (item.event.type === 'AgentStatusChanged') foldStatusChange(this.memory, recorded, item.event);
          break;
        case 'ticket':
          this.foldTicket(item.id, recorded, item.event);
          break;
        case 'organization':
          this.foldOrganization(recorded, item.event);
          break;
      }
    }
  }

  /**
   * Computes the rows of everything folded since the last flush and hands them over to be
   * written; folding may go on meanwhile. One flush at a time: call `flushed` once its
   * transaction has committed, before preparing the next.
   */
  prepareFlush(): PreparedFlush {
    return this.prepareFlushes(1)[0]!;
  }

  /**
   * `prepareFlush` with the rows split by organization into at most `count` parts
   * (flush-split.ts), each written in a transaction of its own, in parallel (a rebuild's
   * writes). Call `flushed` once every part has committed.
   */
  prepareFlushes(count: number): PreparedFlush[] {
    const memory = this.memory;
    if (memory.inFlight.size > 0) throw new Error('a flush is still in flight: call flushed() after it commits');
    const plan = planFlush(memory);
    const inFlight = memory.inFlight;
    const parts: { plan: FlushPlan; organizations?: ReadonlySet<string> }[] =
      count > 1 ? splitFlushPlan(plan, count) : [{ plan }];
    return parts.map((part) => ({
      organizations: part.organizations,
      write: async (trx, copy) => {
        await writeFlushPlan(trx, part.plan, copy);
        // Written (to be committed by the caller): the cache holds them from here on.
        for (const rows of [part.plan.states, part.plan.newStates]) {
          for (const { conversation_id } of rows)
            memory.conversations.set(conversation_id, inFlight.get(conversation_id)!);
        }
      },
    }));
  }

  /** The transaction of the last prepared flush committed: the database has what memory has. */
  flushed(): void {
    this.memory.inFlight = new Map();
  }

  private foldConversation(conversationId: string, recorded: RecordedEvent, event: ConversationEvent): void {
    if (event.type === 'TagAdded' || event.type === 'TagRemoved') this.foldTag(conversationId, recorded, event);
    const { projection, cycles } = this.memory.conversation(conversationId);
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
    this.memory.pending.conversations.set(conversationId, { projection: next, cycles });
  }

  /**
   * A tag put on or taken off (`metrics.conversation_tags`). A row depends on the last change of
   * its (conversation, tag) only, so live batches and a rebuild's flushes write the same rows.
   */
  private foldTag(
    conversationId: string,
    recorded: RecordedEvent,
    event: Extract<ConversationEvent, { type: 'TagAdded' | 'TagRemoved' }>,
  ): void {
    const tag = event.data.tag;
    const row =
      event.type === 'TagAdded'
        ? {
            organization_id: recorded.organizationId,
            conversation_id: conversationId,
            tag,
            tagged_at: recorded.occurredAt,
            stream_version: recorded.streamVersion,
          }
        : null;
    this.memory.pending.tags.set(`${conversationId}\u0000${tag}`, {
      organization_id: recorded.organizationId,
      conversation_id: conversationId,
      tag,
      row,
    });
  }

  /** An SLA alert (`sla-<conversation id>`) the alert runner sent: the outcome records it. */
  private foldAlert(recorded: RecordedEvent, event: SlaEvent): void {
    if (event.type !== 'SlaWarningIssued' && event.type !== 'SlaBreached') return;
    const conversationId = event.data.conversation_id;
    const { projection, cycles } = this.memory.conversation(conversationId);
    if (!projection) return;
    const next = foldSlaAlert(projection, { ...event, occurredAt: recorded.occurredAt }, cycles);
    if (next !== projection) this.memory.pending.conversations.set(conversationId, { projection: next, cycles });
  }

  private foldTicket(ticketId: string, recorded: RecordedEvent, event: Parameters<typeof foldTicketEvent>[2]): void {
    const next = foldTicketEvent(this.memory.ticket(ticketId), recorded, event);
    if (next) this.memory.pending.tickets.set(ticketId, next);
  }

  private foldOrganization(recorded: RecordedEvent, event: OrganizationEvent): void {
    const organization_id = recorded.organizationId;
    switch (event.type) {
      case 'OrganizationCreated': {
        const { organization_id, name, time_zone } = event.data;
        this.memory.pending.organizations.set(organization_id, { organization_id, name, time_zone });
        this.memory.zones.set(organization_id, time_zone);
        return;
      }
      case 'AgentSaved': {
        const { agent_id, name, display_name, role, kind, group_ids, disabled } = event.data;
        const row = {
          organization_id,
          agent_id,
          name,
          display_name,
          role,
          kind,
          group_ids,
          disabled,
          updated_at: recorded.occurredAt,
        };
        this.memory.pending.agents.set(`${organization_id}/${agent_id}`, row);
        return;
      }
      case 'GroupSaved': {
        const { group_id, name, routing } = event.data;
        this.memory.pending.groups.set(`${organization_id}/${group_id}`, {
          organization_id,
          group_id,
          name,
          routing,
          updated_at: recorded.occurredAt,
        });
        return;
      }
    }
  }
}
