import type { Kysely } from 'kysely';
import { reportZone } from '../domain/local-windows.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';

/**
 * The zone an organization's local days and hours are counted in (metrics.organizations, from
 * OrganizationCreated), UTC until the projection has seen the organization, as the projector
 * counts agent_daily's days.
 */
export async function organizationZone(db: Kysely<MetricsDatabase>, organizationId: string): Promise<string> {
  const row = await db
    .selectFrom('metrics.organizations')
    .select('time_zone')
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return reportZone(row?.time_zone);
}
