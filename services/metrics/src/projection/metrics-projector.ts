import { sql, type Transaction } from 'kysely';
import { allEvents, streamCategory, type AgentEvent, type ConversationEvent, type OrganizationEvent, type SlaEvent } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';
import type { CycleFacts } from '../domain/cycle-facts.js';
import { policyFor, toPolicyVersion, type PolicyVersion } from '../domain/sla-policy.js';
import {
  decodeState,
  encodeState,
  foldConversationEvent,
  foldSlaAlert,
  type ChangedCycles,
  type ConversationProjection,
  type StoredProjectionState,
} from './conversation-projection.js';
import { rowsOfCycle, type CycleRows } from './cycle-rows.js';
import { DerivedKeys } from './derived-keys.js';
import { recomputeDerived } from './derived-tables.js';
import { LruMap } from './lru-map.js';
import type { AgentStatusIntervalsRow, MetricsDatabase, SlaPoliciesRow } from './metrics-tables.js';
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
  | { category: 'organization'; recorded: RecordedEvent; event: OrganizationEvent };

const PROJECTED = new Set(['conversation', 'sla', 'slapolicy', 'agent', 'organization']);

/** A conversation changed in the batch, with its projection before the batch (undefined: new). */
interface ChangedConversation {
  projection: ConversationProjection;
  cycles: ChangedCycles;
}

/**
 * The metrics projection: one batch of events in, every metrics table brought up to date in the
 * batch's transaction. Live consumption (a JetStream batch subscription) and rebuild (a replay
 * of the event store) both call `apply`, so they write the same rows. It keeps what it read in
 * memory between batches; only one projector writes at a time (the leader), and `reset` is
 * called whenever it may have missed writes (it became the leader, the tables were rebuilt).
 */
export class MetricsProjector {
  private readonly conversations = new LruMap<string, ConversationProjection>(50_000);
  private readonly policies = new Map<string, PolicyVersion[]>();
  private readonly zones = new Map<string, string | undefined>();
  /** agent id → their open status interval (null: no status known yet) */
  private readonly openIntervals = new LruMap<string, AgentStatusIntervalsRow | null>(50_000);

  reset(): void {
    this.conversations.clear();
    this.policies.clear();
    this.zones.clear();
    this.openIntervals.clear();
  }

  async apply(events: readonly RecordedEvent[], trx: Transaction<MetricsDatabase>): Promise<void> {
    const decoded = events.flatMap(decode);
    if (decoded.length === 0) return;
    await this.load(trx, decoded);

    const changed = new Map<string, ChangedConversation>();
    const keys = new DerivedKeys();
    const intervals = new Map<string, AgentStatusIntervalsRow>();
    const policyRows: SlaPoliciesRow[] = [];
    const policyChanges: { organizationId: string; from: number }[] = [];
    const policiesBefore = new Map<string, PolicyVersion[]>();
    const organizations: { organization_id: string; name: string; time_zone: string }[] = [];

    for (const item of decoded) {
      const { recorded } = item;
      switch (item.category) {
        case 'conversation':
          this.foldConversation(recorded, item.event, changed);
          break;
        case 'sla':
          this.foldAlert(recorded, item.event, changed);
          break;
        case 'slapolicy': {
          const row = policyRow(recorded, item.event);
          if (!row) break;
          const org = recorded.organizationId;
          if (!policiesBefore.has(org)) policiesBefore.set(org, this.policies.get(org) ?? []);
          this.policies.set(org, [...(this.policies.get(org) ?? []), toPolicyVersion(row.policy_id, row.version, row.effective_from, row.removed ? null : policyData(row))]);
          policyRows.push(row);
          policyChanges.push({ organizationId: org, from: row.effective_from.getTime() });
          break;
        }
        case 'agent':
          this.foldStatus(recorded, item.event, intervals, keys);
          break;
        case 'organization': {
          if (item.event.type !== 'OrganizationCreated') break;
          const { organization_id, name, time_zone } = item.event.data;
          organizations.push({ organization_id, name, time_zone });
          this.zones.set(organization_id, time_zone);
          break;
        }
      }
    }

    await this.writeOrganizations(trx, organizations, keys);
    for (const change of policyChanges) await this.markPolicyChange(trx, change.organizationId, change.from, changed);

    const cycleRows: CycleRows[] = [];
    const replaced: { conversation_id: string; cycle: number }[] = [];
    for (const { projection, cycles } of changed.values()) {
      const org = projection.organization_id;
      const zone = this.zoneOf(org);
      const oldPolicies = policiesBefore.get(org) ?? this.policies.get(org) ?? [];
      const newPolicies = this.policies.get(org) ?? [];
      for (const [number, before] of cycles) {
        const facts = projection.cycles.find((cycle) => cycle.cycle === number)!;
        if (before) {
          // The rows it had: their derived keys are dirty too (a count may move out of them).
          keys.addCycle(rowsOfCycle(projection, before, policyFor(oldPolicies, toMatch(projection, before))), zone);
          replaced.push({ conversation_id: projection.conversation_id, cycle: number });
        }
        const rows = rowsOfCycle(projection, facts, policyFor(newPolicies, toMatch(projection, facts)));
        keys.addCycle(rows, zone);
        cycleRows.push(rows);
      }
    }

    await upsertRows(trx, 'metrics.conversation_cycles', cycleRows.map((rows) => rows.cycle), ['conversation_id', 'cycle']);
    for (const table of ['metrics.responses', 'metrics.agent_assignments', 'metrics.sla_outcomes', 'metrics.ratings', 'metrics.projection_timers'] as const) {
      await deleteCycles(trx, table, replaced);
    }
    await insertRows(trx, 'metrics.responses', cycleRows.flatMap((rows) => rows.responses));
    await insertRows(trx, 'metrics.agent_assignments', cycleRows.flatMap((rows) => rows.assignments));
    await insertRows(trx, 'metrics.sla_outcomes', cycleRows.flatMap((rows) => rows.outcomes));
    await insertRows(trx, 'metrics.ratings', cycleRows.flatMap((rows) => rows.ratings));
    await insertRows(trx, 'metrics.projection_timers', cycleRows.flatMap((rows) => rows.timers));
    await upsertRows(
      trx,
      'metrics.projection_conversations',
      [...changed.values()].map(({ projection }) => ({
        organization_id: projection.organization_id,
        conversation_id: projection.conversation_id,
        channel: projection.channel,
        customer_id: projection.customer_id,
        stream_version: projection.stream_version,
        state: encodeState(projection),
      })),
      ['conversation_id'],
    );
    await upsertRows(trx, 'metrics.agent_status_intervals', [...intervals.values()], ['agent_id', 'stream_version']);
    await insertRows(trx, 'metrics.sla_policies', policyRows);
    if (keys.size > 0) await recomputeDerived(trx, keys);
    for (const { projection } of changed.values()) this.conversations.set(projection.conversation_id, projection);
  }

  private foldConversation(recorded: RecordedEvent, event: ConversationEvent, changed: Map<string, ChangedConversation>): void {
    const conversationId = recorded.streamId.slice('conversation-'.length);
    const entry = changed.get(conversationId);
    const projection = entry?.projection ?? this.conversations.get(conversationId);
    const cycles = entry?.cycles ?? new Map();
    const fact = { ...event, occurredAt: recorded.occurredAt, version: recorded.streamVersion, organizationId: recorded.organizationId, conversationId } as Parameters<typeof foldConversationEvent>[1];
    const next = foldConversationEvent(projection, fact, cycles);
    if (!next) return;
    changed.set(conversationId, { projection: next, cycles });
  }

  private foldAlert(recorded: RecordedEvent, event: SlaEvent, changed: Map<string, ChangedConversation>): void {
    if (event.type !== 'SlaWarningIssued' && event.type !== 'SlaBreached') return;
    const conversationId = event.data.conversation_id;
    const entry = changed.get(conversationId);
    const projection = entry?.projection ?? this.conversations.get(conversationId);
    if (!projection) return;
    const cycles = entry?.cycles ?? new Map();
    const next = foldSlaAlert(projection, { ...event, occurredAt: recorded.occurredAt }, cycles);
    if (next !== projection) changed.set(conversationId, { projection: next, cycles });
  }

  private foldStatus(recorded: RecordedEvent, event: AgentEvent, intervals: Map<string, AgentStatusIntervalsRow>, keys: DerivedKeys): void {
    if (event.type !== 'AgentStatusChanged') return;
    const { agent_id: agentId, to, reason } = event.data;
    const at = recorded.occurredAt;
    const open = this.openIntervals.get(agentId);
    if (open) {
      const closed = { ...open, ended_at: at, seconds: Math.max(0, at.getTime() - open.started_at.getTime()) / 1000 };
      intervals.set(`${agentId}\u0000${open.stream_version}`, closed);
      keys.addSpan(recorded.organizationId, agentId, open.started_at, at, this.zoneOf(recorded.organizationId));
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
    intervals.set(`${agentId}\u0000${recorded.streamVersion}`, next);
    this.openIntervals.set(agentId, next);
  }

  /** A policy changed from `from` on: every cycle of the organization started since is judged again. */
  private async markPolicyChange(trx: Transaction<MetricsDatabase>, organizationId: string, from: number, changed: Map<string, ChangedConversation>): Promise<void> {
    const { rows } = await sql<{ conversation_id: string }>`
      SELECT DISTINCT conversation_id FROM metrics.conversation_cycles
       WHERE organization_id = ${organizationId} AND started_at >= ${new Date(from)}`.execute(trx);
    const ids = new Set(rows.map((row) => row.conversation_id));
    for (const projection of this.conversations.values()) {
      if (projection.organization_id === organizationId) ids.add(projection.conversation_id);
    }
    for (const entry of changed.values()) {
      if (entry.projection.organization_id === organizationId) ids.add(entry.projection.conversation_id);
    }
    await this.loadConversations(trx, [...ids].filter((id) => !changed.has(id) && !this.conversations.has(id)));
    for (const id of ids) {
      const entry = changed.get(id) ?? { projection: this.conversations.get(id)!, cycles: new Map() };
      if (!entry.projection) continue;
      for (const facts of entry.projection.cycles) {
        if (facts.started_at.getTime() >= from && !entry.cycles.has(facts.cycle)) entry.cycles.set(facts.cycle, facts);
      }
      if (entry.cycles.size > 0) changed.set(id, entry);
    }
  }

  private async writeOrganizations(
    trx: Transaction<MetricsDatabase>,
    organizations: { organization_id: string; name: string; time_zone: string }[],
    keys: DerivedKeys,
  ): Promise<void> {
    if (organizations.length === 0) return;
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

  /** Reads what the batch needs and the memory lacks: conversations, policies and zones of its organizations, agents' open intervals. */
  private async load(trx: Transaction<MetricsDatabase>, decoded: Decoded[]): Promise<void> {
    const conversations = new Set<string>();
    const organizations = new Set<string>();
    const agents = new Set<string>();
    for (const item of decoded) {
      organizations.add(item.recorded.organizationId);
      if (item.category === 'conversation') conversations.add(item.recorded.streamId.slice('conversation-'.length));
      else if (item.category === 'sla' && 'conversation_id' in item.event.data) conversations.add(item.event.data.conversation_id);
      else if (item.category === 'agent' && item.event.type === 'AgentStatusChanged') agents.add(item.event.data.agent_id);
    }
    await this.loadConversations(trx, [...conversations].filter((id) => !this.conversations.has(id)));
    const unknownOrgs = [...organizations].filter((org) => !this.policies.has(org));
    if (unknownOrgs.length > 0) {
      const policyRows = await trx.selectFrom('metrics.sla_policies').selectAll().where('organization_id', 'in', unknownOrgs).orderBy('version').execute();
      for (const org of unknownOrgs) this.policies.set(org, []);
      for (const row of policyRows) {
        this.policies.get(row.organization_id)!.push(toPolicyVersion(row.policy_id, row.version, row.effective_from, row.removed ? null : policyData(row)));
      }
    }
    const unzoned = [...organizations].filter((org) => !this.zones.has(org));
    if (unzoned.length > 0) {
      const zoneRows = await trx.selectFrom('metrics.organizations').select(['organization_id', 'time_zone']).where('organization_id', 'in', unzoned).execute();
      for (const org of unzoned) this.zones.set(org, undefined);
      for (const row of zoneRows) this.zones.set(row.organization_id, row.time_zone);
    }
    const unknownAgents = [...agents].filter((agent) => !this.openIntervals.has(agent));
    if (unknownAgents.length > 0) {
      const open = await trx
        .selectFrom('metrics.agent_status_intervals')
        .selectAll()
        .where('agent_id', 'in', unknownAgents)
        .where('ended_at', 'is', null)
        .execute();
      for (const agent of unknownAgents) this.openIntervals.set(agent, null);
      for (const row of open) this.openIntervals.set(row.agent_id, row);
    }
  }

  private async loadConversations(trx: Transaction<MetricsDatabase>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await trx.selectFrom('metrics.projection_conversations').selectAll().where('conversation_id', 'in', ids).execute();
    for (const row of rows) this.conversations.set(row.conversation_id, decodeState(row, row.state as StoredProjectionState));
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

function policyData(row: SlaPoliciesRow) {
  return { name: row.name ?? '', position: row.position ?? 0, match: row.match as never, targets: row.targets as never, calendar: row.calendar as never };
}
