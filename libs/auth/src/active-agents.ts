/** Whether a token's agent may still use it: the agent exists in the directory and is not disabled. */
export interface ActiveAgents {
  isActive(organizationId: string, agentId: string): Promise<boolean>;
}

export interface CachedActiveAgentsOptions {
  /** How long an answer is kept; a change signal forgets it sooner. */
  ttlMs: number;
  /** Answers kept at most (the oldest go first). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Answers of another `ActiveAgents` (the directory, over NATS), kept for `ttlMs` so that an API
 * request does not cost a round trip to the identity service, and forgotten as soon as the agent
 * changes (`forget`, on the identity service's `agent_changed` signal). A lost signal leaves a
 * disabled agent in at most `ttlMs` more.
 */
export class CachedActiveAgents implements ActiveAgents {
  private readonly answers = new Map<string, { active: boolean; until: number }>();
  /** Moves on with every `forget`: an answer asked for before a change is not kept after it. */
  private generation = 0;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly source: ActiveAgents,
    private readonly options: CachedActiveAgentsOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? (() => Date.now());
  }

  async isActive(organizationId: string, agentId: string): Promise<boolean> {
    const key = keyOf(organizationId, agentId);
    const cached = this.answers.get(key);
    if (cached && cached.until > this.now()) return cached.active;
    const generation = this.generation;
    const active = await this.source.isActive(organizationId, agentId);
    // A change signal that came while the directory was asked wins over the older answer.
    if (generation === this.generation) this.remember(key, active);
    return active;
  }

  /** The agent changed: ask the directory next time. */
  forget(organizationId: string, agentId: string): void {
    this.answers.delete(keyOf(organizationId, agentId));
    this.generation += 1;
  }

  private remember(key: string, active: boolean): void {
    this.answers.delete(key);
    if (this.answers.size >= this.maxEntries) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, { active, until: this.now() + this.options.ttlMs });
  }
}

function keyOf(organizationId: string, agentId: string): string {
  return `${organizationId}\u0000${agentId}`;
}
