import { Injectable } from '@nestjs/common';
import { FileUrls } from '@livedesk/auth';
import type { AttachmentRef, ChatEventView } from '@livedesk/contracts';
import type { ActionContext } from '../action-context.js';
import { TicketingClient } from '../tickets/ticketing-client.js';
import { RtmError } from '../to-protocol-error.js';

/**
 * The files of messages (docs/protocol.md, "Files in chats"): a `send_event`'s `attachments`
 * name chat files by id, which the ticketing service (where they are stored) resolves to what
 * the message keeps — only the sender's own uploads into this chat; and every message a client
 * reads (pushes, `get_chat`, the `send_event` answer) carries a fresh signed URL per file.
 */
@Injectable()
export class MessageFiles {
  constructor(
    private readonly ticketing: TicketingClient,
    private readonly urls: FileUrls,
  ) {}

  async resolve(
    context: ActionContext,
    chatId: string,
    fileIds: readonly string[] | undefined,
  ): Promise<AttachmentRef[]> {
    if (!fileIds || fileIds.length === 0) return [];
    const { actor } = context;
    if (actor.kind === 'system')
      throw new RtmError('authorization', 'only customers and agents attach files', 'not_allowed');
    const { files } = await this.ticketing.query('chat_files', {
      organization_id: context.organizationId,
      chat_id: chatId,
      uploader: { kind: actor.kind, id: actor.id },
      file_ids: [...fileIds],
    });
    return files;
  }

  /** The event with a signed download URL on each of its attachments (URLs expire: they are made when read, never stored). */
  withUrls<E extends ChatEventView>(event: E, now = Date.now()): E {
    const attachments = event.data.attachments;
    if (!Array.isArray(attachments) || attachments.length === 0) return event;
    return {
      ...event,
      data: {
        ...event.data,
        attachments: attachments.map((attachment: AttachmentRef) => ({
          ...attachment,
          url: this.urls.urlOf(attachment.attachment_id, now),
        })),
      },
    };
  }
}
