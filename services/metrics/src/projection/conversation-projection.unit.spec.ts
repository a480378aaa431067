import { describe, expect, it } from '@jest/globals';
import {
  agent,
  assigned,
  at,
  customer,
  queued,
  rated,
  resolved,
  started,
  stream,
  transferred,
} from '../domain/conversation-fixtures.js';
import type { ConversationFact } from '../domain/cycle-facts.js';
import {
  decodeState,
  encodeState,
  foldConversationEvent,
  foldSlaAlert,
  type ChangedCycles,
  type ConversationProjection,
} from './conversation-projection.js';

const ids = { organizationId: 'org-1', conversationId: 'c1' };

function fold(
  events: ConversationFact[],
  changed: ChangedCycles = new Set(),
  from?: ConversationProjection,
): ConversationProjection {
  let projection = from;
  for (const event of events) projection = foldConversationEvent(projection, { ...event, ...ids }, changed);
  return projection!;
}

describe('foldConversationEvent', () => {
  it('starts at ConversationStarted and ignores what comes before it', () => {
    expect(foldConversationEvent(undefined, { ...stream(customer(1))[0]!, ...ids }, new Set())).toBeUndefined();
    const projection = fold(stream(started(0)));
    expect(projection).toMatchObject({
      organization_id: 'org-1',
      conversation_id: 'c1',
      channel: 'chat',
      customer_id: 'cust',
      stream_version: 1,
      cycles: [{ cycle: 1 }],
    });
  });

  it('records which cycles changed and the version of the last event that changed each', () => {
    const events = stream(
      started(0),
      queued(0),
      customer(1),
      assigned(2, 'A'),
      agent(3, 'A'),
      resolved(4),
      rated(5, 4),
      { type: 'ConversationReopened', data: { by: { kind: 'customer', id: 'cust' } }, occurredAt: at(9) },
      customer(10),
    );
    const first = fold(events.slice(0, 7));
    const changed: ChangedCycles = new Set();
    const after = fold(events.slice(7), changed, first);
    expect([...changed]).toEqual([2]);
    expect(after.cycle_versions).toEqual({ 1: 7, 2: 9 });
    // A read receipt changes no figure: no cycle changed, only the stream version moves.
    const seen = new Set<number>();
    const read = foldConversationEvent(
      after,
      {
        type: 'MessagesSeen',
        data: { by: { kind: 'customer', id: 'cust' }, seen_up_to: 'm3' },
        occurredAt: at(11),
        version: 10,
        ...ids,
      },
      seen,
    );
    expect(seen.size).toBe(0);
    expect(read?.stream_version).toBe(10);
    expect(read?.cycles).toBe(after.cycles);
  });

  it('records an SLA alert once per kind, on its cycle', () => {
    const projection = fold(stream(started(0), queued(0), customer(1)));
    const alert = (type: 'SlaWarningIssued' | 'SlaBreached', s: number) => ({
      type,
      data: {
        conversation_id: 'c1',
        cycle: 1,
        target: 'queue' as const,
        exchange: 0,
        due_at: at(45).toISOString(),
        policy_id: 'default',
        group_id: 'g1',
        agent_id: null,
        conversation_version: 3,
      },
      occurredAt: at(s),
    });
    const changed: ChangedCycles = new Set();
    const warned = foldSlaAlert(projection, alert('SlaWarningIssued', 36), changed);
    expect(warned.alerts).toEqual({ 1: { 'queue:0': { warning_at: at(36).getTime() } } });
    expect([...changed]).toEqual([1]);
    expect(foldSlaAlert(warned, alert('SlaWarningIssued', 40), new Set())).toBe(warned);
    expect(foldSlaAlert(warned, alert('SlaBreached', 45), new Set()).alerts[1]).toEqual({
      'queue:0': { warning_at: at(36).getTime(), breach_at: at(45).getTime() },
    });
  });
});

describe('encodeState / decodeState', () => {
  it('gives back every field of every cycle', () => {
    const events = stream(
      started(0),
      queued(0),
      customer(1),
      assigned(2, 'bot1', 'bot'),
      transferred(3, 'manual', 'bot1', 'g2'),
      queued(3),
      assigned(5, 'A'),
      agent(8, 'A'),
      customer(9),
      transferred(10, 'auto', 'A', 'B'),
      assigned(10, 'B'),
      { type: 'PrioritySet', data: { priority: 'high' }, occurredAt: at(11) },
      resolved(20),
      { type: 'ConversationRated', data: { score: 2, comment: 'slow' }, occurredAt: at(21) },
      { type: 'NpsAnswered', data: { score: 3, comment: 'meh' }, occurredAt: at(22) },
      { type: 'SurveyAnswered', data: { answers: { ces: 4, topic: 'billing' } }, occurredAt: at(22.5) },
      { type: 'GoalReported', data: { goal: 'signup', value: 5 }, occurredAt: at(23) },
      { type: 'ConversationReopened', data: { by: { kind: 'customer', id: 'cust' } }, occurredAt: at(30) },
      customer(31),
    );
    const projection = {
      ...fold(events),
      alerts: { 2: { 'first_response:0': { warning_at: 1 } } },
      derived_keys: { 1: ['gkey', 'akey'] },
    };
    const row = {
      organization_id: 'org-1',
      conversation_id: 'c1',
      channel: 'chat',
      customer_id: 'cust',
      stream_version: projection.stream_version,
    };
    expect(decodeState(row, encodeState(projection))).toEqual(projection);
    expect(projection.cycles[0]).toMatchObject({ ces_score: 4, ces_at: at(22.5) });
  });
});
