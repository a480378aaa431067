import type { AgentPublicProfile, ChatEventView } from '@livedesk/contracts';
import type { AgentProfile, DirectoryClient } from '../../directory/directory-client.js';

interface Cached {
  profile: AgentProfile | null;
  expiresAt: number;
}

/** Profiles kept at most: a bound, far above the agents any installation's customers meet in `ttlMs`. */
const MAX_ENTRIES = 10_000;

/**
 * The agent an event shown to a customer is about: who was assigned, who wrote a message (an
 * agent or a bot), whom the chat was transferred to; undefined for every other event.
 */
export function agentIdOf(event: Pick<ChatEventView, 'type' | 'data'>): string | undefined {
  const data = event.data;
  const id = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  switch (event.type) {
    case 'AgentAssigned':
      return id(data.agent_id);
    case 'ConversationTransferred':
      return id(data.to_agent_id);
    case 'MessagePosted': {
      const author = data.author as { kind?: unknown; id?: unknown } | undefined;
      return author?.kind === 'agent' || author?.kind === 'bot' ? id(author.id) : undefined;
    }
    default:
      return undefined;
  }
}

/** The events with the public profile of the agent each is about (`agent`), where it is known. */
export function withAgentProfiles<E extends ChatEventView>(
  events: readonly E[],
  profiles: ReadonlyMap<string, AgentPublicProfile>,
): E[] {
  return events.map((event) => {
    const agentId = agentIdOf(event);
    const agent = agentId === undefined ? undefined : profiles.get(agentId);
    return agent ? { ...event, agent } : event;
  });
}

export function toPublicProfile(profile: AgentProfile): AgentPublicProfile {
  return { display_name: profile.displayName, avatar_url: profile.avatarUrl };
}

/**
 * Agents' public profiles as customers see them (display name or name, avatar), read from the
 * directory and kept for `ttlMs`: every customer push and `get_chat` of an agent's event asks.
 * `PATCH /v1/organizations/:id/agents/:agent_id` sends an `agent_changed` signal on which every
 * replica calls `forget`, so a new display name shows at once; a lost signal waits for the expiry.
 * A read of the directory that was under way when an agent was forgotten may have read the
 * profile before the change: what it read is used for the events it was read for, but not kept.
 */
export class AgentProfiles {
  private readonly cache = new Map<string, Cached>();
  /** How many `forget`s there have been: a read kept only if none happened while it was under way. */
  private forgets = 0;

  constructor(
    private readonly directory: Pick<DirectoryClient, 'agentProfiles'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The public profiles of the organization's agents among `agentIds`; unknown ids are left out. */
  async of(organizationId: string, agentIds: Iterable<string>): Promise<Map<string, AgentPublicProfile>> {
    const found = new Map<string, AgentPublicProfile>();
    const missing: string[] = [];
    for (const agentId of new Set(agentIds)) {
      const cached = this.fresh(organizationId, agentId);
      if (!cached) missing.push(agentId);
      else if (cached.profile) found.set(agentId, toPublicProfile(cached.profile));
    }
    if (missing.length > 0) {
      const forgetsBefore = this.forgets;
      const loaded = new Map(
        (await this.directory.agentProfiles(organizationId, missing)).map((profile) => [profile.agentId, profile]),
      );
      const keep = this.forgets === forgetsBefore;
      for (const agentId of missing) {
        const profile = loaded.get(agentId) ?? null;
        if (keep) this.remember(organizationId, agentId, profile);
        if (profile) found.set(agentId, toPublicProfile(profile));
      }
    }
    return found;
  }

  /** The events a customer is shown, each with the profile of the agent it is about. */
  async addTo<E extends ChatEventView>(organizationId: string, events: readonly E[]): Promise<E[]> {
    const agentIds = events.map(agentIdOf).filter((agentId): agentId is string => agentId !== undefined);
    if (agentIds.length === 0) return [...events];
    return withAgentProfiles(events, await this.of(organizationId, agentIds));
  }

  forget(organizationId: string, agentId: string): void {
    this.forgets += 1;
    this.cache.delete(key(organizationId, agentId));
  }

  private fresh(organizationId: string, agentId: string): Cached | undefined {
    const cached = this.cache.get(key(organizationId, agentId));
    if (cached && cached.expiresAt > this.now()) return cached;
    if (cached) this.cache.delete(key(organizationId, agentId));
    return undefined;
  }

  private remember(organizationId: string, agentId: string, profile: AgentProfile | null): void {
    // A Map iterates in insertion order: the first key is the oldest entry.
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key(organizationId, agentId), { profile, expiresAt: this.now() + this.ttlMs });
  }
}

function key(organizationId: string, agentId: string): string {
  return `${organizationId}\u0000${agentId}`;
}
