import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { IdentityError } from './identity-errors.js';
import { FOREIGN_KEY_VIOLATION, pgErrorOf, UNIQUE_VIOLATION } from './pg-errors.js';

export interface CannedResponse {
  id: string;
  shortcut: string;
  text: string;
  scope: 'shared' | 'personal';
}

/** Canned responses of an organization: shared ones, and each agent's own. Shortcuts are kept without the `#`. */
export class CannedResponses {
  constructor(private readonly db: Kysely<any>) {}

  async create(
    organizationId: string,
    input: { shortcut: string; text: string; agentId?: string | undefined },
  ): Promise<string> {
    const id = randomUUID();
    const shortcut = input.shortcut.replace(/^#/, '').toLowerCase();
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
      await this.db
        .insertInto('directory.canned_responses')
        .values({ id, organization_id: organizationId, agent_id: input.agentId ?? null, shortcut, text: input.text })
        .execute();
    } catch (error) {
      const { code, constraint } = pgErrorOf(error);
      if (code === UNIQUE_VIOLATION && constraint === 'canned_responses_shortcut_unique') {
        throw new IdentityError('conflict', `the shortcut #${shortcut} is taken`);
      }
      if (code === FOREIGN_KEY_VIOLATION)
        throw new IdentityError('not_found', `organization ${organizationId} does not exist`);
      throw error;
    }
    return id;
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
