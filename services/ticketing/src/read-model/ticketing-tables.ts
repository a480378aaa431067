import type { Generated } from 'kysely';

export interface TicketsTable {
  ticket_id: string;
  organization_id: string;
  reference: string;
  subject: string;
  status: string;
  priority: string;
  source: string;
  requester_customer_id: string | null;
  requester_email: string | null;
  requester_name: string | null;
  group_id: string | null;
  assignee_id: string | null;
  tags: string[];
  conversation_id: string | null;
  search: Generated<string>;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export interface EmailMessagesTable {
  seq: Generated<string>;
  organization_id: string;
  ticket_id: string;
  message_id: string;
  direction: 'inbound' | 'outbound';
}

export interface AttachmentsTable {
  attachment_id: string;
  organization_id: string;
  name: string;
  content_type: string;
  size: string | number;
  sha256: string;
  storage_key: string;
  created_at: Generated<Date>;
  /** Chat files only (migrations/2026-12-05-02-chat-files.ts): the chat, who uploaded it, an image's size. */
  chat_id: string | null;
  uploader_kind: 'customer' | 'agent' | null;
  uploader_id: string | null;
  width: number | null;
  height: number | null;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface OutboundEmailsTable {
  delivery_id: string;
  organization_id: string;
  /** Null for a chat's transcript (migrations/2026-12-05-10-transcripts.ts) and a notification about no ticket (migrations/2026-12-05-02-notification-emails.ts). */
  ticket_id: string | null;
  conversation_id: Generated<string | null>;
  customer_id: Generated<string | null>;
  /** null: a notification about no ticket (migrations/2026-12-05-02-notification-emails.ts) */
  event_id: string | null;
  kind: string;
  to_address: string;
  subject: string;
  body: string;
  message_id: string;
  in_reply_to: string | null;
  references_ids: string[];
  reply_to: string | null;
  auto_submitted: boolean;
  attachment_ids: string[];
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  leased_until: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Generated<Date>;
}

export interface InboundEmailsTable {
  id: Generated<string>;
  organization_id: string;
  message_id: string;
  sender: string | null;
  outcome: 'ticket_created' | 'replied' | 'auto_reply_ignored';
  ticket_id: string | null;
  reason: string | null;
  received_at: Generated<Date>;
}

export interface TicketingTables {
  'ticketing.tickets': TicketsTable;
  'ticketing.email_messages': EmailMessagesTable;
  'ticketing.attachments': AttachmentsTable;
  'ticketing.outbound_emails': OutboundEmailsTable;
  'ticketing.inbound_emails': InboundEmailsTable;
}
