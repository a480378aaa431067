import type { Kysely } from 'kysely';
import { decodeState } from './conversation-projection.js';
import type { DecodedEvent } from './decoded-event.js';
import type { MetricsDatabase } from './metrics-tables.js';
import type { ProjectorMemory } from './projector-memory.js';
import { storedPolicyVersion } from './stored-policy.js';
import { ticketOfRow } from './ticket-rows.js';

/**
 * Reads into memory what the events need and it lacks: their conversations and tickets, the
 * SLA policies and time zones of their organizations, agents' open status intervals. After a
 * rebuild emptied the tables, only conversations and tickets memory forgot for room since are
 * read: whatever else memory lacks does not exist yet.
 */
export async function loadMissing(
  memory: ProjectorMemory,
  db: Kysely<MetricsDatabase>,
  decoded: readonly DecodedEvent[],
): Promise<void> {
  if (memory.startedEmpty) {
    let previousOrg: string | undefined;
    for (const item of decoded) {
      const org = item.recorded.organizationId;
      // Events of one organization often follow each other: its entries are there already.
      if (org !== previousOrg) {
        previousOrg = org;
        if (!memory.policies.has(org)) memory.policies.set(org, []);
        if (!memory.zones.has(org)) memory.zones.set(org, undefined);
      }
      if (
        item.category === 'agent' &&
        item.event.type === 'AgentStatusChanged' &&
        !memory.openIntervals.has(item.event.data.agent_id)
      ) {
        memory.openIntervals.set(item.event.data.agent_id, null);
      }
    }
    // Nothing forgotten for room since: what memory lacks, the tables lack too.
    if (!memory.forgotAny) return;
  }
  const conversations = new Set<string>();
  const tickets = new Set<string>();
  const organizations = new Set<string>();
  const agents = new Set<string>();
  for (const item of decoded) {
    const org = item.recorded.organizationId;
    if (!memory.policies.has(org) || !memory.zones.has(org)) organizations.add(org);
    if (item.category === 'conversation') {
      if (memory.mustReadConversation(item.id)) conversations.add(item.id);
    } else if (item.category === 'sla' && 'conversation_id' in item.event.data) {
      if (memory.mustReadConversation(item.event.data.conversation_id))
        conversations.add(item.event.data.conversation_id);
    } else if (
      item.category === 'agent' &&
      item.event.type === 'AgentStatusChanged' &&
      !memory.openIntervals.has(item.event.data.agent_id)
    ) {
      agents.add(item.event.data.agent_id);
    } else if (item.category === 'ticket' && memory.mustReadTicket(item.id)) {
      tickets.add(item.id);
    }
  }
  await loadConversations(memory, db, [...conversations]);
  await loadTickets(memory, db, [...tickets]);
  await loadOrganizations(memory, db, [...organizations]);
  await loadOpenIntervals(memory, db, [...agents]);
}

/** Conversations as the tables hold them (one the tables lack stays unknown: it starts with this batch). */
export async function loadConversations(
  memory: ProjectorMemory,
  db: Kysely<MetricsDatabase>,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db
    .selectFrom('metrics.projection_conversations')
    .selectAll()
    .where('conversation_id', 'in', ids)
    .execute();
  for (const row of rows) memory.conversations.set(row.conversation_id, decodeState(row, row.state));
}

/** Tickets as the tables hold them; one the tables lack is remembered as such (null). */
export async function loadTickets(
  memory: ProjectorMemory,
  db: Kysely<MetricsDatabase>,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db.selectFrom('metrics.tickets').selectAll().where('ticket_id', 'in', ids).execute();
  for (const id of ids) memory.tickets.set(id, null);
  for (const row of rows) memory.tickets.set(row.ticket_id, ticketOfRow(row));
}

async function loadOrganizations(
  memory: ProjectorMemory,
  db: Kysely<MetricsDatabase>,
  orgs: readonly string[],
): Promise<void> {
  if (orgs.length === 0) return;
  const [policyRows, zoneRows] = await Promise.all([
    db.selectFrom('metrics.sla_policies').selectAll().where('organization_id', 'in', orgs).orderBy('version').execute(),
    db
      .selectFrom('metrics.organizations')
      .select(['organization_id', 'time_zone'])
      .where('organization_id', 'in', orgs)
      .execute(),
  ]);
  for (const org of orgs) {
    if (!memory.policies.has(org)) memory.policies.set(org, []);
    if (!memory.zones.has(org)) memory.zones.set(org, undefined);
  }
  for (const row of policyRows) memory.policies.get(row.organization_id)!.push(storedPolicyVersion(row));
  for (const row of zoneRows) memory.zones.set(row.organization_id, row.time_zone);
}

async function loadOpenIntervals(
  memory: ProjectorMemory,
  db: Kysely<MetricsDatabase>,
  agents: readonly string[],
): Promise<void> {
  if (agents.length === 0) return;
  const open = await db
    .selectFrom('metrics.agent_status_intervals')
    .selectAll()
    .where('agent_id', 'in', agents)
    .where('ended_at', 'is', null)
    .execute();
  for (const agent of agents) memory.openIntervals.set(agent, null);
  for (const row of open) memory.openIntervals.set(row.agent_id, row);
}
