import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { allEvents, type DirectoryEditor } from '@livedesk/contracts';
import { AppendNotifier } from '@livedesk/event-store';
import { recordChanges } from './directory.js';
import { IdentityError } from './identity-errors.js';
import { FOREIGN_KEY_VIOLATION, pgErrorOf, UNIQUE_VIOLATION } from './pg-errors.js';

export interface CannedResponse {
  id: string;
  shortcut: string;
  text: string;
  scope: 'shared' | 'personal';
}

/** A canned response as the admin API shows it: the shortcut with its `#`, the agent it is personal to (null: shared). */
export interface StoredCannedResponse {
  id: string;
  shortcut: string;
  text: string;
  agentId: string | null;
  createdAt: Date;
}

const COLUMNS = ['id', 'shortcut', 'text', 'agent_id', 'created_at'] as const;

/**
 * Canned responses of an organization: shared ones, and each agent's own. Shortcuts are kept
 * without the `#`. Every change is an event of the organization's stream (`CannedResponseSaved`,
 * `CannedResponseDeleted`), appended in the change's transaction.
 */
export class CannedResponses {
  private readonly appended: AppendNotifier;

  constructor(private readonly db: Kysely<any>) {
    this.appended = new AppendNotifier(db);
  }

  async create(
    organizationId: string,
    input: { shortcut: string; text: string; agentId?: string | undefined },
    by: DirectoryEditor = { kind: 'installation_admin' },
  ): Promise<string> {
    const id = randomUUID();
    const shortcut = normalizeShortcut(input.shortcut);
    try {
      if (input.agentId !== undefined) {
        // A personal one belongs to an agent of this very organization.
        const agent = await this.db
          .selectFrom('directory.agents')
          .select('id')
          .where('organization_id', '=', organizationId)
          .where('id', '=', input.agentId)
          .executeTakeFirst();
        if (!agent) throw new IdentityError('validation', `agent_id: no agent "${input.agentId}" in this organization`);
      }
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('directory.canned_responses')
          .values({ id, organization_id: organizationId, agent_id: input.agentId ?? null, shortcut, text: input.text })
          .execute();
        await recordSaved(trx, organizationId, id, by);
      });
    } catch (error) {
      throw refusalOf(error, organizationId, shortcut);
    }
    this.appended.poke();
    return id;
  }

  async get(organizationId: string, id: string): Promise<StoredCannedResponse | undefined> {
    const row = await this.db
      .selectFrom('directory.canned_responses')
      .select(COLUMNS)
      .where('organization_id', '=', organizationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && storedOf(row);
  }

  /** The shared ones and every agent's own, by shortcut (shared first), then by agent. */
  async list(organizationId: string): Promise<StoredCannedResponse[]> {
    const rows = await this.db
      .selectFrom('directory.canned_responses')
      .select(COLUMNS)
      .where('organization_id', '=', organizationId)
      .orderBy('shortcut')
      .orderBy(sql`agent_id IS NOT NULL`)
      .orderBy('agent_id')
      .execute();
    return rows.map(storedOf);
  }

  /** A new shortcut or text; undefined when the organization has no such canned response. */
  async update(
    organizationId: string,
    id: string,
    changes: { shortcut?: string | undefined; text?: string | undefined },
    by: DirectoryEditor,
  ): Promise<StoredCannedResponse | undefined> {
    const set: Record<string, string> = {};
    if (changes.shortcut !== undefined) set.shortcut = normalizeShortcut(changes.shortcut);
    if (changes.text !== undefined) set.text = changes.text;
    let updated: boolean;
    try {
      updated = await this.db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('directory.canned_responses')
          .set(set)
          .where('organization_id', '=', organizationId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        await recordSaved(trx, organizationId, id, by);
        return true;
      });
    } catch (error) {
      throw refusalOf(error, organizationId, set.shortcut ?? '');
    }
    if (!updated) return undefined;
    this.appended.poke();
    return this.get(organizationId, id);
  }

  /** Deletes one; false when the organization has no such canned response. */
  async delete(organizationId: string, id: string, by: DirectoryEditor): Promise<boolean> {
    const deleted = await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .deleteFrom('directory.canned_responses')
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .returning(['shortcut', 'agent_id'])
        .executeTakeFirst();
      if (!row) return false;
      await recordChanges(trx, organizationId, [
        allEvents.encode('CannedResponseDeleted', {
          canned_response_id: id,
          shortcut: row.shortcut,
          agent_id: row.agent_id,
          by,
        }),
      ]);
      return true;
    });
    if (deleted) this.appended.poke();
    return deleted;
  }

  /** The shared ones and the agent's own, by shortcut; a personal one hides a shared one of the same shortcut. */
  async forAgent(organizationId: string, agentId: string): Promise<CannedResponse[]> {
    const rows = await this.db
      .selectFrom('directory.canned_responses')
      .select(['id', 'shortcut', 'text', 'agent_id'])
      .where('organization_id', '=', organizationId)
      .where((eb) => eb.or([eb('agent_id', 'is', null), eb('agent_id', '=', agentId)]))
      .orderBy('shortcut')
      .orderBy(sql`agent_id IS NULL`)
      .execute();
    const byShortcut = new Map<string, CannedResponse>();
    for (const row of rows) {
      if (byShortcut.has(row.shortcut)) continue;
      byShortcut.set(row.shortcut, {
        id: row.id,
        shortcut: `#${row.shortcut}`,
        text: row.text,
        scope: row.agent_id === null ? 'shared' : 'personal',
      });
    }
    return [...byShortcut.values()];
  }
}

function normalizeShortcut(shortcut: string): string {
  return shortcut.replace(/^#/, '').toLowerCase();
}

function storedOf(row: {
  id: string;
  shortcut: string;
  text: string;
  agent_id: string | null;
  created_at: Date;
}): StoredCannedResponse {
  return { id: row.id, shortcut: `#${row.shortcut}`, text: row.text, agentId: row.agent_id, createdAt: row.created_at };
}

/** `CannedResponseSaved` with the canned response as the transaction sees it now. */
async function recordSaved(trx: Transaction<any>, organizationId: string, id: string, by: DirectoryEditor) {
  const row = await trx
    .selectFrom('directory.canned_responses')
    .select(['shortcut', 'text', 'agent_id'])
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  await recordChanges(trx, organizationId, [
    allEvents.encode('CannedResponseSaved', {
      canned_response_id: id,
      shortcut: row.shortcut,
      text: row.text,
      agent_id: row.agent_id,
      by,
    }),
  ]);
}

function refusalOf(error: unknown, organizationId: string, shortcut: string): unknown {
  const { code, constraint } = pgErrorOf(error);
  if (code === UNIQUE_VIOLATION && constraint === 'canned_responses_shortcut_unique')
    return new IdentityError('conflict', `the shortcut #${shortcut} is taken`);
  if (code === FOREIGN_KEY_VIOLATION)
    return new IdentityError('not_found', `organization ${organizationId} does not exist`);
  return error;
}
