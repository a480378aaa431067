import type { Kysely } from 'kysely';
import { policyFor } from '../domain/sla-policy.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { storedPolicyVersion } from '../projection/stored-policy.js';

export interface QueueTarget {
  policy_id: string;
  queue_target_seconds: number;
}

/** docs/metrics.md's default queue target, for a policy that sets none. */
export const DEFAULT_QUEUE_TARGET_SECONDS = 45;

/**
 * The queue target staffing plans for: the one of the SLA policy that applies now to a chat of
 * normal priority in the group (docs/metrics.md, SLA: policies match by group, channel, priority).
 * Without a group, a policy that names groups matches nothing, so the organization-wide policy
 * (or the default) applies.
 */
export async function queueTarget(
  db: Kysely<MetricsDatabase>,
  organizationId: string,
  groupId: string | null,
  now: Date,
): Promise<QueueTarget> {
  const rows = await db
    .selectFrom('metrics.sla_policies')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('version')
    .execute();
  const versions = rows.map(storedPolicyVersion);
  const policy = policyFor(versions, { started_at: now, group_id: groupId ?? '', channel: 'chat', priority: 'normal' });
  return {
    policy_id: policy.policy_id,
    queue_target_seconds: policy.targets.queue_seconds ?? DEFAULT_QUEUE_TARGET_SECONDS,
  };
}
