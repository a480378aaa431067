import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { errorText, moveDeadLetter, replayFailed, replayRequestsOf } from './dead-letters.js';
import { readEvent } from './read-event.js';
import type { RecordedEvent } from './types.js';

export interface DeadLetterReplayerOptions {
  /** The database of the event store (and of the reader's own writes). */
  db: Kysely<any>;
  /** Whose dead letters: `outbox-relay` or a subscription's consumer name. */
  reader: string;
  /**
   * Hands the event to the reader again, whatever its position in the stream: inside `trx`,
   * which marks the dead letter replayed, so a reader that writes to Postgres commits both or
   * neither. Throwing parks the dead letter again with the error.
   */
  replay: (event: RecordedEvent, trx: Transaction<any>) => Promise<void>;
  /** How often to look for replay requests (default 2000 ms). */
  pollMs?: number;
  /** Looked at before each round: false skips it (a relay that does not lead). */
  active?: () => boolean;
  logger?: Logger | undefined;
}

/**
 * Carries out the replays operators ask for (`livedesk dead-letters replay`) for one reader:
 * it polls the reader's `replay_requested` dead letters, reads each event from the store and
 * replays it. The claim is the status change in the replay's own transaction (the row stays
 * locked until it commits), so among replicas of one reader each replay runs once.
 */
export class DeadLetterReplayer {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: DeadLetterReplayerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round: replays the requests found; answers how many were replayed. */
  async replayRequested(): Promise<number> {
    const { db, reader, logger } = this.options;
    let replayed = 0;
    for (const letter of await replayRequestsOf(db, reader, 20)) {
      const event = await readEvent(db, letter.eventId);
      if (!event) {
        await replayFailed(db, letter.id, 'the event is not in the event store');
        continue;
      }
      try {
        const ran = await db.transaction().execute(async (trx) => {
          if (!(await moveDeadLetter(trx, letter.id, ['replay_requested'], 'replayed'))) return false;
          await this.options.replay(event, trx);
          return true;
        });
        if (ran) {
          replayed++;
          logger?.info(
            { deadLetter: letter.id, reader, eventId: event.eventId, streamId: event.streamId },
            'dead letter replayed',
          );
        }
      } catch (error) {
        logger?.error(
          { err: error, deadLetter: letter.id, reader, eventId: event.eventId },
          'dead letter replay failed; parked again',
        );
        await replayFailed(db, letter.id, errorText(error));
      }
    }
    return replayed;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = (this.options.active?.() === false ? Promise.resolve(0) : this.replayRequested())
        .then(
          () => undefined,
          (error: unknown) =>
            this.options.logger?.warn(
              { err: error, reader: this.options.reader },
              'looking for dead-letter replays failed',
            ),
        )
        .finally(() => this.schedule());
    }, this.options.pollMs ?? 2000);
    this.timer.unref();
  }
}
