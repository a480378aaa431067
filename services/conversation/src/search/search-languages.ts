import { Injectable } from '@nestjs/common';
import { directoryPattern, directoryQueries, type SearchLanguage } from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';

/** How long an organization's search language is kept before the directory is asked again. */
const LANGUAGE_TTL_MS = 30_000;
const MAX_ORGANIZATIONS = 10_000;

/**
 * Each organization's `search_language` (a Postgres text search configuration), read from the
 * identity service's directory (`cmd.directory.organization`) and kept half a minute: the
 * message-search projection indexes with it and the search query parses with it. An unknown
 * organization searches with `simple`. A directory that does not answer fails the call (the
 * projection retries the event; the query answers `unavailable`).
 */
@Injectable()
export class SearchLanguages {
  private readonly known = new Map<string, { language: SearchLanguage; until: number }>();

  constructor(private readonly client: CommandClient) {}

  /** Forgets the organization's language: the next call asks the directory. */
  forget(organizationId: string): void {
    this.known.delete(organizationId);
  }

  async of(organizationId: string): Promise<SearchLanguage> {
    const now = Date.now();
    const cached = this.known.get(organizationId);
    if (cached && cached.until > now) return cached.language;
    const reply = await sendCommand(
      this.client,
      directoryPattern('organization'),
      { organization_id: organizationId },
      { timeoutMs: 3000, parseReply: (value) => directoryQueries.organization.reply.parse(value) },
    );
    const language = reply.organization?.search_language ?? 'simple';
    if (this.known.size >= MAX_ORGANIZATIONS) this.known.clear();
    this.known.set(organizationId, { language, until: now + LANGUAGE_TTL_MS });
    return language;
  }
}
