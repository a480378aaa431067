import { z } from 'zod';
import type { ServiceConfig } from '@livedesk/service-kit';

/** The conversation service's own settings, on top of the ones every service reads. */
export interface ConversationSettings {
  /**
   * Appends of different chats written in one statement at the most (group commit: the
   * commands that arrive while one statement is being written go together in the next). 1
   * writes every append alone.
   */
  CONVERSATION_GROUP_COMMIT_MAX: number;
  /**
   * How long a batch of the archive search index waits for more messages before it is written
   * (ms; 0 writes at once). Under a steady flow: one transaction per this long, instead of one
   * every few milliseconds; a message is searchable this much later.
   */
  SEARCH_INDEX_LINGER_MS: number;
}

export type ConversationConfig = ServiceConfig & ConversationSettings;

export function conversationConfigShape() {
  return {
    CONVERSATION_GROUP_COMMIT_MAX: z.coerce.number().int().min(1).max(1000).default(100),
    SEARCH_INDEX_LINGER_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  };
}
