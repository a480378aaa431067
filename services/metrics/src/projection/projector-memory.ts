import type { PolicyVersion } from '../domain/sla-policy.js';
import type { ChangedCycles, ConversationProjection } from './conversation-projection.js';
import { LruMap } from './lru-map.js';
import type { AgentStatusIntervalsRow } from './metrics-tables.js';
import { PendingChanges } from './pending-changes.js';
import type { ProjectedTicket } from './ticket-rows.js';

/** Conversations and tickets kept between batches at the most (the least recently used go first). */
export const MEMORY_CAPACITY = 100_000;

/**
 * What the metrics projector remembers between batches: what it read from or wrote to the
 * tables (so that a batch reads only what it has not seen), and what changed since the last
 * flush (`pending`). Only one projector writes at a time (the leader); whenever it may have
 * missed writes, `reset` forgets everything.
 */
export class ProjectorMemory {
  /** conversations as the tables hold them */
  readonly conversations: LruMap<string, ConversationProjection>;
  /** conversations of a flush being written: newer than the database, until it commits */
  inFlight = new Map<string, ConversationProjection>();
  /** organization id → its SLA policies' versions, in order */
  readonly policies = new Map<string, PolicyVersion[]>();
  /** organization id → its time zone (undefined: not known yet) */
  readonly zones = new Map<string, string | undefined>();
  /** agent id → their open status interval (null: no status known yet) */
  readonly openIntervals = new Map<string, AgentStatusIntervalsRow | null>();
  /** ticket id → the ticket (null: not known to the tables) */
  readonly tickets: LruMap<string, ProjectedTicket | null>;
  pending = new PendingChanges();

  /**
   * The tables held nothing when the memory was last reset (a rebuild truncated them), so
   * whatever is not in memory does not exist yet and needs no reading, except what memory
   * forgot for room since (`forgottenConversations`, `forgottenTickets`: the tables hold those).
   * A rebuild of a log with more conversations than the capacity thus reads back only those of
   * its conversations whose events go on after they were forgotten, and still inserts the rest
   * as new (COPY), instead of reading every conversation it meets from the first one forgotten on.
   * The ids are kept up to `forgottenLimit` (ten times the capacity: about 100 bytes each); past
   * it, memory reads whatever it lacks, as if the tables had not been emptied.
   */
  private tablesWereEmpty = false;
  private readonly forgottenConversations = new Set<string>();
  private readonly forgottenTickets = new Set<string>();

  constructor(
    capacity = MEMORY_CAPACITY,
    private readonly forgottenLimit = 10 * capacity,
  ) {
    this.conversations = new LruMap(capacity, (id) => this.forgot(this.forgottenConversations, id));
    this.tickets = new LruMap(capacity, (id) => this.forgot(this.forgottenTickets, id));
  }

  /** Only a memory that started with empty tables keeps the ids it forgot (otherwise anything missing is read). */
  private forgot(ids: Set<string>, id: string): void {
    if (!this.tablesWereEmpty) return;
    if (this.forgottenConversations.size + this.forgottenTickets.size < this.forgottenLimit) {
      ids.add(id);
      return;
    }
    // Too many to keep: from here on, read whatever is missing; the ids are of no more use.
    this.tablesWereEmpty = false;
    this.forgottenConversations.clear();
    this.forgottenTickets.clear();
  }

  /** Forgets everything; `tablesEmpty`: the caller has just emptied the tables (a rebuild). */
  reset(tablesEmpty: boolean): void {
    this.tablesWereEmpty = tablesEmpty;
    this.forgottenConversations.clear();
    this.forgottenTickets.clear();
    this.conversations.clear();
    this.inFlight = new Map();
    this.policies.clear();
    this.zones.clear();
    this.openIntervals.clear();
    this.tickets.clear();
    this.pending = new PendingChanges();
  }

  get startedEmpty(): boolean {
    return this.tablesWereEmpty;
  }

  /** Whether memory forgot a conversation or ticket for room since the tables were emptied (then some may need reading). */
  get forgotAny(): boolean {
    return this.forgottenConversations.size > 0 || this.forgottenTickets.size > 0;
  }

  /** Whether the tables may hold this conversation or ticket though memory lacks it: they were not emptied, or memory forgot it. */
  private mayBeInTablesOnly(forgotten: ReadonlySet<string>, id: string): boolean {
    return !this.tablesWereEmpty || forgotten.has(id);
  }

  /** Whether the tables may hold a state of this conversation (else it is certainly new to them). */
  mayStoreConversation(conversationId: string): boolean {
    return (
      this.mayBeInTablesOnly(this.forgottenConversations, conversationId) ||
      this.conversations.has(conversationId) ||
      this.inFlight.has(conversationId)
    );
  }

  /** Whether this conversation must be read from the tables: memory lacks it, and the tables may hold it. */
  mustReadConversation(conversationId: string): boolean {
    return (
      !this.knowsConversation(conversationId) && this.mayBeInTablesOnly(this.forgottenConversations, conversationId)
    );
  }

  /** Whether this ticket must be read from the tables: memory lacks it, and the tables may hold it. */
  mustReadTicket(ticketId: string): boolean {
    return !this.knowsTicket(ticketId) && this.mayBeInTablesOnly(this.forgottenTickets, ticketId);
  }

  /** The changes since the last flush, handed over to be written; new ones collect apart. */
  takePending(): PendingChanges {
    const pending = this.pending;
    this.pending = new PendingChanges();
    return pending;
  }

  /** A conversation at its newest (changed, being written, or as the tables hold it), and its cycles changed since the last flush. */
  conversation(conversationId: string): { projection: ConversationProjection | undefined; cycles: ChangedCycles } {
    const entry = this.pending.conversations.get(conversationId);
    if (entry) return entry;
    return {
      projection: this.inFlight.get(conversationId) ?? this.conversations.get(conversationId),
      cycles: new Set(),
    };
  }

  knowsConversation(conversationId: string): boolean {
    return (
      this.pending.conversations.has(conversationId) ||
      this.inFlight.has(conversationId) ||
      this.conversations.has(conversationId)
    );
  }

  /** Every conversation of an organization in memory (some may be in it more than once, at different states). */
  conversationsOf(organizationId: string): ConversationProjection[] {
    const all = [
      ...this.conversations.values(),
      ...this.inFlight.values(),
      ...[...this.pending.conversations.values()].map((entry) => entry.projection),
    ];
    return all.filter((projection) => projection.organization_id === organizationId);
  }

  /** A ticket at its newest, changed or as the tables hold it (undefined: not known). */
  ticket(ticketId: string): ProjectedTicket | undefined {
    return this.pending.tickets.get(ticketId) ?? this.tickets.get(ticketId) ?? undefined;
  }

  knowsTicket(ticketId: string): boolean {
    return this.pending.tickets.has(ticketId) || this.tickets.has(ticketId);
  }

  policiesOf(organizationId: string): PolicyVersion[] {
    return this.policies.get(organizationId) ?? [];
  }

  /** An organization's time zone; UTC until its OrganizationCreated is projected. */
  zoneOf(organizationId: string): string {
    return this.zones.get(organizationId) ?? 'UTC';
  }
}
