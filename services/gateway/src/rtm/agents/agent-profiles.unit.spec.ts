import { describe, expect, it } from '@jest/globals';
import type { ChatEventView } from '@livedesk/contracts';
import type { AgentProfile } from '../../directory/directory-client.js';
import { AgentProfiles, agentIdOf, withAgentProfiles } from './agent-profiles.js';

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

describe('the cache of public profiles', () => {
  /** A directory that reads the rows when asked and answers when the test says so. */
  function directory() {
    const stored = new Map<string, AgentProfile>([['ada', { agentId: 'ada', displayName: 'Ada', avatarUrl: null }]]);
    const pending: Array<() => void> = [];
    let reads = 0;
    return {
      rename: (displayName: string) => stored.set('ada', { agentId: 'ada', displayName, avatarUrl: null }),
      reads: () => reads,
      agentProfiles: (_organizationId: string, agentIds: readonly string[]) => {
        reads += 1;
        const rows = agentIds.flatMap((id) => (stored.has(id) ? [{ ...stored.get(id)! }] : []));
        return new Promise<AgentProfile[]>((resolve) => pending.push(() => resolve(rows)));
      },
      answer: () => pending.shift()!(),
    };
  }

  it('reads the directory once while the profile is fresh, and again after forget', async () => {
    const fake = directory();
    const profiles = new AgentProfiles(fake, 60_000);
    const first = profiles.of('org', ['ada']);
    fake.answer();
    expect(await first).toEqual(new Map([['ada', { display_name: 'Ada', avatar_url: null }]]));
    expect(await profiles.of('org', ['ada'])).toEqual(new Map([['ada', { display_name: 'Ada', avatar_url: null }]]));
    expect(fake.reads()).toBe(1);

    fake.rename('Ada L.');
    profiles.forget('org', 'ada');
    const after = profiles.of('org', ['ada']);
    fake.answer();
    expect((await after).get('ada')?.display_name).toBe('Ada L.');
    expect(fake.reads()).toBe(2);
  });

  it('does not keep what a read under way when the agent was forgotten answered: the next use reads again', async () => {
    const fake = directory();
    const profiles = new AgentProfiles(fake, 60_000);
    // A push asks for the profile; the directory has read the row, its answer is on the way…
    const underWay = profiles.of('org', ['ada']);
    // …when the agent is renamed and the signal arrives.
    fake.rename('Ada L.');
    profiles.forget('org', 'ada');
    fake.answer();
    expect((await underWay).get('ada')?.display_name).toBe('Ada');

    const next = profiles.of('org', ['ada']);
    expect(fake.reads()).toBe(2);
    fake.answer();
    expect((await next).get('ada')?.display_name).toBe('Ada L.');
  });
});
