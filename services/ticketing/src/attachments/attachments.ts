import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DomainError, type AttachmentRef } from '@livedesk/contracts';
import type { TicketingTables } from '../read-model/ticketing-tables.js';
import type { AttachmentStorage } from './attachment-storage.js';
import { AttachmentPolicy, normalizedType, type AttachmentRefusal } from './attachment-policy.js';

/** What makes an attachment a chat file: its chat, who uploaded it, an image's pixel size. */
export interface ChatFileFacts {
  chatId: string;
  uploader: { kind: 'customer' | 'agent'; id: string };
  width?: number | undefined;
  height?: number | undefined;
}

function refOf(row: {
  attachment_id: string;
  name: string;
  content_type: string;
  size: string | number;
  width: number | null;
  height: number | null;
}): AttachmentRef {
  return {
    attachment_id: row.attachment_id,
    name: row.name,
    content_type: row.content_type,
    size: Number(row.size),
    ...(row.width !== null && row.height !== null ? { width: row.width, height: row.height } : {}),
  };
}

/** A file refused by the policy (a validation refusal over HTTP; 552/554 over SMTP). */
export class AttachmentRefusedError extends DomainError {
  constructor(readonly refusal: AttachmentRefusal) {
    super('validation', refusal.reason, refusal.message);
    this.name = 'AttachmentRefusedError';
  }
}

/**
 * Stores attachment contents (behind `AttachmentStorage`) and their descriptions (the
 * `ticketing.attachments` rows events are checked against). The caller chooses the id, derived
 * from what it stores (an email's Message-ID and part, an upload's request), so a retry stores
 * the same attachment again, not a second one.
 */
export class Attachments {
  constructor(
    private readonly db: Kysely<TicketingTables>,
    private readonly storage: AttachmentStorage,
    readonly policy: AttachmentPolicy,
  ) {}

  /** Throws `AttachmentRefusedError` when the policy refuses the file. */
  check(name: string, contentType: string, size: number): void {
    const refusal = this.policy.refusalOf(name, contentType, size);
    if (refusal) throw new AttachmentRefusedError(refusal);
  }

  /**
   * Stores a file under its id and answers its description. An id stored already (a retry, a
   * reused client id) answers what was stored first, whatever this file is: its row and its
   * content never change. The content is written before the row, under a key that names its
   * digest, so a row never points at missing bytes nor at another file's.
   */
  async store(
    organizationId: string,
    attachmentId: string,
    file: { name: string; contentType: string; content: Buffer },
    chatFile?: ChatFileFacts,
  ): Promise<AttachmentRef> {
    const contentType = normalizedType(file.contentType);
    this.check(file.name, contentType, file.content.length);
    const stored = await this.refOf(organizationId, attachmentId);
    if (stored) return stored;
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const key = `${organizationId}/${attachmentId}/${sha256}`;
    await this.storage.put(key, file.content, contentType);
    const name = file.name.slice(0, 255) || 'attachment';
    await this.db
      .insertInto('ticketing.attachments')
      .values({
        attachment_id: attachmentId,
        organization_id: organizationId,
        name,
        content_type: contentType,
        size: file.content.length,
        sha256,
        storage_key: key,
        ...(chatFile
          ? {
              chat_id: chatFile.chatId,
              uploader_kind: chatFile.uploader.kind,
              uploader_id: chatFile.uploader.id,
              width: chatFile.width ?? null,
              height: chatFile.height ?? null,
            }
          : {}),
      })
      .onConflict((oc) => oc.column('attachment_id').doNothing())
      .execute();
    // A concurrent store of the same id may have won the row.
    const ref = await this.refOf(organizationId, attachmentId);
    if (!ref) throw new Error(`attachment ${attachmentId} is stored for another organization`);
    return ref;
  }

  private async refOf(organizationId: string, attachmentId: string): Promise<AttachmentRef | undefined> {
    const { found } = await this.refsOf(organizationId, [attachmentId]);
    return found[0];
  }

  /** The descriptions of the organization's attachments of these ids; an unknown id (or another organization's) is missing. */
  async refsOf(
    organizationId: string,
    attachmentIds: readonly string[],
  ): Promise<{ found: AttachmentRef[]; missing: string[] }> {
    if (attachmentIds.length === 0) return { found: [], missing: [] };
    const rows = await this.db
      .selectFrom('ticketing.attachments')
      .select(['attachment_id', 'name', 'content_type', 'size', 'width', 'height'])
      .where('organization_id', '=', organizationId)
      .where('attachment_id', 'in', [...attachmentIds])
      .execute();
    const byId = new Map(rows.map((row) => [row.attachment_id, refOf(row)]));
    return {
      found: attachmentIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
      missing: attachmentIds.filter((id) => !byId.has(id)),
    };
  }

  async content(
    organizationId: string,
    attachmentId: string,
  ): Promise<{ ref: AttachmentRef; content: Buffer } | undefined> {
    const row = await this.db
      .selectFrom('ticketing.attachments')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('attachment_id', '=', attachmentId)
      .executeTakeFirst();
    if (!row) return undefined;
    return { ref: refOf(row), content: await this.storage.get(row.storage_key) };
  }

  /** A chat file by its id alone, for a signed download URL (which names no organization); ticket attachments are not. */
  async chatFileContent(fileId: string): Promise<{ ref: AttachmentRef; content: Buffer } | undefined> {
    const row = await this.db
      .selectFrom('ticketing.attachments')
      .selectAll()
      .where('attachment_id', '=', fileId)
      .where('chat_id', 'is not', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return { ref: refOf(row), content: await this.storage.get(row.storage_key) };
  }

  /**
   * The chat files of these ids that are of the organization and the chat and were uploaded by
   * this uploader; any other id (unknown, another organization's, chat's or sender's) is missing.
   */
  async chatFilesOf(
    organizationId: string,
    chatId: string,
    uploader: ChatFileFacts['uploader'],
    fileIds: readonly string[],
  ): Promise<{ found: AttachmentRef[]; missing: string[] }> {
    const rows = await this.db
      .selectFrom('ticketing.attachments')
      .select(['attachment_id', 'name', 'content_type', 'size', 'width', 'height'])
      .where('organization_id', '=', organizationId)
      .where('chat_id', '=', chatId)
      .where('uploader_kind', '=', uploader.kind)
      .where('uploader_id', '=', uploader.id)
      .where('attachment_id', 'in', [...fileIds])
      .execute();
    const byId = new Map(rows.map((row) => [row.attachment_id, refOf(row)]));
    return {
      found: [...new Set(fileIds)].flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
      missing: fileIds.filter((id) => !byId.has(id)),
    };
  }
}
