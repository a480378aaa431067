import { DomainError, type SlaEvent } from '@livedesk/contracts';
import type { Decider } from '@livedesk/event-store';

/** The events of a policy's stream `slapolicy-<organization>:<policy>`. */
export type SlaPolicyEvent = Extract<SlaEvent, { type: 'SlaPolicySet' | 'SlaPolicyRemoved' }>;
type PolicySet = Extract<SlaPolicyEvent, { type: 'SlaPolicySet' }>['data'];

export type SlaPolicyCommand =
  /** Set the definition, for cycles from `effectiveFrom` (default: now). */
  | { kind: 'set'; policyId: string; policy: PolicySet['policy']; effectiveFrom: string | undefined; now: string }
  | { kind: 'remove'; policyId: string; now: string };

export interface SlaPolicyState {
  /** The stream has events: the policy was set at some point. */
  exists: boolean;
  /** The definition in force, unless the last change removed it. */
  current: PolicySet | undefined;
}

/** Decides the changes of one SLA policy (docs/metrics.md, SLA). */
export const slaPolicyDecider: Decider<SlaPolicyCommand, SlaPolicyEvent, SlaPolicyState> = {
  initialState: { exists: false, current: undefined },
  decide(command, state) {
    if (command.kind === 'set') {
      const { current } = state;
      // The same definition again (a retried request) changes nothing.
      const same = current !== undefined && JSON.stringify(current.policy) === JSON.stringify(command.policy);
      if (same && (command.effectiveFrom === undefined || command.effectiveFrom === current.effective_from)) return [];
      return [
        {
          type: 'SlaPolicySet',
          data: {
            policy_id: command.policyId,
            effective_from: command.effectiveFrom ?? command.now,
            policy: command.policy,
          },
        },
      ];
    }
    if (!state.exists) throw new DomainError('not_found', 'policy_not_found', `no SLA policy "${command.policyId}"`);
    return [{ type: 'SlaPolicyRemoved', data: { policy_id: command.policyId, effective_from: command.now } }];
  },
  evolve(_state, event) {
    return { exists: true, current: event.type === 'SlaPolicySet' ? event.data : undefined };
  },
};
