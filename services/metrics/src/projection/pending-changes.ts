import type { ChangedCycles, ConversationProjection } from './conversation-projection.js';
import { DerivedKeys } from './derived-keys.js';
import type {
  AgentStatusIntervalsRow,
  AgentsRow,
  ConversationTagsRow,
  GroupsRow,
  OrganizationsRow,
  SlaPoliciesRow,
} from './metrics-tables.js';
import type { ProjectedTicket } from './ticket-rows.js';

/** A conversation changed since the last flush, and which of its cycles. */
export interface ChangedConversation {
  projection: ConversationProjection;
  cycles: ChangedCycles;
}

/** What changed since the last flush: what the next flush writes (flush-plan.ts). */
export class PendingChanges {
  readonly conversations = new Map<string, ChangedConversation>();
  /** agent id and stream version → the status interval, opened or closed */
  readonly intervals = new Map<string, AgentStatusIntervalsRow>();
  readonly tickets = new Map<string, ProjectedTicket>();
  readonly policyRows: SlaPoliciesRow[] = [];
  readonly organizations = new Map<string, OrganizationsRow>();
  /** organization id and agent id → the agent's names (AgentSaved) */
  readonly agents = new Map<string, AgentsRow>();
  /** organization id and group id → the group's name (GroupSaved) */
  readonly groups = new Map<string, GroupsRow>();
  /**
   * conversation id and tag → the tag's row, or null when it was taken off: the last change of
   * each (conversation, tag) since the last flush, which is all that decides its row.
   */
  readonly tags = new Map<
    string,
    { organization_id: string; conversation_id: string; tag: string; row: ConversationTagsRow | null }
  >();
  /** the derived tables' rows the changes touch (derived-tables.ts) */
  readonly keys = new DerivedKeys();
}
