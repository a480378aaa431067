import { CompiledQuery, type Kysely } from 'kysely';
import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { append, encodeEvents, hashOf, type AppendAlso } from './append.js';
import { pgPoolOf } from './database.js';
import type { AppendResult, ExpectedVersion, NewEvent } from './types.js';

export interface GroupCommitOptions {
  /** Appends in one statement at the most (default 100). */
  maxBatch?: number;
  /** Statements of appends on their way at once (default 1): the next batch forms meanwhile. */
  maxInFlight?: number;
}

interface Pending {
  streamId: string;
  organizationId: string;
  events: readonly NewEvent[];
  expectedVersion: ExpectedVersion;
  /** A write of its own, in a form many appends share (`AppendAlso.many`). */
  also: AppendAlso | undefined;
  /** The caller's trace context: its append's span is a child of it. */
  context: Context;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface AppendManyRow {
  status: 'appended' | 'duplicate';
  stream_version: string;
  first_position: string;
  last_position: string;
}

/**
 * The appends of many streams as one statement: one round trip, one transaction, one WAL flush.
 * Each row of the JSON array is one append, run by `event_store.append_to_stream` in array order
 * (the streams sorted by id, so two batches lock their streams in one order). The appends' own
 * writes (`AppendAlso.many`) follow as data-modifying CTEs over `appended`, one per kind, with
 * their rows in parameters $2, $3, …
 */
function appendManySql(alsos: readonly string[]): string {
  const appended = `SELECT a.ord, r.status, r.stream_version, r.first_position, r.last_position
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS a(x, ord)
      CROSS JOIN LATERAL event_store.append_to_stream(a.x ->> 's', a.x ->> 'o', (a.x ->> 'v')::bigint, a.x -> 'e') AS r`;
  const writes = alsos.map((also, i) => `, also_${i + 1} AS (${also})`).join('');
  return `WITH appended AS (${appended})${writes}
    SELECT status, stream_version, first_position, last_position FROM appended ORDER BY ord`;
}

/**
 * Group commit of appends (`append`, with no write of their own or one in a shared form) to
 * different streams: an append goes at once when no statement of this group is on its way; the
 * appends that arrive while one is (under load, the commands of many conversations) go together
 * in the next statement. Each append gets its own answer. When the statement fails (a version
 * conflict, an ownership or a size refusal, a repeat racing its original: the whole statement is
 * rolled back), its appends are run again one by one, so each gets its own outcome and the
 * others are not failed by it. Two appends to one stream never share a statement: the second
 * waits for the next.
 */
export class GroupCommit<DB> {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: Kysely<DB>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 100);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  append(
    streamId: string,
    organizationId: string,
    events: readonly NewEvent[],
    expectedVersion: ExpectedVersion,
    also?: AppendAlso,
  ): Promise<AppendResult> {
    if (also && !also.many) throw new Error(`group commit of ${streamId}: a write of its own needs its shared form`);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        streamId,
        organizationId,
        events,
        expectedVersion,
        also,
        context: context.active(),
        resolve,
        reject,
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /** The oldest appends, one per stream, up to maxBatch; the others stay queued in their order. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const streams = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch; ) {
      const pending = this.queue[i]!;
      if (streams.has(pending.streamId)) {
        i += 1;
        continue;
      }
      streams.add(pending.streamId);
      batch.push(pending);
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async write(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.alone(batch[0]!);
    const rows: string[] = [];
    const members: Pending[] = [];
    /** The rows of the appends' own writes, by kind, each row joined to its append by `ord`. */
    const alsos = new Map<string, { sql: (rows: string) => string; rows: unknown[] }>();
    for (const pending of batch.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0))) {
      let payload: string;
      try {
        payload = encodeEvents(pending.streamId, pending.events);
      } catch (error) {
        // Refused before any statement (an event too large): this append's answer only.
        pending.reject(error);
        continue;
      }
      const expected = pending.expectedVersion;
      const version = expected === 'any' ? null : expected === 'no_stream' ? 0 : expected;
      rows.push(
        `{"s":${JSON.stringify(pending.streamId)},"o":${JSON.stringify(pending.organizationId)},"v":${version},"e":${payload}}`,
      );
      members.push(pending);
      const many = pending.also?.many;
      if (many) {
        const kind = alsos.get(many.key) ?? { sql: many.sql, rows: [] };
        kind.rows.push({ ...many.row, ord: rows.length });
        alsos.set(many.key, kind);
      }
    }
    if (members.length === 0) return;
    if (members.length === 1) return this.alone(members[0]!);
    const tracer = trace.getTracer('livedesk');
    const spans = members.map((pending) =>
      tracer.startSpan(
        'event_store.append',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'postgresql',
            'db.operation.name': 'event_store.append_to_stream',
            'livedesk.stream_id': pending.streamId,
            'livedesk.events': pending.events.length,
            'livedesk.group_commit.appends': members.length,
          },
        },
        pending.context,
      ),
    );
    let result: { rows: AppendManyRow[] };
    try {
      const writes = [...alsos.values()];
      result = await this.query(appendManySql(writes.map((write, i) => write.sql(`$${i + 2}::jsonb`))), [
        `[${rows.join(',')}]`,
        ...writes.map((write) => JSON.stringify(write.rows)),
      ]);
      if (result.rows.length !== members.length)
        throw new Error(`append_many answered ${result.rows.length} rows for ${members.length} appends`);
    } catch (error) {
      for (const span of spans) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `group commit failed (${error instanceof Error ? error.message : String(error)}); appended alone`,
        });
        span.end();
      }
      // Rolled back as a whole: each append again on its own, for its own outcome.
      await Promise.all(members.map((pending) => this.alone(pending)));
      return;
    }
    for (const [i, pending] of members.entries()) {
      const row = result.rows[i]!;
      spans[i]!.end();
      pending.resolve({
        nextExpectedVersion: Number(row.stream_version),
        firstPosition: Number(row.first_position),
        lastPosition: Number(row.last_position),
        duplicate: row.status === 'duplicate',
      });
    }
  }

  private async alone(pending: Pending): Promise<void> {
    try {
      pending.resolve(
        await context.with(pending.context, () =>
          append(
            this.db,
            pending.streamId,
            pending.organizationId,
            pending.events,
            pending.expectedVersion,
            pending.also,
          ),
        ),
      );
    } catch (error) {
      pending.reject(error);
    }
  }

  private query(text: string, values: readonly unknown[]): Promise<{ rows: AppendManyRow[] }> {
    const pool = pgPoolOf(this.db);
    // Prepared once per connection and shape (which kinds of writes go along).
    if (pool)
      return pool.query<AppendManyRow>({ name: `event_store.append_many.${hashOf(text)}`, text, values: [...values] });
    return this.db.executeQuery<AppendManyRow>(CompiledQuery.raw(text, [...values]));
  }
}
