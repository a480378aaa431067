import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit this file once released, add a new migration instead.
// Written against Kysely<any> and plain SQL so it never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS event_store`.execute(db);

  // One row per stream: its current version and owner. Appends lock this row, which serializes
  // writers of one stream and turns the expected-version check into a real check.
  await sql`
    CREATE TABLE event_store.streams (
      stream_id        text PRIMARY KEY,
      organization_id  text NOT NULL,
      version          bigint NOT NULL,
      created_at       timestamptz NOT NULL DEFAULT now(),
      updated_at       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The append-only log, and the outbox (the relay follows it by (transaction_id, global_position)).
  await sql`
    CREATE TABLE event_store.events (
      global_position  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id   xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id         uuid NOT NULL,
      stream_id        text NOT NULL,
      stream_version   bigint NOT NULL,
      organization_id  text NOT NULL,
      type             text NOT NULL,
      schema_version   integer NOT NULL,
      data             jsonb NOT NULL,
      metadata         jsonb NOT NULL,
      occurred_at      timestamptz NOT NULL,
      recorded_at      timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT events_event_id_unique UNIQUE (event_id),
      CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
    )`.execute(db);
  await sql`CREATE INDEX events_commit_order ON event_store.events (transaction_id, global_position)`.execute(db);

  // Where each global reader (the outbox relay, rebuilds) stands, as the (transaction id,
  // global position) pair of the last event it handled.
  await sql`
    CREATE TABLE event_store.checkpoints (
      reader           text PRIMARY KEY,
      transaction_id   xid8 NOT NULL,
      global_position  bigint NOT NULL,
      updated_at       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Per consumer and stream: the last stream version a subscription applied, written in the
  // same transaction as the consumer's own writes, so a redelivered event is applied once.
  await sql`
    CREATE TABLE event_store.consumer_positions (
      consumer         text NOT NULL,
      stream_id        text NOT NULL,
      stream_version   bigint NOT NULL,
      PRIMARY KEY (consumer, stream_id)
    )`.execute(db);

  // appendToStream in one round trip. p_expected: NULL = any, 0 = the stream must not exist,
  // n = the stream's current version must be n. p_events is a JSON array of
  // {event_id, type, schema_version, data, metadata, occurred_at}: one parameter, parsed once.
  // Raises LD409 on a version conflict, LD403 when the stream belongs to another organization
  // and LD422 when only some of the event ids are stored already; answers 'duplicate' (and
  // stores nothing) when every event id is already stored in this stream.
  await sql`
    CREATE FUNCTION event_store.append_to_stream(
      p_stream_id text,
      p_organization_id text,
      p_expected bigint,
      p_events jsonb
    ) RETURNS TABLE (
      status text,
      stream_version bigint,
      first_position bigint,
      last_position bigint
    ) LANGUAGE plpgsql AS $fn$
    DECLARE
      v_count integer := jsonb_array_length(p_events);
      v_stored integer;
      v_other_streams integer;
      v_current bigint;
      v_owner text;
      v_new_version bigint;
    BEGIN
      -- A repeated append is recognised by its first event id (one index probe). A repeat that
      -- races the original fails on the event id unique index instead; the caller asks again.
      IF EXISTS (SELECT 1 FROM event_store.events e WHERE e.event_id = (p_events -> 0 ->> 'event_id')::uuid) THEN
        SELECT count(*), count(*) FILTER (WHERE e.stream_id <> p_stream_id)
          INTO v_stored, v_other_streams
          FROM event_store.events e
         WHERE e.event_id IN (SELECT (x ->> 'event_id')::uuid FROM jsonb_array_elements(p_events) x);
        IF v_stored = v_count AND v_other_streams = 0 THEN
          RETURN QUERY
            SELECT 'duplicate'::text, max(e.stream_version), min(e.global_position), max(e.global_position)
              FROM event_store.events e
             WHERE e.event_id IN (SELECT (x ->> 'event_id')::uuid FROM jsonb_array_elements(p_events) x);
          RETURN;
        END IF;
        RAISE EXCEPTION 'some of these event ids are already stored, in this or another stream'
          USING ERRCODE = 'LD422';
      END IF;

      -- Lock the stream's row while moving its version: writers of one stream queue here.
      -- An existing stream (the common case) is one UPDATE; a new one is one INSERT.
      IF p_expected = 0 THEN
        INSERT INTO event_store.streams (stream_id, organization_id, version)
          VALUES (p_stream_id, p_organization_id, v_count)
          ON CONFLICT (stream_id) DO NOTHING
          RETURNING version INTO v_new_version;
      ELSE
        UPDATE event_store.streams s SET version = s.version + v_count, updated_at = now()
         WHERE s.stream_id = p_stream_id
           AND (p_expected IS NULL OR s.version = p_expected)
           AND s.organization_id = p_organization_id
        RETURNING s.version INTO v_new_version;
        IF v_new_version IS NULL AND p_expected IS NULL THEN
          INSERT INTO event_store.streams AS s (stream_id, organization_id, version)
            VALUES (p_stream_id, p_organization_id, v_count)
            ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count, updated_at = now()
              WHERE s.organization_id = p_organization_id
            RETURNING s.version INTO v_new_version;
        END IF;
      END IF;

      IF v_new_version IS NULL THEN
        SELECT s.version, s.organization_id INTO v_current, v_owner
          FROM event_store.streams s WHERE s.stream_id = p_stream_id;
        IF v_owner <> p_organization_id THEN
          RAISE EXCEPTION 'stream % belongs to another organization', p_stream_id USING ERRCODE = 'LD403';
        END IF;
        RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, coalesce(v_current, 0), p_expected
          USING ERRCODE = 'LD409', DETAIL = coalesce(v_current, 0)::text;
      END IF;

      RETURN QUERY
        WITH inserted AS (
          INSERT INTO event_store.events
            (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
          SELECT e.event_id, p_stream_id, v_new_version - v_count + e.ord, p_organization_id,
                 e.type, e.schema_version, e.data, e.metadata, e.occurred_at
            FROM ROWS FROM (jsonb_to_recordset(p_events)
                   AS (event_id uuid, type text, schema_version integer, data jsonb, metadata jsonb, occurred_at timestamptz))
                 WITH ORDINALITY AS e(event_id, type, schema_version, data, metadata, occurred_at, ord)
           ORDER BY e.ord
          RETURNING global_position
        )
        SELECT 'appended'::text, v_new_version, min(i.global_position), max(i.global_position)
          FROM inserted i;
    END
    $fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA event_store CASCADE`.execute(db);
}
