import type { PolicyVersion } from '../domain/sla-policy.js';
import type { ChangedCycles, ConversationProjection } from './conversation-projection.js';
import { LruMap } from './lru-map.js';
import type { AgentStatusIntervalsRow } from './metrics-tables.js';
import { PendingChanges } from './pending-changes.js';
import type { ProjectedTicket } from './ticket-rows.js';

/** Conversations and tickets kept between batches at the most (the least recently used go first). */
const CAPACITY = 100_000;

/**
 * What the metrics projector remembers between batches: what it read from or wrote to the
 * tables (so that a batch reads only what it has not seen), and what changed since the last
 * flush (`pending`). Only one projector writes at a time (the leader); whenever it may have
 * missed writes, `reset` forgets everything.
 */
export class ProjectorMemory {
  /** conversations as the tables hold them */
  readonly conversations = new LruMap<string, ConversationProjection>(CAPACITY);
  /** conversations of a flush being written: newer than the database, until it commits */
  inFlight = new Map<string, ConversationProjection>();
  /** organization id → its SLA policies' versions, in order */
  readonly policies = new Map<string, PolicyVersion[]>();
  /** organization id → its time zone (undefined: not known yet) */
  readonly zones = new Map<string, string | undefined>();
  /** agent id → their open status interval (null: no status known yet) */
  readonly openIntervals = new Map<string, AgentStatusIntervalsRow | null>();
  /** ticket id → the ticket (null: not known to the tables) */
  readonly tickets = new LruMap<string, ProjectedTicket | null>(CAPACITY);
  pending = new PendingChanges();

  /**
   * The tables held nothing when the memory was last reset (a rebuild truncated them), so
   * whatever is not in memory does not exist yet: nothing needs reading, as long as no
   * conversation or ticket was forgotten for room since.
   */
  private tablesWereEmpty = false;

  /** Forgets everything; `tablesEmpty`: the caller has just emptied the tables (a rebuild). */
  reset(tablesEmpty: boolean): void {
    this.tablesWereEmpty = tablesEmpty;
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

  /** Whether something missing from memory is certainly missing from the tables too. */
  get holdsAllRows(): boolean {
    return this.tablesWereEmpty && this.conversations.evictions === 0 && this.tickets.evictions === 0;
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
