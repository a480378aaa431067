import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { PinoLogger } from 'nestjs-pino';
import { ORGANIZATION_CHANGED_SIGNAL, OrganizationChangedSignal, signalSubjectWildcard } from '@livedesk/contracts';
import { followSignals, NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, SERVICE_CONFIG, type ServiceConfig } from '@livedesk/service-kit';
import { reindexOrganization } from '../read-model/message-search-table.js';
import { SearchLanguages } from './search-languages.js';

/** How long after a re-index its second pass runs: for messages indexed in the old language while the first ran. */
const SECOND_PASS_DELAY_MS = 2000;

/**
 * An organization's settings changed (the identity service's `organization_changed` signal):
 * every replica forgets the organization's search language, and re-splits the organization's
 * indexed messages when the language is another now, so that searches parse and match in the
 * new one. A missed signal leaves the old language until the cache expires (half a minute) for
 * new messages and queries; the older rows then wait for a rebuild of the index.
 */
@Injectable()
export class SearchLanguageChanges implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(DATABASE) private readonly db: Kysely<unknown>,
    private readonly languages: SearchLanguages,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('SearchLanguageChanges');
  }

  onApplicationBootstrap(): void {
    const subject = signalSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX, ORGANIZATION_CHANGED_SIGNAL);
    this.subscription = followSignals(
      this.nats,
      subject,
      OrganizationChangedSignal,
      (signal) => this.changed(signal.organization_id),
      this.logger,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    await Promise.allSettled(this.running);
  }

  private changed(organizationId: string): void {
    this.languages.forget(organizationId);
    const run = this.reindex(organizationId).catch((error: unknown) =>
      this.logger.warn(
        { err: error, organizationId },
        'the search index was not re-split in the new language; a rebuild of the index does it',
      ),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private async reindex(organizationId: string): Promise<void> {
    const language = await this.languages.of(organizationId);
    const changed = await reindexOrganization(this.db, organizationId, language);
    if (changed === 0) return;
    this.logger.info({ organizationId, language, changed }, 'search index re-split in the new language');
    await new Promise((resolve) => setTimeout(resolve, SECOND_PASS_DELAY_MS));
    await reindexOrganization(this.db, organizationId, language);
  }
}
