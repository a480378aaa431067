import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit this file once released, add a new migration instead.
// Written against Kysely<any> and plain SQL so it never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE SCHEMA IF NOT EXISTS directory`.execute(db);

  // default_group_id and groups.organization_id point at each other: the organization and its
  // default group are inserted in one transaction, so this key is checked at commit.
  await sql`
    CREATE TABLE directory.organizations (
      id                text PRIMARY KEY,
      name              text NOT NULL,
      time_zone         text NOT NULL DEFAULT 'UTC',
      identity_secret   text NOT NULL,
      default_group_id  text NOT NULL,
      created_at        timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE directory.groups (
      id               text PRIMARY KEY,
      organization_id  text NOT NULL REFERENCES directory.organizations (id),
      name             text NOT NULL,
      routing          text NOT NULL DEFAULT 'auto' CHECK (routing IN ('auto', 'manual')),
      created_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT groups_organization_name_unique UNIQUE (organization_id, name),
      -- The target of the composite keys below: a row that names a group and an organization
      -- can only name a group of that organization.
      CONSTRAINT groups_organization_id_unique UNIQUE (organization_id, id)
    )`.execute(db);

  await sql`
    ALTER TABLE directory.organizations
      ADD CONSTRAINT organizations_default_group_fk
      FOREIGN KEY (id, default_group_id) REFERENCES directory.groups (organization_id, id)
      DEFERRABLE INITIALLY DEFERRED`.execute(db);

  // One email, one agent across the installation: login by email must find one account.
  // Stored lowercased (the check keeps it so), which makes the plain unique key case-insensitive.
  await sql`
    CREATE TABLE directory.agents (
      id               text PRIMARY KEY,
      organization_id  text NOT NULL REFERENCES directory.organizations (id),
      email            text NOT NULL CHECK (email = lower(email)),
      name             text NOT NULL,
      role             text NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
      kind             text NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'bot')),
      max_chats        integer CHECK (max_chats > 0),
      password_hash    text NOT NULL,
      api_key_id       text NOT NULL,
      api_key_hash     bytea NOT NULL,
      created_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT agents_email_unique UNIQUE (email),
      CONSTRAINT agents_api_key_id_unique UNIQUE (api_key_id),
      CONSTRAINT agents_organization_id_unique UNIQUE (organization_id, id)
    )`.execute(db);

  await sql`
    CREATE TABLE directory.agent_groups (
      organization_id  text NOT NULL,
      agent_id         text NOT NULL,
      group_id         text NOT NULL,
      PRIMARY KEY (agent_id, group_id),
      FOREIGN KEY (organization_id, agent_id) REFERENCES directory.agents (organization_id, id),
      FOREIGN KEY (organization_id, group_id) REFERENCES directory.groups (organization_id, id)
    )`.execute(db);
  await sql`CREATE INDEX agent_groups_group ON directory.agent_groups (group_id)`.execute(db);

  // external_id is the site's own user id from a signed identity; anonymous customers have none
  // (NULLs never collide in the unique key).
  await sql`
    CREATE TABLE directory.customers (
      id               text PRIMARY KEY,
      organization_id  text NOT NULL REFERENCES directory.organizations (id),
      external_id      text,
      email            text,
      name             text,
      created_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT customers_organization_external_id_unique UNIQUE (organization_id, external_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP SCHEMA directory CASCADE`.execute(db);
}
