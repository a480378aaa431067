import type { AgentKind, AgentRole, BusinessHours, SearchLanguage, SurveyQuestion } from '@livedesk/contracts';
import type { GroupRouting } from './directory-tables.js';

/** What the directory answers and takes (directory.ts), in the application's terms. */
export interface Organization {
  id: string;
  name: string;
  timeZone: string;
  /** Signs the identities of the organization's customers (customer-identity.ts). */
  identitySecret: string;
  /** Takes the chats that name no group. */
  defaultGroupId: string;
  /** Origins (`normalizeOrigin`) whose pages may fetch customer tokens and open customer sockets. */
  allowedOrigins: string[];
  /** The widget's settings: the greeting, the hours it takes chats (null: always), its auto-open delay (null: never). */
  welcomeMessage: string | null;
  businessHours: BusinessHours | null;
  widgetOpenDelaySeconds: number | null;
  /** The archive search's text search configuration (a Postgres regconfig). */
  searchLanguage: SearchLanguage;
  /** The customer gets the transcript by email when a chat ends. */
  transcriptOnClose: boolean;
  /** An active live chat silent this long is closed as inactive. */
  chatInactivitySeconds: number;
  /** The post-chat survey's own questions, asked after CES. */
  surveyQuestions: SurveyQuestion[];
  createdAt: Date;
}

export interface Group {
  id: string;
  organizationId: string;
  name: string;
  routing: GroupRouting;
  createdAt: Date;
}

export interface Agent {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  /** The name customers see; null: `name`. */
  displayName: string | null;
  avatarUrl: string | null;
  role: AgentRole;
  kind: AgentKind;
  /** Concurrent chats routing may assign; null: no limit of the agent's own. */
  maxChats: number | null;
  groupIds: string[];
  /** A disabled agent cannot log in, and its tokens are refused everywhere. */
  disabled: boolean;
  /** Gets the daily summary email. */
  dailySummary: boolean;
  createdAt: Date;
}

/** What a login checks. Only the login paths read it; nothing else needs the hashes. */
export interface AgentCredentials {
  id: string;
  organizationId: string;
  role: AgentRole;
  kind: AgentKind;
  passwordHash: string;
  apiKeyHash: Buffer;
  disabled: boolean;
}

export interface NewOrganization {
  name: string;
  timeZone?: string | undefined;
}

/** A change of settings (`PATCH /v1/organizations/:id`): the fields given replace the stored ones. */
export interface OrganizationChanges {
  name?: string | undefined;
  /** Already normalized (`AllowedOrigins` of the contracts). */
  allowedOrigins?: string[] | undefined;
  /** null clears. */
  welcomeMessage?: string | null | undefined;
  businessHours?: BusinessHours | null | undefined;
  widgetOpenDelaySeconds?: number | null | undefined;
  searchLanguage?: SearchLanguage | undefined;
  transcriptOnClose?: boolean | undefined;
  chatInactivitySeconds?: number | undefined;
  surveyQuestions?: SurveyQuestion[] | undefined;
}

/** A change of an agent (`PATCH /v1/organizations/:id/agents/:agent_id`): the fields given replace the stored ones; null clears. */
export interface AgentChanges {
  name?: string | undefined;
  displayName?: string | null | undefined;
  avatarUrl?: string | null | undefined;
  disabled?: boolean | undefined;
  dailySummary?: boolean | undefined;
  role?: AgentRole | undefined;
  /** null: routing's default limit. */
  maxChats?: number | null | undefined;
  /** Replaces the agent's groups (ids of the organization's groups). */
  groupIds?: string[] | undefined;
}

/** What customers see of an agent (`AgentPublicProfile` of the contracts). */
export interface AgentProfile {
  agentId: string;
  /** The display name, or the name when there is none. */
  displayName: string;
  avatarUrl: string | null;
}

export interface NewGroup {
  name: string;
  routing?: GroupRouting | undefined;
}

export interface NewAgent {
  email: string;
  name: string;
  password: string;
  role: AgentRole;
  kind?: AgentKind | undefined;
  maxChats?: number | undefined;
  groupIds?: string[] | undefined;
}

export interface CustomerProfile {
  /** The site's user id from a signed identity; absent: an anonymous customer. */
  externalId?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  /** The site's own facts about its user (the identity's `custom_fields` claim). */
  customFields?: Record<string, string | number | boolean> | undefined;
}

export interface Customer {
  id: string;
  organizationId: string;
  externalId: string | null;
  email: string | null;
  name: string | null;
  customFields: Record<string, string | number | boolean>;
  createdAt: Date;
}
