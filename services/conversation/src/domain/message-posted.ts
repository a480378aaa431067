import type { Author, ConversationEvent } from '@livedesk/contracts';
import type { NewMessageInput } from './conversation-commands.js';

export function messagePosted(author: Author, message: NewMessageInput): ConversationEvent {
  return {
    type: 'MessagePosted',
    data: {
      message_id: message.messageId,
      author,
      text: message.text,
      ...(message.clientId === undefined ? {} : { client_id: message.clientId }),
      attachments: [...message.attachments],
    },
  };
}
