import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit this file once released, add a new migration instead.
// Written against Kysely<any> and plain SQL so it never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Events a reader could not hand on and stepped past, so that one event never stops the
  // line: the outbox relay's (an envelope NATS refuses for good, published as a placeholder
  // instead) and each subscription's (a handler that failed every attempt). One row per
  // reader and event; operators list, replay or discard them (docs/dead-letters.md).
  //   status: parked → replay_requested → replayed (or back to parked with the new error),
  //           parked → discarded.
  await sql`
    CREATE TABLE event_store.dead_letters (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      reader           text NOT NULL,
      event_id         uuid NOT NULL,
      stream_id        text NOT NULL,
      stream_version   bigint NOT NULL,
      global_position  bigint NOT NULL,
      organization_id  text NOT NULL,
      event_type       text NOT NULL,
      reason           text NOT NULL,
      error            text NOT NULL,
      attempts         integer NOT NULL,
      status           text NOT NULL DEFAULT 'parked'
                       CHECK (status IN ('parked', 'replay_requested', 'replayed', 'discarded')),
      parked_at        timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT dead_letters_reader_event_unique UNIQUE (reader, event_id)
    )`.execute(db);
  // The figures (parked per reader) and each reader's poll for replay requests.
  await sql`CREATE INDEX dead_letters_open ON event_store.dead_letters (status, reader) WHERE status IN ('parked', 'replay_requested')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE event_store.dead_letters`.execute(db);
}
