import { SlaPolicyData } from '@livedesk/contracts';
import { toPolicyVersion, type PolicyVersion } from '../domain/sla-policy.js';
import type { SlaPoliciesRow } from './metrics-tables.js';

/**
 * A row of `metrics.sla_policies` as `policyFor` takes it (a removal: no definition). Stored from
 * validated SlaPolicySet events; parsed again because jsonb comes back untyped.
 */
export function storedPolicyVersion(row: SlaPoliciesRow): PolicyVersion {
  const definition = row.removed
    ? null
    : SlaPolicyData.parse({
        name: row.name,
        position: row.position,
        match: row.match,
        targets: row.targets,
        calendar: row.calendar,
      });
  return toPolicyVersion(row.policy_id, row.version, row.effective_from, definition);
}
