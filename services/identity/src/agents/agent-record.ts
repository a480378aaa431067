import type { z } from 'zod';
import type { AgentRecord } from '@livedesk/contracts';
import type { Agent } from '../directory-records.js';

/** An agent as the admin API shows it: public fields only, never its password hash or API key. */
export function agentRecordOf(agent: Agent): z.infer<typeof AgentRecord> {
  return {
    agent_id: agent.id,
    email: agent.email,
    name: agent.name,
    display_name: agent.displayName,
    avatar_url: agent.avatarUrl,
    role: agent.role,
    kind: agent.kind,
    max_chats: agent.maxChats,
    groups: agent.groupIds,
    disabled: agent.disabled,
    daily_summary: agent.dailySummary,
    created_at: agent.createdAt.toISOString(),
  };
}
