import { describe, expect, it } from '@jest/globals';
import { pushes, type EventEnvelope } from '@livedesk/contracts';
import { slaPushesFor } from './sla-pushes.js';

function alert(type: string, data: Record<string, unknown>): EventEnvelope {
  return {
    event_id: '7f0b6d5e-3b59-4a8e-9d6f-1c2b3a4d5e6f',
    stream_id: 'sla-chat-1',
    stream_version: 2,
    global_position: 10,
    organization_id: 'org-1',
    type,
    schema_version: 1,
    data,
    metadata: {},
    occurred_at: '2026-03-02T10:01:00.000Z',
  } as EventEnvelope;
}

const base = {
  conversation_id: 'chat-1',
  cycle: 1,
  target: 'first_response',
  exchange: 0,
  due_at: '2026-03-02T10:01:00.000Z',
  policy_id: 'default',
  group_id: 'g1',
  agent_id: 'alice',
  conversation_version: 7,
};

describe('slaPushesFor', () => {
  it('pushes sla_warning and sla_breached to the agent holding the chat and to the supervisors', () => {
    const expected = {
      chat_id: 'chat-1',
      version: 7,
      cycle: 1,
      target: 'first_response',
      due_at: base.due_at,
      policy_id: 'default',
      group_id: 'g1',
      agent_id: 'alice',
    };
    expect(slaPushesFor(alert('SlaWarningIssued', base))).toEqual([
      { to: { kind: 'agent', agentId: 'alice' }, action: 'sla_warning', payload: expected },
      { to: { kind: 'supervisors' }, action: 'sla_warning', payload: expected },
    ]);
    expect(slaPushesFor(alert('SlaBreached', base)).map((push) => push.action)).toEqual([
      'sla_breached',
      'sla_breached',
    ]);
    // The payload is what the contract says the push carries.
    expect(pushes.sla_warning.payload.parse(expected)).toEqual(expected);
  });

  it('names the exchange of a next-response alert, and goes to supervisors only when nobody holds the chat', () => {
    const [only, ...rest] = slaPushesFor(
      alert('SlaBreached', { ...base, target: 'next_response', exchange: 3, agent_id: null }),
    );
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      to: { kind: 'supervisors' },
      payload: { target: 'next_response', exchange: 3, agent_id: null },
    });
  });

  it('pushes nothing for another event of the stream', () => {
    expect(slaPushesFor(alert('SlaPolicySet', base))).toEqual([]);
  });
});
