import type { Generated } from 'kysely';
import type { AgentKind, AgentRole, BusinessHours, SearchLanguage, SurveyQuestion } from '@livedesk/contracts';

/** The `directory` schema as Kysely sees it (migrations/2026-11-24-01-directory.ts). */
export interface OrganizationsTable {
  id: string;
  name: string;
  time_zone: Generated<string>;
  identity_secret: string;
  default_group_id: string;
  /** Normalized origins (migrations/2026-12-05-02-allowed-origins.ts). */
  allowed_origins: Generated<string[]>;
  /** The widget's settings (migrations/2026-12-05-03-widget-profile.ts). */
  welcome_message: string | null;
  business_hours: BusinessHours | null;
  widget_open_delay_seconds: number | null;
  /** The archive search's text search configuration and the transcript at a chat's end (migrations/2026-12-05-11-search-and-transcripts.ts). */
  search_language: Generated<SearchLanguage>;
  transcript_on_close: Generated<boolean>;
  /** migrations/2026-12-05-11-chat-inactivity.ts */
  chat_inactivity_seconds: Generated<number>;
  /** The post-chat survey's own questions (migrations/2026-12-05-11-survey-and-summary.ts). */
  survey_questions: Generated<SurveyQuestion[]>;
  created_at: Generated<Date>;
}

export type GroupRouting = 'auto' | 'manual';

export interface GroupsTable {
  id: string;
  organization_id: string;
  name: string;
  routing: Generated<GroupRouting>;
  created_at: Generated<Date>;
}

export interface AgentsTable {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  role: AgentRole;
  kind: Generated<AgentKind>;
  max_chats: number | null;
  password_hash: string;
  api_key_id: string;
  api_key_hash: Buffer;
  /** Set while the agent is disabled (migrations/2026-12-05-01-agent-disabled.ts). */
  disabled_at: Date | null;
  /** What customers see of the agent (migrations/2026-12-05-03-widget-profile.ts). */
  display_name: string | null;
  avatar_url: string | null;
  /** Opted in to the daily summary email (migrations/2026-12-05-11-survey-and-summary.ts). */
  daily_summary: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface AgentGroupsTable {
  organization_id: string;
  agent_id: string;
  group_id: string;
}

export interface CustomersTable {
  id: string;
  organization_id: string;
  external_id: string | null;
  email: string | null;
  name: string | null;
  created_at: Generated<Date>;
  /** migrations/2026-12-05-04-customer-fields.ts */
  custom_fields: Record<string, string | number | boolean> | null;
}

/** The organization's tag list (migrations/2026-12-05-04-tags-and-bans.ts). */
export interface TagsTable {
  organization_id: string;
  name: string;
  created_at: Date;
}

/** A customer's ban not lifted since; in force while `banned_until` is null or later (migrations/2026-12-05-04-tags-and-bans.ts). */
export interface CustomerBansTable {
  organization_id: string;
  customer_id: string;
  banned_until: Date | null;
  reason: string | null;
  banned_by: string;
  banned_at: Date;
}

export interface DirectoryTables {
  'directory.organizations': OrganizationsTable;
  'directory.groups': GroupsTable;
  'directory.agents': AgentsTable;
  'directory.agent_groups': AgentGroupsTable;
  'directory.customers': CustomersTable;
  'directory.tags': TagsTable;
  'directory.customer_bans': CustomerBansTable;
}
