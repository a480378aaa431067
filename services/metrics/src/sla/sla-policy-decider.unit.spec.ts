import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@livedesk/contracts';
import { slaPolicyDecider as decider, type SlaPolicyEvent, type SlaPolicyState } from './sla-policy-decider.js';

const policy = { name: 'Chats', position: 1, match: {}, targets: { first_response_seconds: 60 }, calendar: null };
const now = '2026-12-05T10:00:00.000Z';

function given(...events: SlaPolicyEvent[]): SlaPolicyState {
  return events.reduce<SlaPolicyState>(
    (state, event, i) =>
      decider.evolve(state, { ...event, eventId: `e${i}`, version: i + 1, occurredAt: new Date(now) }),
    decider.initialState,
  );
}
const set = (effective_from: string, p = policy): SlaPolicyEvent => ({
  type: 'SlaPolicySet',
  data: { policy_id: 'p1', effective_from, policy: p },
});
const removed: SlaPolicyEvent = { type: 'SlaPolicyRemoved', data: { policy_id: 'p1', effective_from: now } };

describe('slaPolicyDecider', () => {
  it('sets a new policy from now, or from the given time', () => {
    expect(decider.decide({ kind: 'set', policyId: 'p1', policy, effectiveFrom: undefined, now }, given())).toEqual([
      set(now),
    ]);
    expect(
      decider.decide({ kind: 'set', policyId: 'p1', policy, effectiveFrom: '2026-01-01T00:00:00.000Z', now }, given()),
    ).toEqual([set('2026-01-01T00:00:00.000Z')]);
  });

  it('changes nothing for the same definition again, unless it names another effective time', () => {
    const state = given(set('2026-01-01T00:00:00.000Z'));
    expect(
      decider.decide({ kind: 'set', policyId: 'p1', policy: { ...policy }, effectiveFrom: undefined, now }, state),
    ).toEqual([]);
    expect(
      decider.decide({ kind: 'set', policyId: 'p1', policy, effectiveFrom: '2026-01-01T00:00:00.000Z', now }, state),
    ).toEqual([]);
    expect(
      decider.decide({ kind: 'set', policyId: 'p1', policy, effectiveFrom: '2026-02-01T00:00:00.000Z', now }, state),
    ).toHaveLength(1);
    expect(
      decider.decide(
        { kind: 'set', policyId: 'p1', policy: { ...policy, position: 2 }, effectiveFrom: undefined, now },
        state,
      ),
    ).toHaveLength(1);
  });

  it('sets a removed policy again', () => {
    expect(
      decider.decide({ kind: 'set', policyId: 'p1', policy, effectiveFrom: undefined, now }, given(set(now), removed)),
    ).toEqual([set(now)]);
  });

  it('removes a policy that was set, and refuses one never set', () => {
    expect(decider.decide({ kind: 'remove', policyId: 'p1', now }, given(set(now)))).toEqual([removed]);
    expect(() => decider.decide({ kind: 'remove', policyId: 'p1', now }, given())).toThrow(DomainError);
    expect(() => decider.decide({ kind: 'remove', policyId: 'p1', now }, given())).toThrow('no SLA policy "p1"');
  });
});
