import type { Channel, Priority, SlaPolicyData } from '@livedesk/contracts';
import { BusinessCalendar } from './business-calendar.js';

/** The targets of a policy, in seconds; an absent target is not checked. */
export interface SlaTargets {
  queue_seconds?: number | undefined;
  first_response_seconds?: number | undefined;
  next_response_seconds?: number | undefined;
  resolution_seconds?: number | undefined;
}

/** The policy that applies to a cycle: its targets, and its calendar (null: 24/7). */
export interface ResolvedPolicy {
  policy_id: string;
  /** the version of the policy's stream that defined it (0 for the built-in default) */
  policy_version: number;
  targets: SlaTargets;
  calendar: BusinessCalendar | null;
}

/** One stored definition of a policy: what it says for cycles starting from `effective_from`; null = removed. */
export interface PolicyVersion {
  policy_id: string;
  /** the policy stream's version of the event: a later write wins over an earlier one */
  version: number;
  effective_from: number;
  definition: {
    position: number;
    match: SlaPolicyData['match'];
    targets: SlaTargets;
    calendar: BusinessCalendar | null;
  } | null;
}

export const DEFAULT_POLICY_ID = 'default';

const DEFAULT_CHAT: SlaTargets = { queue_seconds: 45, first_response_seconds: 60, next_response_seconds: 30 };
const DEFAULT_MESSAGING: SlaTargets = { queue_seconds: 45, first_response_seconds: 1800, next_response_seconds: 1800 };

/**
 * The defaults of docs/metrics.md, for cycles no policy matches: queue 45 s, first response 60 s,
 * next response 30 s, 24/7; the asynchronous `messaging` channel answers in 30 minutes.
 */
export function defaultPolicy(channel: Channel): ResolvedPolicy {
  return {
    policy_id: DEFAULT_POLICY_ID,
    policy_version: 0,
    targets: channel === 'messaging' ? DEFAULT_MESSAGING : DEFAULT_CHAT,
    calendar: null,
  };
}

export interface CycleToMatch {
  started_at: Date;
  group_id: string;
  channel: Channel;
  priority: Priority;
}

/**
 * The policy of a cycle. For each policy, the definition that applies is the one written last
 * (highest version) among those effective at the cycle's start, so a policy changed "from
 * March 1st" re-evaluates March's cycles and leaves February's alone; policies are then tried
 * by position (then id), and the first whose conditions all hold applies. None: the default.
 */
export function policyFor(versions: readonly PolicyVersion[], cycle: CycleToMatch): ResolvedPolicy {
  const startedAt = cycle.started_at.getTime();
  const current = new Map<string, PolicyVersion>();
  for (const version of versions) {
    if (version.effective_from > startedAt) continue;
    const known = current.get(version.policy_id);
    if (!known || version.version > known.version) current.set(version.policy_id, version);
  }
  const candidates = [...current.values()]
    .filter((version) => version.definition !== null)
    .sort((a, b) => a.definition!.position - b.definition!.position || a.policy_id.localeCompare(b.policy_id));
  for (const version of candidates) {
    const { match, targets, calendar } = version.definition!;
    if (
      matches(match.group_ids, cycle.group_id) &&
      matches(match.channels, cycle.channel) &&
      matches(match.priorities, cycle.priority)
    ) {
      return { policy_id: version.policy_id, policy_version: version.version, targets, calendar };
    }
  }
  return defaultPolicy(cycle.channel);
}

/** An absent or empty condition matches anything. */
function matches<T>(allowed: readonly T[] | undefined, value: T): boolean {
  return allowed === undefined || allowed.length === 0 || allowed.includes(value);
}

/** A stored policy definition as the matcher uses it (the calendar parsed once, so its compiled form is cached). */
export function toPolicyVersion(
  policyId: string,
  version: number,
  effectiveFrom: Date,
  policy: SlaPolicyData | null,
): PolicyVersion {
  return {
    policy_id: policyId,
    version,
    effective_from: effectiveFrom.getTime(),
    definition: policy && {
      position: policy.position,
      match: policy.match,
      targets: policy.targets,
      calendar: policy.calendar ? BusinessCalendar.parse(policy.calendar) : null,
    },
  };
}
