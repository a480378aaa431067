import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { v5 as uuidv5 } from 'uuid';
import { allEvents, streamId } from '@livedesk/contracts';
import { append, consumerHasCaughtUp, EventStore } from '@livedesk/event-store';
import { CLOCK, DATABASE, EVENT_STORE, SERVICE_CONFIG, type Clock } from '@livedesk/service-kit';
import { PinoLogger } from 'nestjs-pino';
import type { MetricsConfig } from '../metrics-config.js';
import { METRICS_CONSUMER } from '../projection/metrics-projector.js';
import type { MetricsDatabase, ProjectionTimersRow } from '../projection/metrics-tables.js';

// Alert event ids are derived from what they are about, so two replicas (or one firing again
// after a crash) that raise the same alert append it once.
const NAMESPACE = '3b1d2e0c-6a4f-4c7e-9a51-0d8f2b6c4e77';
const BATCH = 100;

/**
 * Sends the live SLA alerts (docs/metrics.md, SLA): every replica polls `metrics.projection_timers`
 * (set by the projection for each pending target: 80 % and 100 % of its time) and claims the
 * due ones with FOR UPDATE SKIP LOCKED, so each is taken by one replica (once the projection has
 * every event of the conversation, so that an answer just in time is never reported as a breach); in the same transaction
 * it appends `SlaWarningIssued` / `SlaBreached` to the conversation's `sla-<id>` stream and
 * deletes the timer. The gateway pushes the event to the assigned agent and the supervisors;
 * the projection records it in `sla_outcomes`. A crash before the commit leaves the timer in
 * place for the next poll.
 */
@Injectable()
export class SlaAlertRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<unknown> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<MetricsDatabase>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) private readonly config: MetricsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('SlaAlerts');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.polling ??= this.fireDue().finally(() => (this.polling = undefined));
    }, this.config.METRICS_SLA_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** Sends every alert due now; answers how many. */
  async fireDue(): Promise<number> {
    let fired = 0;
    try {
      for (;;) {
        const now = this.clock.now();
        const count = await this.db.transaction().execute(async (trx) => {
          // Only timers of conversations the projection has caught up with: a reply stored just
          // before the due time but not projected yet would otherwise be reported as a breach.
          // Such a timer waits for the next poll; the projection then removes it or keeps it.
          const { rows } = await sql<ProjectionTimersRow>`
            DELETE FROM metrics.projection_timers t
             WHERE (t.conversation_id, t.cycle, t.target, t.exchange, t.kind) IN (
                   SELECT d.conversation_id, d.cycle, d.target, d.exchange, d.kind
                     FROM metrics.projection_timers d
                    WHERE d.fire_at <= ${now}
                      AND ${consumerHasCaughtUp(METRICS_CONSUMER, sql<string>`'conversation-' || d.conversation_id`)}
                    ORDER BY d.fire_at LIMIT ${BATCH}
                      FOR UPDATE OF d SKIP LOCKED)
             RETURNING t.*`.execute(trx);
          for (const timer of rows.sort((a, b) => a.fire_at.getTime() - b.fire_at.getTime())) {
            await append(
              trx,
              streamId('sla', timer.conversation_id),
              timer.organization_id,
              [alertEvent(timer, now)],
              'any',
            );
          }
          return rows.length;
        });
        if (count > 0) this.store.notifyAppended();
        fired += count;
        if (count < BATCH) break;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'SLA alerts not sent; retrying at the next poll');
    }
    return fired;
  }
}

function alertEvent(timer: ProjectionTimersRow, now: Date) {
  const type = timer.kind === 'warning' ? 'SlaWarningIssued' : 'SlaBreached';
  const data = {
    conversation_id: timer.conversation_id,
    cycle: timer.cycle,
    target: timer.target,
    exchange: timer.exchange,
    due_at: timer.due_at.toISOString(),
    policy_id: timer.policy_id,
    group_id: timer.group_id,
    agent_id: timer.agent_id,
    conversation_version: timer.conversation_version,
  };
  const id = `${timer.conversation_id}:${timer.cycle}:${timer.target}:${timer.exchange}:${timer.kind}:${timer.due_at.getTime()}`;
  return { eventId: uuidv5(id, NAMESPACE), ...allEvents.encode(type, data), occurredAt: now };
}
