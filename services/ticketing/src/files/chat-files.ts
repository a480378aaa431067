import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { FileUrls } from '@livedesk/auth';
import type { Actor, AttachmentRef, ChatFile, FileUploader } from '@livedesk/contracts';
import { derivedId } from '../application/command-ids.js';
import { Attachments } from '../attachments/attachments.js';
import { inspectFile } from '../attachments/inspect-file.js';
import { ChatAccess } from '../conversations/chat-access.js';
import { DomainError } from '../domain/index.js';

/** A file a customer or an agent uploads into a chat. */
export interface ChatFileUpload {
  organizationId: string;
  actor: Actor & { kind: 'customer' | 'agent' };
  chatId: string;
  name: string;
  /** Makes the upload idempotent: the same uploader, chat and client id store one file. */
  clientId?: string | undefined;
  content: Buffer;
}

/**
 * Files in chats (docs/protocol.md, "Files in chats"): stored with the ticket attachments (the
 * same storage, policy and table, marked with their chat and uploader), so that a ticket made
 * from the chat serves them like its own. An upload names a chat its uploader may read (the
 * conversation service's rule: `ChatAccess`); its type is read from its bytes; a message may
 * then attach it, only the uploader's, only in that chat (`resolve`).
 */
@Injectable()
export class ChatFiles {
  constructor(
    private readonly attachments: Attachments,
    private readonly access: ChatAccess,
    private readonly urls: FileUrls,
  ) {}

  get maxBytes(): number {
    return this.attachments.policy.maxBytes;
  }

  async upload(upload: ChatFileUpload): Promise<ChatFile> {
    const { organizationId, actor, chatId, content } = upload;
    // Refused before the chat is asked: a too large body costs no round trip.
    if (content.length > this.attachments.policy.maxBytes)
      this.attachments.check(upload.name, 'application/octet-stream', content.length);
    await this.requireReadable(organizationId, actor, chatId);
    const inspected = await inspectFile(upload.name, content);
    this.attachments.check(upload.name, inspected.contentType, content.length);
    const uploader: FileUploader = { kind: actor.kind, id: actor.id };
    const fileId =
      upload.clientId === undefined
        ? randomUUID()
        : derivedId('chat-file', organizationId, chatId, uploader.kind, uploader.id, upload.clientId);
    const ref = await this.attachments.store(
      organizationId,
      fileId,
      { name: upload.name, contentType: inspected.contentType, content },
      { chatId, uploader, width: inspected.width, height: inspected.height },
    );
    return this.viewOf(ref);
  }

  /**
   * The uploader must be able to read the chat. Any refusal, another customer's chat included
   * (which `get_chat` calls `not_participant`), answers as a chat that does not exist: an upload
   * URL tells nobody which chat ids are real.
   */
  private async requireReadable(organizationId: string, actor: ChatFileUpload['actor'], chatId: string): Promise<void> {
    try {
      await this.access.requireReadable(organizationId, actor, chatId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'authorization')
        throw new DomainError('not_found', 'chat_not_found', `chat ${chatId} does not exist`);
      throw error;
    }
  }

  /** The stored references of the files a message attaches; any file not the sender's in this chat is `file_not_found`. */
  async resolve(
    organizationId: string,
    chatId: string,
    uploader: FileUploader,
    fileIds: readonly string[],
  ): Promise<AttachmentRef[]> {
    const { found, missing } = await this.attachments.chatFilesOf(organizationId, chatId, uploader, fileIds);
    if (missing.length > 0)
      throw new DomainError('not_found', 'file_not_found', `file ${missing[0]} does not exist in this chat`);
    return found;
  }

  /** The file a signed URL names; a refused signature answers like a missing file's reason. */
  async download(fileId: string, expires: string | undefined, signature: string | undefined) {
    const refusal = this.urls.refusalOf(fileId, expires, signature);
    if (refusal)
      throw new DomainError(
        'authorization',
        refusal,
        refusal === 'file_url_expired' ? 'the download URL has expired' : 'the download URL is not valid',
      );
    const file = await this.attachments.chatFileContent(fileId);
    if (!file) throw new DomainError('not_found', 'file_not_found', `file ${fileId} does not exist`);
    return file;
  }

  private viewOf(ref: AttachmentRef): ChatFile {
    return {
      file_id: ref.attachment_id,
      name: ref.name,
      content_type: ref.content_type,
      size: ref.size,
      ...(ref.width === undefined ? {} : { width: ref.width }),
      ...(ref.height === undefined ? {} : { height: ref.height }),
      url: this.urls.urlOf(ref.attachment_id),
    };
  }
}
