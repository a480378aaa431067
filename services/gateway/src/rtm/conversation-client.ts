import { Inject, Injectable } from '@nestjs/common';
import {
  conversationCommands,
  conversationPattern,
  conversationQueries,
  type ConversationCommand,
  type ConversationCommandName,
  type ConversationCommandReply,
  type ConversationQuery,
  type ConversationQueryName,
  type ConversationQueryReply,
} from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import type { RtmConfig } from './rtm-config.js';

/** The conversation service's commands and queries, typed by the contracts, replies parsed. */
@Injectable()
export class ConversationClient {
  private readonly timeoutMs: number;
  private unanswered = 0;

  constructor(
    private readonly client: CommandClient,
    @Inject(SERVICE_CONFIG) config: RtmConfig,
  ) {
    this.timeoutMs = config.RTM_COMMAND_TIMEOUT_MS;
  }

  command<N extends ConversationCommandName>(
    name: N,
    command: ConversationCommand<N>,
  ): Promise<ConversationCommandReply<N>> {
    const reply = conversationCommands[name].reply;
    const expiring = { ...command, expires_at: Date.now() + this.timeoutMs };
    return this.counted(() =>
      sendCommand(this.client, conversationPattern(name), expiring, {
        timeoutMs: this.timeoutMs,
        parseReply: (value) => reply.parse(value) as ConversationCommandReply<N>,
      }),
    );
  }

  query<N extends ConversationQueryName>(name: N, query: ConversationQuery<N>): Promise<ConversationQueryReply<N>> {
    const reply = conversationQueries[name].reply;
    return this.counted(() =>
      sendCommand(this.client, conversationPattern(name), query, {
        timeoutMs: this.timeoutMs,
        parseReply: (value) => reply.parse(value) as ConversationQueryReply<N>,
      }),
    );
  }

  /** Commands and queries sent to the conversation service and not answered yet (overload, docs/limits.md). */
  get inFlight(): number {
    return this.unanswered;
  }

  private async counted<T>(request: () => Promise<T>): Promise<T> {
    this.unanswered++;
    try {
      return await request();
    } finally {
      this.unanswered--;
    }
  }
}
