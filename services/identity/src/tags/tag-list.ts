import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { allEvents, DomainError, streamEntityId, streamId, type OrganizationEvent } from '@livedesk/contracts';
import { AppendNotifier, CommandHandler } from '@livedesk/event-store';
import type { DirectoryTables } from '../directory-tables.js';
import {
  decideTagList,
  evolveTagList,
  initialTagList,
  type TagListCommand,
  type TagListEditor,
  type TagListState,
} from './tag-list-decider.js';

/** The namespace of the ids of the events the tag list appends (never change it). */
const TAG_LIST_ID_NAMESPACE = '0d7a4c1e-5b2f-4e86-9a31-c8f05e6d2b74';

export interface ListedTag {
  name: string;
  createdAt: Date;
}

/**
 * The organization's tag list (`tag_chat` accepts only these): every change an event of the
 * organization's stream (`OrganizationTagAdded`, `OrganizationTagRemoved`), decided on the stream
 * by `decideTagList`; `directory.tags` is its read model, written in the append's transaction, so
 * the list and the reads (`GET …/tags`, the gateway's check) never disagree.
 */
export class TagList {
  private readonly handler: CommandHandler<DirectoryTables, TagListCommand, OrganizationEvent, TagListState>;

  constructor(private readonly db: Kysely<DirectoryTables>) {
    const appended = new AppendNotifier(db);
    this.handler = new CommandHandler({
      db,
      relay: { notifyAppended: () => appended.poke() },
      decider: { decide: decideTagList, evolve: evolveTagList, initialState: initialTagList },
      codec: allEvents,
      idNamespace: TAG_LIST_ID_NAMESPACE,
      notFound: (stream) =>
        new DomainError('not_found', 'organization_not_found', `no organization "${streamEntityId(stream)}"`),
      project: async (trx, change, context) => {
        for (const event of change.events) {
          if (event.type === 'OrganizationTagAdded') {
            await trx
              .insertInto('directory.tags')
              .values({ organization_id: context.organizationId, name: event.data.name, created_at: event.occurredAt })
              .execute();
          } else if (event.type === 'OrganizationTagRemoved') {
            await trx
              .deleteFrom('directory.tags')
              .where('organization_id', '=', context.organizationId)
              .where('name', '=', event.data.name)
              .execute();
          }
        }
      },
    });
  }

  async add(organizationId: string, name: string, by: TagListEditor): Promise<ListedTag> {
    const result = await this.run(organizationId, { type: 'add_tag', name, by });
    const event = result.status === 'appended' ? result.events[0] : undefined;
    return { name, createdAt: event?.occurredAt ?? new Date() };
  }

  async remove(organizationId: string, name: string, by: TagListEditor): Promise<void> {
    await this.run(organizationId, { type: 'remove_tag', name, by });
  }

  /** The list, in the order the tags were added. */
  async list(organizationId: string): Promise<ListedTag[]> {
    const rows = await this.db
      .selectFrom('directory.tags')
      .select(['name', 'created_at'])
      .where('organization_id', '=', organizationId)
      .orderBy('created_at')
      .orderBy(sql`name COLLATE "C"`)
      .execute();
    return rows.map((row) => ({ name: row.name, createdAt: row.created_at }));
  }

  async isListed(organizationId: string, name: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('directory.tags')
      .select('name')
      .where('organization_id', '=', organizationId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined;
  }

  private run(organizationId: string, command: TagListCommand) {
    return this.handler.handle(streamId('organization', organizationId), command, {
      organizationId,
      commandId: randomUUID(),
      metadata: { actor: command.by },
    });
  }
}
