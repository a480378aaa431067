import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import { eventSubjectWildcard } from '@livedesk/contracts';
import { BatchSubscription, ensureEventStream, tryLeaderSession } from '@livedesk/event-store';
import { NATS_CONNECTION } from '@livedesk/messaging';
import { DATABASE, SERVICE_CONFIG } from '@livedesk/service-kit';
import { PinoLogger } from 'nestjs-pino';
import type { MetricsConfig } from '../metrics-config.js';
import { METRICS_CONSUMER, MetricsProjector, PROJECTION_VERSION } from './metrics-projector.js';
import type { MetricsDatabase } from './metrics-tables.js';
import { buildDeferredIndexes } from './deferred-indexes.js';
import { flushDerivedBacklog } from './derived-tables.js';
import { ProjectionMetrics } from './projection-metrics.js';
import { rebuildMetrics } from './rebuild-metrics.js';

const LEADER_LOCK = 'livedesk.metrics-projector';

/**
 * Runs the metrics projection in one replica at a time: the replica that holds the leader lock
 * (a Postgres session) consumes every event from JetStream in batches through
 * `MetricsProjector`, recomputes the derived rows they touched every METRICS_DERIVED_INTERVAL_MS,
 * and runs the rebuilds asked for in `metrics.projection_control` (by the API or `livedesk
 * metrics rebuild`), or needed because the tables were built by an older projection version. The other replicas stand by and take over when the leader's session ends.
 */
@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly projector = new MetricsProjector();
  private running = false;
  private loop: Promise<void> | undefined;
  private session: pg.Client | undefined;
  private subscription: BatchSubscription<MetricsDatabase> | undefined;
  private wake: (() => void) | undefined;
  private epoch = '0';
  /** When the derived rows were last recomputed (epoch ms). */
  private derivedAt = 0;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<MetricsDatabase>,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: MetricsConfig,
    private readonly logger: PinoLogger,
    private readonly metrics: ProjectionMetrics,
  ) {
    logger.setContext('MetricsProjection');
  }

  get isLeader(): boolean {
    return this.session !== undefined;
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (!this.session) {
          await this.stopLive();
          this.session = await tryLeaderSession(this.config.DATABASE_URL, LEADER_LOCK, 'livedesk-metrics-projector');
          if (!this.session) {
            await this.sleep(this.config.METRICS_LEADERSHIP_RETRY_MS);
            continue;
          }
          const session = this.session;
          session.on('end', () => {
            if (this.session === session) this.session = undefined;
            this.metrics.leader.set(0);
            this.wake?.();
          });
          this.metrics.leader.set(1);
          // Fencing: a batch of the previous leader still in flight fails once this commits, and
          // what that leader wrote since this replica last led is not in this one's memory.
          const { rows } = await sql<{ epoch: string }>`
            UPDATE metrics.projection_control SET leader_epoch = leader_epoch + 1 RETURNING leader_epoch AS epoch`.execute(
            this.db,
          );
          this.epoch = rows[0]!.epoch;
          this.projector.reset();
          this.logger.info({ epoch: this.epoch }, 'this replica leads the metrics projection');
        }
        if (await this.rebuildIfAsked()) continue;
        if (!this.subscription) {
          // What a rebuild stopped half-way left unbuilt (deferred-indexes.ts); usually nothing.
          await buildDeferredIndexes([this.db], (trx) => this.fence(trx));
          await this.startLive();
        }
        if (Date.now() - this.derivedAt >= this.config.METRICS_DERIVED_INTERVAL_MS) {
          await this.flushDerived();
          this.derivedAt = Date.now();
        }
        await this.sleep(this.config.METRICS_CONTROL_POLL_MS);
      } catch (error) {
        if (!this.running) break;
        this.logger.error({ err: error }, 'metrics projection round failed; retrying');
        await this.stopLive();
        await this.sleep(1000);
      }
    }
    await this.stopLive();
    await this.session?.end().catch(() => undefined);
    this.session = undefined;
  }

  /** Runs a rebuild when one was asked for or the tables are of another projection version; true if it ran. */
  private async rebuildIfAsked(): Promise<boolean> {
    const control = await this.db.selectFrom('metrics.projection_control').selectAll().executeTakeFirstOrThrow();
    const asked = control.rebuild_status === 'requested' || control.rebuild_status === 'running';
    if (!asked && control.projection_version === PROJECTION_VERSION) return false;
    await this.stopLive();
    this.logger.info(
      { reason: asked ? 'asked' : `tables of projection version ${control.projection_version}` },
      'rebuilding the metrics tables',
    );
    await sql`
      UPDATE metrics.projection_control
         SET rebuild_status = 'running', rebuild_started_at = now(), rebuild_finished_at = NULL, events_done = 0,
             events_total = NULL, rebuild_error = NULL, rebuild_requested_at = coalesce(rebuild_requested_at, now())`.execute(
      this.db,
    );
    try {
      const result = await rebuildMetrics(this.db, this.projector, {
        batchSize: this.config.METRICS_REBUILD_BATCH,
        beforeWrite: (trx) => this.fence(trx),
        onProgress: async ({ events, total }) => {
          if (!this.session) throw new Error('lost the leadership during the rebuild');
          await sql`UPDATE metrics.projection_control SET events_done = ${events}, events_total = ${total}`.execute(
            this.db,
          );
        },
      });
      await sql`
        UPDATE metrics.projection_control
           SET rebuild_status = 'done', rebuild_finished_at = now(), projection_version = ${PROJECTION_VERSION},
               events_done = ${result.events}, events_total = ${result.total}`.execute(this.db);
      this.logger.info({ events: result.events }, 'metrics tables rebuilt');
    } catch (error) {
      // Left 'running', the next leader starts it again; a failure of its own is recorded.
      if (this.session) {
        await sql`UPDATE metrics.projection_control SET rebuild_status = 'failed', rebuild_finished_at = now(), rebuild_error = ${String(error)}`.execute(
          this.db,
        );
      }
      throw error;
    }
    return true;
  }

  /**
   * Recomputes the derived tables' rows the live batches marked dirty since the last time:
   * agent_daily and group_hourly follow the base tables within METRICS_DERIVED_INTERVAL_MS and
   * the recomputation's own time.
   */
  private async flushDerived(): Promise<void> {
    await flushDerivedBacklog(this.db, (trx) => this.fence(trx));
  }

  /** The leader's fence: every write first checks, under a share lock, that this replica still leads. */
  private async fence(trx: Transaction<MetricsDatabase>): Promise<void> {
    const { rows } = await sql<{
      epoch: string;
    }>`SELECT leader_epoch AS epoch FROM metrics.projection_control FOR SHARE`.execute(trx);
    if (rows[0]?.epoch !== this.epoch) throw new Error('another replica leads the metrics projection now');
  }

  private async startLive(): Promise<void> {
    await ensureEventStream(await jetstreamManager(this.nats), {
      name: this.config.LIVEDESK_EVENTS_STREAM,
      subjectPrefix: this.config.LIVEDESK_SUBJECT_PREFIX,
      replicas: this.config.JETSTREAM_REPLICAS,
    });
    const subscription = new BatchSubscription<MetricsDatabase>({
      db: this.db,
      nats: this.nats,
      streamName: this.config.LIVEDESK_EVENTS_STREAM,
      consumer: METRICS_CONSUMER,
      filterSubject: eventSubjectWildcard(this.config.LIVEDESK_SUBJECT_PREFIX),
      handler: async (events, trx) => {
        await this.fence(trx);
        await this.projector.apply(events, trx);
      },
      onBatchFailed: () => this.projector.reset(),
      onBatchCommitted: (events) => this.metrics.committed(events),
      maxBatch: this.config.METRICS_LIVE_BATCH,
      ackWaitMs: 30_000,
      logger: this.logger.logger,
    });
    await subscription.start();
    this.subscription = subscription;
  }

  private async stopLive(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription
      ?.stop()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'stopping the live projection failed'));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
