import { sql, type Kysely } from 'kysely';

// Frozen in time (docs/architecture.md, conventions): never import application code here.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS ticketing`.execute(db);
  await sql`
    CREATE TABLE ticketing.tickets (
      ticket_id              text PRIMARY KEY,
      organization_id        text NOT NULL,
      reference              text NOT NULL UNIQUE,
      subject                text NOT NULL,
      status                 text NOT NULL,
      priority               text NOT NULL,
      source                 text NOT NULL,
      requester_customer_id  text,
      requester_email        text,
      requester_name         text,
      group_id               text,
      assignee_id            text,
      tags                   text[] NOT NULL DEFAULT '{}',
      conversation_id        text,
      search                 tsvector NOT NULL DEFAULT ''::tsvector,
      created_at             timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL,
      version                integer NOT NULL
    )`.execute(db);
  await sql`COMMENT ON TABLE ticketing.tickets IS
    'One row per ticket, written in the transaction that appends its events: the lists and filters of the HTTP API.'`.execute(
    db,
  );
  await sql`CREATE INDEX tickets_by_status ON ticketing.tickets (organization_id, status, updated_at DESC, ticket_id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX tickets_by_updated ON ticketing.tickets (organization_id, updated_at DESC, ticket_id DESC)`.execute(
    db,
  );
  await sql`CREATE INDEX tickets_by_assignee ON ticketing.tickets (organization_id, assignee_id)`.execute(db);
  await sql`CREATE INDEX tickets_by_group ON ticketing.tickets (organization_id, group_id)`.execute(db);
  await sql`CREATE INDEX tickets_by_requester ON ticketing.tickets (organization_id, lower(requester_email))`.execute(
    db,
  );
  await sql`CREATE INDEX tickets_search ON ticketing.tickets USING gin (search)`.execute(db);

  await sql`
    CREATE TABLE ticketing.email_messages (
      seq              bigserial PRIMARY KEY,
      organization_id  text NOT NULL,
      ticket_id        text NOT NULL,
      message_id       text NOT NULL,
      direction        text NOT NULL,
      UNIQUE (organization_id, message_id)
    )`.execute(db);
  await sql`COMMENT ON TABLE ticketing.email_messages IS
    'The Message-IDs of every email of a ticket, inbound and outbound, in order: In-Reply-To and References find the ticket, and outbound mail threads with them.'`.execute(
    db,
  );
  await sql`CREATE INDEX email_messages_by_id ON ticketing.email_messages (message_id)`.execute(db);
  await sql`CREATE INDEX email_messages_by_ticket ON ticketing.email_messages (ticket_id, seq)`.execute(db);

  await sql`
    CREATE TABLE ticketing.attachments (
      attachment_id    text PRIMARY KEY,
      organization_id  text NOT NULL,
      name             text NOT NULL,
      content_type     text NOT NULL,
      size             bigint NOT NULL,
      sha256           text NOT NULL,
      storage_key      text NOT NULL,
      created_at       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`COMMENT ON TABLE ticketing.attachments IS
    'Files kept outside the event store (local disk or S3); events reference them by id, size and content type.'`.execute(
    db,
  );

  await sql`
    CREATE TABLE ticketing.outbound_emails (
      delivery_id      uuid PRIMARY KEY,
      organization_id  text NOT NULL,
      ticket_id        text NOT NULL,
      event_id         uuid NOT NULL,
      kind             text NOT NULL,
      to_address       text NOT NULL,
      subject          text NOT NULL,
      body             text NOT NULL,
      message_id       text NOT NULL,
      in_reply_to      text,
      references_ids   text[] NOT NULL DEFAULT '{}',
      reply_to         text NOT NULL,
      auto_submitted   boolean NOT NULL DEFAULT false,
      attachment_ids   text[] NOT NULL DEFAULT '{}',
      status           text NOT NULL DEFAULT 'pending',
      attempts         integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL DEFAULT now(),
      leased_until     timestamptz,
      last_error       text,
      sent_at          timestamptz,
      created_at       timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`COMMENT ON TABLE ticketing.outbound_emails IS
    'The outbox of email to requesters, written with the ticket events that cause each mail; status pending → sending → sent (or failed / cancelled).'`.execute(
    db,
  );
  await sql`CREATE INDEX outbound_emails_due ON ticketing.outbound_emails (next_attempt_at) WHERE status IN ('pending', 'sending')`.execute(
    db,
  );
  await sql`CREATE INDEX outbound_emails_by_ticket ON ticketing.outbound_emails (ticket_id)`.execute(db);

  await sql`
    CREATE TABLE ticketing.inbound_emails (
      id               bigserial PRIMARY KEY,
      organization_id  text NOT NULL,
      message_id       text NOT NULL,
      sender           text,
      outcome          text NOT NULL,
      ticket_id        text,
      reason           text,
      received_at      timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`COMMENT ON TABLE ticketing.inbound_emails IS
    'What became of each email accepted over SMTP: a new ticket, a reply, or an auto-reply / bounce recognised and not turned into a ticket.'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA ticketing CASCADE`.execute(db);
}
