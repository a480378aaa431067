import { describe, expect, it } from '@jest/globals';
import type { ChatEventView } from '@livedesk/contracts';
import { agentIdOf, withAgentProfiles } from './agent-profiles.js';

const event = (type: string, data: Record<string, unknown>, version = 1): ChatEventView => ({
  chat_id: 'chat-1',
  version,
  event_id: `00000000-0000-4000-8000-00000000000${version}`,
  type,
  created_at: '2026-12-05T10:00:00.000Z',
  data,
});

describe('the agent an event shown to a customer is about', () => {
  it('is the assignee, the agent or bot who wrote, the agent a chat was transferred to', () => {
    expect(agentIdOf(event('AgentAssigned', { agent_id: 'ada', agent_kind: 'human', by: 'routing' }))).toBe('ada');
    expect(agentIdOf(event('MessagePosted', { author: { kind: 'agent', id: 'ada' }, text: 'Hi' }))).toBe('ada');
    expect(agentIdOf(event('MessagePosted', { author: { kind: 'bot', id: 'helper' }, text: 'Hi' }))).toBe('helper');
    expect(
      agentIdOf(event('ConversationTransferred', { from_agent_id: 'ada', to_agent_id: 'grace', reason: 'manual' })),
    ).toBe('grace');
  });

  it('is nobody for the customer’s own messages, system messages, transfers to a group and other events', () => {
    expect(
      agentIdOf(event('MessagePosted', { author: { kind: 'customer', id: 'c-1' }, text: 'Hello' })),
    ).toBeUndefined();
    expect(agentIdOf(event('MessagePosted', { author: { kind: 'system' }, text: 'Chat started' }))).toBeUndefined();
    expect(
      agentIdOf(event('ConversationTransferred', { from_agent_id: 'ada', to_group_id: 'sales', reason: 'manual' })),
    ).toBeUndefined();
    expect(agentIdOf(event('ConversationResolved', { by: { kind: 'agent', id: 'ada' } }))).toBeUndefined();
    expect(agentIdOf(event('AgentAssigned', { agent_id: 42 }))).toBeUndefined();
  });

  it('adds the profile to the events about a known agent only, leaving the others as they are', () => {
    const events = [
      event('AgentAssigned', { agent_id: 'ada' }, 1),
      event('MessagePosted', { author: { kind: 'customer', id: 'c-1' }, text: 'Hello' }, 2),
      event('MessagePosted', { author: { kind: 'agent', id: 'gone' }, text: 'From a deleted agent' }, 3),
    ];
    const profiles = new Map([['ada', { display_name: 'Ada', avatar_url: null }]]);
    const shown = withAgentProfiles(events, profiles);
    expect(shown[0]).toEqual({ ...events[0], agent: { display_name: 'Ada', avatar_url: null } });
    expect(shown[1]).toBe(events[1]);
    expect(shown[2]).toBe(events[2]);
    expect(events[0]).not.toHaveProperty('agent');
  });
});
