import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { conversationCommands, conversationPattern, type TransferTarget } from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';

const ROUTING_ACTOR = { kind: 'system', id: 'routing' } as const;

/** The commands routing sends to the conversation service, as the system actor `routing`. */
@Injectable()
export class ConversationCommands {
  constructor(private readonly client: CommandClient) {}

  assign(organizationId: string, chatId: string, agentId: string): Promise<unknown> {
    return sendCommand(
      this.client,
      conversationPattern('assign'),
      {
        command_id: randomUUID(),
        organization_id: organizationId,
        actor: ROUTING_ACTOR,
        chat_id: chatId,
        agent_id: agentId,
        agent_kind: 'human',
      },
      { parseReply: (reply) => conversationCommands.assign.reply.parse(reply) },
    );
  }

  /** The customer left the queue (no socket for CHAT_ABANDON_SECONDS): missed, closed as `customer_left`. */
  closeAbandoned(organizationId: string, chatId: string): Promise<unknown> {
    return sendCommand(
      this.client,
      conversationPattern('close_abandoned'),
      {
        command_id: randomUUID(),
        organization_id: organizationId,
        actor: ROUTING_ACTOR,
        chat_id: chatId,
      },
      { parseReply: (reply) => conversationCommands.close_abandoned.reply.parse(reply) },
    );
  }

  /** No message for the organization's `chat_inactivity_seconds`: closed as `inactive` (the decider checks the time). */
  closeInactive(organizationId: string, chatId: string, inactivitySeconds: number): Promise<unknown> {
    return sendCommand(
      this.client,
      conversationPattern('close_inactive'),
      {
        command_id: randomUUID(),
        organization_id: organizationId,
        actor: ROUTING_ACTOR,
        chat_id: chatId,
        inactivity_seconds: inactivitySeconds,
      },
      { parseReply: (reply) => conversationCommands.close_inactive.reply.parse(reply) },
    );
  }

  /** Back to a group's queue: an agent let it pass, or went offline (an automatic transfer). */
  requeue(organizationId: string, chatId: string, groupId: string, note: string): Promise<unknown> {
    const target: TransferTarget = { group_id: groupId };
    return sendCommand(
      this.client,
      conversationPattern('transfer'),
      {
        command_id: randomUUID(),
        organization_id: organizationId,
        actor: ROUTING_ACTOR,
        chat_id: chatId,
        target,
        note,
      },
      { parseReply: (reply) => conversationCommands.transfer.reply.parse(reply) },
    );
  }
}
