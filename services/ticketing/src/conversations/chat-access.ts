import { Injectable } from '@nestjs/common';
import { conversationPattern, type Actor } from '@livedesk/contracts';
import { CommandClient, CommandFailedError, sendCommand } from '@livedesk/messaging';
import { DomainError } from '../domain/index.js';

/**
 * Whether an actor may read a chat is the conversation service's rule (it owns the chat: its
 * customer, services, supervisors, any agent while it is queued, every agent it was assigned
 * to): asked with the chat's `get` query, which refuses exactly as `get_chat` does.
 */
@Injectable()
export class ChatAccess {
  constructor(private readonly client: CommandClient) {}

  async requireReadable(organizationId: string, actor: Actor, chatId: string): Promise<void> {
    try {
      // Past the last version: the chat's summary and no events.
      await sendCommand(
        this.client,
        conversationPattern('get'),
        { organization_id: organizationId, actor, chat_id: chatId, since_version: Number.MAX_SAFE_INTEGER },
        { timeoutMs: 3000 },
      );
    } catch (error) {
      if (error instanceof CommandFailedError && (error.code === 'not_found' || error.code === 'authorization')) {
        throw new DomainError(error.code, error.reason ?? 'not_allowed', error.message);
      }
      throw error;
    }
  }
}
