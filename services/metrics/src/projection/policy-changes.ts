import { sql, type Kysely } from 'kysely';
import type { SlaEvent } from '@livedesk/contracts';
import type { RecordedEvent } from '@livedesk/event-store';
import { loadConversations, loadTickets } from './load-missing.js';
import type { MetricsDatabase, SlaPoliciesRow } from './metrics-tables.js';
import type { ProjectorMemory } from './projector-memory.js';
import { storedPolicyVersion } from './stored-policy.js';

/**
 * An SLA policy was set or removed (`slapolicy-<org>`): the organization's policies gain a
 * version, stored as a row, and every cycle and ticket it may judge differently is judged again.
 * The caller makes sure no flush is in flight (the database then has every cycle not in memory).
 */
export async function foldPolicyChange(
  memory: ProjectorMemory,
  db: Kysely<MetricsDatabase>,
  recorded: RecordedEvent,
  event: SlaEvent,
): Promise<void> {
  const row = policyRow(recorded, event);
  if (!row) return;
  const org = recorded.organizationId;
  memory.policies.set(org, [...memory.policiesOf(org), storedPolicyVersion(row)]);
  memory.pending.policyRows.push(row);
  await judgeAgainFrom(memory, db, org, row.effective_from.getTime());
}

/**
 * A policy changed from `from` on: every cycle of the organization started since, and every
 * ticket created since (tickets count their business seconds in their policy's calendar too),
 * becomes pending, its rows to be computed again.
 */
async function judgeAgainFrom(
  memory: ProjectorMemory,
  db: Kysely<MetricsDatabase>,
  organizationId: string,
  from: number,
): Promise<void> {
  const { rows } = await sql<{ conversation_id: string }>`
    SELECT DISTINCT conversation_id FROM metrics.conversation_cycles
     WHERE organization_id = ${organizationId} AND started_at >= ${new Date(from)}`.execute(db);
  const ids = new Set(rows.map((row) => row.conversation_id));
  for (const projection of memory.conversationsOf(organizationId)) ids.add(projection.conversation_id);
  await loadConversations(
    memory,
    db,
    [...ids].filter((id) => !memory.knowsConversation(id)),
  );
  for (const id of ids) {
    const { projection, cycles } = memory.conversation(id);
    if (!projection) continue;
    for (const facts of projection.cycles) {
      if (facts.started_at.getTime() >= from) cycles.add(facts.cycle);
    }
    if (cycles.size > 0) memory.pending.conversations.set(id, { projection, cycles });
  }
  const tickets = await db
    .selectFrom('metrics.tickets')
    .select('ticket_id')
    .where('organization_id', '=', organizationId)
    .where('created_at', '>=', new Date(from))
    .execute();
  await loadTickets(
    memory,
    db,
    tickets.map((row) => row.ticket_id).filter((id) => !memory.knowsTicket(id)),
  );
  for (const { ticket_id } of tickets) {
    const ticket = memory.ticket(ticket_id);
    if (ticket) memory.pending.tickets.set(ticket_id, ticket);
  }
  for (const ticket of memory.tickets.values()) {
    if (ticket && ticket.organization_id === organizationId && ticket.facts.created_at.getTime() >= from)
      memory.pending.tickets.set(ticket.facts.ticket_id, ticket);
  }
}

/** The stored row of a policy's version (undefined: not a policy event). */
export function policyRow(recorded: RecordedEvent, event: SlaEvent): SlaPoliciesRow | undefined {
  const base = {
    organization_id: recorded.organizationId,
    version: recorded.streamVersion,
    recorded_at: recorded.occurredAt,
  };
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
    return {
      ...base,
      policy_id: event.data.policy_id,
      effective_from: new Date(event.data.effective_from),
      removed: true,
      name: null,
      position: null,
      match: null,
      targets: null,
      calendar: null,
    };
  }
  return undefined;
}
