import type { Kysely } from 'kysely';
import type { Window } from '../domain/local-windows.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import type { TimeBasis } from './time-basis.js';

export interface SlaMiss {
  conversation_id: string;
  cycle: number;
  target: string;
  exchange: number;
  group_id: string;
  agent_id: string | null;
  policy_id: string;
  target_seconds: number;
  business: boolean;
  due_at: Date;
  breached_at: Date;
  breach_seconds: number | null;
}

/**
 * The SLA targets breached in the window (metrics.sla_outcomes, status missed, by breached_at),
 * in the order they were breached; the breach amount in the chosen basis, null while the cycle
 * is still open (a live breach keeps growing until the target is met or the cycle ends).
 */
export async function slaMisses(
  db: Kysely<MetricsDatabase>,
  organizationId: string,
  window: Window,
  time: TimeBasis,
): Promise<SlaMiss[]> {
  const rows = await db
    .selectFrom('metrics.sla_outcomes')
    .select([
      'conversation_id',
      'cycle',
      'target',
      'exchange',
      'group_id',
      'agent_id',
      'policy_id',
      'target_seconds',
      'business',
      'due_at',
      'breached_at',
      time === 'business' ? 'breach_business_seconds as breach_seconds' : 'breach_seconds',
    ])
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'missed')
    .where('breached_at', '>=', window.from)
    .where('breached_at', '<', window.to)
    .orderBy('breached_at')
    .orderBy('conversation_id')
    .orderBy('cycle')
    .orderBy('target')
    .execute();
  return rows.map((row) => ({ ...row, breached_at: row.breached_at! }));
}
