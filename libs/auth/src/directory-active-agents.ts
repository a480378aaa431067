import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { AGENT_CHANGED_SIGNAL, AgentChangedSignal, directoryLookup, signalSubjectWildcard } from '@livedesk/contracts';
import { followSignals, sendCommand, type CommandClient } from '@livedesk/messaging';
import { CachedActiveAgents, type ActiveAgents } from './active-agents.js';

/**
 * Whether an agent is active, as the identity service's directory says (`cmd.directory.lookup` answers
 * only existing, enabled agents), cached for `ttlMs` and forgotten on the identity service's
 * `agent_changed` signal. A directory that does not answer fails the request (503): a token
 * is not taken on trust.
 */
export class DirectoryActiveAgents implements ActiveAgents, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DirectoryActiveAgents.name);
  private readonly cache: CachedActiveAgents;
  private subscription: Subscription | undefined;

  constructor(
    client: CommandClient,
    private readonly nats: NatsConnection,
    private readonly subjectPrefix: string,
    ttlMs: number,
  ) {
    this.cache = new CachedActiveAgents(
      {
        isActive: async (organizationId, agentId) => {
          const reply = await sendCommand(
            client,
            directoryLookup.pattern,
            { organization_id: organizationId, agent_ids: [agentId], group_ids: [] },
            { timeoutMs: 3000, parseReply: (value) => directoryLookup.reply.parse(value) },
          );
          return reply.agent_ids.includes(agentId);
        },
      },
      { ttlMs },
    );
  }

  isActive(organizationId: string, agentId: string): Promise<boolean> {
    return this.cache.isActive(organizationId, agentId);
  }

  onApplicationBootstrap(): void {
    this.subscription = followSignals(
      this.nats,
      signalSubjectWildcard(this.subjectPrefix, AGENT_CHANGED_SIGNAL),
      AgentChangedSignal,
      (signal) => this.cache.forget(signal.organization_id, signal.agent_id),
      this.logger,
    );
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
