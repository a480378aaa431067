import type { EventEnvelope } from '@livedesk/contracts';
import type { PlannedPush } from '../push/pushes-for-event.js';

const ACTIONS: Record<string, 'sla_warning' | 'sla_breached'> = {
  SlaWarningIssued: 'sla_warning',
  SlaBreached: 'sla_breached',
};

/**
 * The pushes of a live SLA alert (docs/metrics.md, SLA): `sla_warning` at 80 % of a target's time,
 * `sla_breached` at its due time, to the agent holding the conversation and to the
 * supervisors. Like every push about a chat it carries `chat_id` and a `version`: the
 * conversation's stream version the alert was decided on (a client resuming with `get_chat`
 * from it misses nothing). Pure, unit-tested.
 */
export function slaPushesFor(event: EventEnvelope): PlannedPush[] {
  const action = ACTIONS[event.type];
  if (!action) return [];
  const data = event.data as {
    conversation_id: string;
    cycle: number;
    target: string;
    exchange: number;
    due_at: string;
    policy_id: string;
    group_id: string | null;
    agent_id: string | null;
    conversation_version: number;
  };
  const payload = {
    chat_id: data.conversation_id,
    version: data.conversation_version,
    cycle: data.cycle,
    target: data.target,
    ...(data.target === 'next_response' ? { exchange: data.exchange } : {}),
    due_at: data.due_at,
    policy_id: data.policy_id,
    group_id: data.group_id,
    agent_id: data.agent_id,
  };
  return [
    ...(data.agent_id ? [{ to: { kind: 'agent', agentId: data.agent_id } as const, action, payload }] : []),
    { to: { kind: 'supervisors' }, action, payload },
  ];
}
