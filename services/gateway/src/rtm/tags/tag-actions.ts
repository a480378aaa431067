import { Injectable } from '@nestjs/common';
import type { ActionRequest, agentActions } from '@livedesk/contracts';
import { DirectoryClient } from '../../directory/directory-client.js';
import type { ActionContext } from '../action-context.js';
import { ChatCommands } from '../chat-commands.js';
import { ConversationClient } from '../conversation-client.js';
import { RtmError } from '../to-protocol-error.js';

type Request<A extends keyof typeof agentActions> = ActionRequest<typeof agentActions, A>;

/**
 * `tag_chat` / `untag_chat`: the tag list is the identity service's (the organization's stream),
 * the chat's tags the conversation service's (TagAdded, TagRemoved in the chat's stream, where
 * the decider checks who may tag). The list is checked here, just before the command: a tag
 * deleted from the list in between may still land once.
 */
@Injectable()
export class TagActions {
  constructor(
    private readonly chats: ChatCommands,
    private readonly conversations: ConversationClient,
    private readonly directory: DirectoryClient,
  ) {}

  async tagChat(context: ActionContext, payload: Request<'tag_chat'>) {
    if (!(await this.directory.isTagListed(context.organizationId, payload.tag))) throw unknownTag(payload.tag);
    return this.conversations.command('add_tag', {
      ...this.chats.commandBase(context),
      chat_id: payload.chat_id,
      tag: payload.tag,
    });
  }

  /** A tag deleted from the list since it was put on a chat can still be taken off it. */
  async untagChat(context: ActionContext, payload: Request<'untag_chat'>) {
    if (!(await this.directory.isTagListed(context.organizationId, payload.tag))) {
      const { chat } = await this.chats.getChat(context, {
        chat_id: payload.chat_id,
        since_version: Number.MAX_SAFE_INTEGER,
        limit: 1,
      });
      if (!(chat.tags ?? []).includes(payload.tag)) throw unknownTag(payload.tag);
    }
    return this.conversations.command('remove_tag', {
      ...this.chats.commandBase(context),
      chat_id: payload.chat_id,
      tag: payload.tag,
    });
  }
}

function unknownTag(tag: string): RtmError {
  return new RtmError('not_found', `the tag "${tag}" is not on the organization's tag list`, 'unknown_tag');
}
