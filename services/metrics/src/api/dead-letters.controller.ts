import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ApiCallers } from '@livedesk/auth';
import {
  getDeadLetter,
  listDeadLetters,
  moveDeadLetter,
  readEvent,
  type DeadLetter,
  type DeadLetterStatus,
  type EventStoreTables,
} from '@livedesk/event-store';
import { ApiError, DATABASE, parseOrRefuse } from '@livedesk/service-kit';
import {
  DeadLetterId,
  DeadLettersQuery,
  SHOWN_DATA_MAX_BYTES,
  type DeadLetterDetail,
  type DeadLetterList,
  type DeadLetterView,
} from './dead-letter-schemas.js';
import { parseQuery } from './parse-query.js';

/**
 * The dead letters of the whole installation (`event_store.dead_letters`, one table in the
 * database every service shares): events the outbox relay or a subscription parked so that one
 * event never stops the line (docs/dead-letters.md). Listed, shown, replayed (the reader that
 * parked the event carries the replay out within seconds) or discarded by the installation
 * admin; `livedesk dead-letters` calls these.
 */
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(
    @Inject(ApiCallers) private readonly callers: ApiCallers,
    @Inject(DATABASE) private readonly db: Kysely<EventStoreTables>,
  ) {}

  @Get()
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: unknown,
  ): Promise<DeadLetterList> {
    await this.callers.requireInstallationAdmin(authorization);
    const params = parseQuery(DeadLettersQuery, query);
    // One more than asked tells whether there is a next page.
    const rows = await listDeadLetters(this.db, {
      ...(params.status ? { status: params.status } : {}),
      ...(params.reader ? { reader: params.reader } : {}),
      ...(params.organization_id ? { organizationId: params.organization_id } : {}),
      ...(params.after ? { afterId: params.after } : {}),
      limit: params.limit + 1,
    });
    const page = rows.slice(0, params.limit);
    return { dead_letters: page.map(toView), next_after: rows.length > params.limit ? page.at(-1)!.id : null };
  }

  @Get(':id')
  async show(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
  ): Promise<DeadLetterDetail> {
    await this.callers.requireInstallationAdmin(authorization);
    const letter = await this.find(id);
    const event = await readEvent(this.db, letter.eventId);
    if (!event) return { ...toView(letter), event: null };
    const data = JSON.stringify(event.data);
    const dataBytes = Buffer.byteLength(data, 'utf8');
    return {
      ...toView(letter),
      event: {
        type: event.type,
        schema_version: event.schemaVersion,
        occurred_at: event.occurredAt.toISOString(),
        metadata: event.metadata,
        data_bytes: dataBytes,
        ...(dataBytes <= SHOWN_DATA_MAX_BYTES ? { data: event.data } : {}),
      },
    };
  }

  /** The reader that parked the event hands it on again (a parked or discarded one). */
  @Post(':id/replay')
  @HttpCode(202)
  async replay(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
  ): Promise<DeadLetterView> {
    await this.callers.requireInstallationAdmin(authorization);
    return this.move(id, ['parked', 'discarded'], 'replay_requested');
  }

  /** Leaves the event as it is: the reader stays past it and the figure no longer counts it. */
  @Post(':id/discard')
  async discard(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
  ): Promise<DeadLetterView> {
    await this.callers.requireInstallationAdmin(authorization);
    return this.move(id, ['parked', 'replay_requested'], 'discarded');
  }

  private async move(id: string, from: DeadLetterStatus[], to: DeadLetterStatus): Promise<DeadLetterView> {
    const letter = await this.find(id);
    const moved = await moveDeadLetter(this.db, letter.id, from, to);
    if (moved) return toView(moved);
    const now = (await getDeadLetter(this.db, letter.id))!;
    throw new ApiError(
      'conflict',
      `dead letter ${letter.id} is ${now.status}; only a ${from.join(' or ')} one can become ${to}`,
      'dead_letter_status',
    );
  }

  private async find(id: string): Promise<DeadLetter> {
    const letter = await getDeadLetter(this.db, parseOrRefuse(DeadLetterId, id, 'id'));
    if (!letter) throw new ApiError('not_found', `no dead letter ${id}`, 'dead_letter_not_found');
    return letter;
  }
}

function toView(letter: DeadLetter): DeadLetterView {
  return {
    id: letter.id,
    reader: letter.reader,
    event_id: letter.eventId,
    stream_id: letter.streamId,
    stream_version: letter.streamVersion,
    global_position: letter.globalPosition,
    organization_id: letter.organizationId,
    event_type: letter.eventType,
    reason: letter.reason,
    error: letter.error,
    attempts: letter.attempts,
    status: letter.status,
    parked_at: letter.parkedAt.toISOString(),
    updated_at: letter.updatedAt.toISOString(),
  };
}
