import { sql, type Transaction } from 'kysely';
import type { CycleFacts } from '../domain/cycle-facts.js';
import { policyFor } from '../domain/sla-policy.js';
import { encodeState, withChanges, type ConversationProjection } from './conversation-projection.js';
import { rowsOfCycle, type CycleRows } from './cycle-rows.js';
import { keysOfCycle, type DerivedKeys } from './derived-keys.js';
import { markDirty } from './derived-tables.js';
import type {
  AgentStatusIntervalsRow,
  AgentsRow,
  GroupsRow,
  ConversationTagsRow,
  MetricsDatabase,
  OrganizationsRow,
  ProjectionConversationsRow,
  SlaPoliciesRow,
  TicketsRow,
} from './metrics-tables.js';
import type { ProjectorMemory } from './projector-memory.js';
import type { InsertRows } from './copy-rows.js';
import { ticketRow } from './ticket-rows.js';
import { deleteCycles, insertRows, upsertRows } from './write-rows.js';

/** Every row of a flush, computed from what changed since the last one; `writeFlushPlan` stores them. */
export interface FlushPlan {
  organizations: OrganizationsRow[];
  agents: AgentsRow[];
  groups: GroupsRow[];
  /** the rows of every changed cycle */
  cycleRows: CycleRows[];
  /** cycles written before, whose old rows go first */
  replaced: { organization_id: string; conversation_id: string; cycle: number }[];
  /** the changed conversations' states, to fold their next events on */
  states: ProjectionConversationsRow[];
  /**
   * more states, of conversations the tables certainly lack: a rebuild's memory, which started
   * from empty tables, neither holds them nor forgot them for room (a copy may insert them)
   */
  newStates: ProjectionConversationsRow[];
  intervals: AgentStatusIntervalsRow[];
  tickets: TicketsRow[];
  policyRows: SlaPoliciesRow[];
  /** tags put on conversations (or put on again) */
  tags: ConversationTagsRow[];
  /** tags taken off conversations */
  untagged: { organization_id: string; conversation_id: string; tag: string }[];
  /** the derived tables' rows the old and new rows count in */
  keys: DerivedKeys;
}

/**
 * Takes the memory's pending changes and computes their rows. The conversations' new states go
 * in flight (the memory's `inFlight`) until the write commits; the tickets' are remembered at
 * once.
 */
export function planFlush(memory: ProjectorMemory): FlushPlan {
  const pending = memory.takePending();
  const keys = pending.keys;
  const cycleRows: CycleRows[] = [];
  const replaced: FlushPlan['replaced'] = [];
  const states: ProjectionConversationsRow[] = [];
  const newStates: ProjectionConversationsRow[] = [];
  for (const entry of pending.conversations.values()) {
    const org = entry.projection.organization_id;
    const zone = memory.zoneOf(org);
    const policies = memory.policiesOf(org);
    const derived = { ...entry.projection.derived_keys };
    for (const number of entry.cycles) {
      const facts = entry.projection.cycles.find((cycle) => cycle.cycle === number)!;
      const before = derived[number];
      if (before) {
        // Written before: its old rows go, and the derived rows they counted in are dirty too.
        keys.addAll(before);
        replaced.push({ organization_id: org, conversation_id: entry.projection.conversation_id, cycle: number });
      }
      const rows = rowsOfCycle(entry.projection, facts, policyFor(policies, toMatch(entry.projection, facts)));
      derived[number] = keysOfCycle(rows, zone);
      keys.addAll(derived[number]);
      cycleRows.push(rows);
    }
    const projection = withChanges(entry.projection, { derived_keys: derived });
    (memory.mayStoreConversation(projection.conversation_id) ? states : newStates).push({
      organization_id: org,
      conversation_id: projection.conversation_id,
      channel: projection.channel,
      customer_id: projection.customer_id,
      stream_version: projection.stream_version,
      state: encodeState(projection),
    });
    memory.inFlight.set(projection.conversation_id, projection);
  }
  const tickets = [...pending.tickets.values()].map((ticket) =>
    ticketRow(ticket, memory.policiesOf(ticket.organization_id)),
  );
  for (const ticket of pending.tickets.values()) memory.tickets.set(ticket.facts.ticket_id, ticket);
  return {
    organizations: [...pending.organizations.values()],
    agents: [...pending.agents.values()],
    groups: [...pending.groups.values()],
    cycleRows,
    replaced,
    states,
    newStates,
    intervals: [...pending.intervals.values()],
    tickets,
    policyRows: pending.policyRows,
    tags: [...pending.tags.values()].flatMap((change) => (change.row ? [change.row] : [])),
    untagged: [...pending.tags.values()].flatMap((change) =>
      change.row
        ? []
        : [{ organization_id: change.organization_id, conversation_id: change.conversation_id, tag: change.tag }],
    ),
    keys,
  };
}

/**
 * Writes a flush's rows in the caller's transaction, and marks the derived rows they touch dirty.
 * With `copy` (a rebuild), the rows certainly new to the tables go through it (COPY,
 * copy-rows.ts): the cycles not written before with all their rows, the conversations'
 * states the tables lack, the policies' versions; what may be there already is upserted as
 * live consumption does.
 */
export async function writeFlushPlan(
  trx: Transaction<MetricsDatabase>,
  plan: FlushPlan,
  copy?: InsertRows,
): Promise<void> {
  const { cycleRows, keys } = plan;
  const insert: InsertRows = copy ?? ((table, rows) => insertRows(trx, table, rows));
  if (plan.organizations.length > 0) await writeOrganizations(trx, plan.organizations, keys);
  await upsertRows(trx, 'metrics.agents', plan.agents, ['organization_id', 'agent_id']);
  await upsertRows(trx, 'metrics.groups', plan.groups, ['organization_id', 'group_id']);
  const cycles = cycleRows.map((rows) => rows.cycle);
  if (copy) {
    // A cycle is in `replaced` exactly when it was written before (its derived keys were kept).
    const replaced = new Set(plan.replaced.map((c) => `${c.conversation_id}\u0000${c.cycle}`));
    const isReplaced = (row: (typeof cycles)[number]) => replaced.has(`${row.conversation_id}\u0000${row.cycle}`);
    await upsertRows(trx, 'metrics.conversation_cycles', replaced.size === 0 ? [] : cycles.filter(isReplaced), [
      'conversation_id',
      'cycle',
    ]);
    await copy('metrics.conversation_cycles', replaced.size === 0 ? cycles : cycles.filter((row) => !isReplaced(row)));
  } else {
    await upsertRows(trx, 'metrics.conversation_cycles', cycles, ['conversation_id', 'cycle']);
  }
  for (const table of [
    'metrics.responses',
    'metrics.agent_assignments',
    'metrics.sla_outcomes',
    'metrics.ratings',
    'metrics.projection_timers',
  ] as const) {
    await deleteCycles(trx, table, plan.replaced);
  }
  await insert(
    'metrics.responses',
    cycleRows.flatMap((rows) => rows.responses),
  );
  await insert(
    'metrics.agent_assignments',
    cycleRows.flatMap((rows) => rows.assignments),
  );
  await insert(
    'metrics.sla_outcomes',
    cycleRows.flatMap((rows) => rows.outcomes),
  );
  await insert(
    'metrics.ratings',
    cycleRows.flatMap((rows) => rows.ratings),
  );
  await insert(
    'metrics.projection_timers',
    cycleRows.flatMap((rows) => rows.timers),
  );
  if (copy) {
    await upsertRows(trx, 'metrics.projection_conversations', plan.states, ['conversation_id']);
    await copy('metrics.projection_conversations', plan.newStates);
  } else {
    await upsertRows(trx, 'metrics.projection_conversations', [...plan.states, ...plan.newStates], ['conversation_id']);
  }
  await upsertRows(trx, 'metrics.agent_status_intervals', plan.intervals, ['agent_id', 'stream_version']);
  await upsertRows(trx, 'metrics.tickets', plan.tickets, ['ticket_id']);
  await insert('metrics.sla_policies', plan.policyRows);
  await deleteTags(trx, plan.untagged);
  await upsertRows(trx, 'metrics.conversation_tags', plan.tags, ['conversation_id', 'tag']);
  // The derived rows these touch are recomputed apart, soon after (derived-tables.ts).
  await markDirty(trx, keys);
}

async function writeOrganizations(
  trx: Transaction<MetricsDatabase>,
  organizations: OrganizationsRow[],
  keys: DerivedKeys,
): Promise<void> {
  await upsertRows(trx, 'metrics.organizations', organizations, ['organization_id']);
  // Activity projected before the zone was known was counted in UTC days: count it again.
  const { rows } = await sql<{ organization_id: string }>`
    SELECT DISTINCT organization_id FROM metrics.agent_daily
     WHERE organization_id = ANY (${organizations.map((o) => o.organization_id)}::text[])`.execute(trx);
  for (const row of rows) keys.wholeOrganizations.add(row.organization_id);
}

function toMatch(projection: ConversationProjection, facts: CycleFacts) {
  return {
    started_at: facts.started_at,
    group_id: facts.group_id,
    channel: projection.channel,
    priority: facts.priority,
  };
}

async function deleteTags(
  trx: Transaction<MetricsDatabase>,
  untagged: readonly { conversation_id: string; tag: string }[],
): Promise<void> {
  if (untagged.length === 0) return;
  await sql`DELETE FROM metrics.conversation_tags t USING unnest(${untagged.map((u) => u.conversation_id)}::text[], ${untagged.map((u) => u.tag)}::text[]) AS d(conversation_id, tag)
             WHERE t.conversation_id = d.conversation_id AND t.tag = d.tag`.execute(trx);
}
