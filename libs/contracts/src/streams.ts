/**
 * Stream ids are `<category>-<id>`: `conversation-…`, `ticket-…`, `agent-…`, `organization-…`,
 * the identity service's `customer-…` (a customer's bans), and the metrics service's `slapolicy-…` (SLA policies) and `sla-…` (a conversation's SLA alerts).
 */
export const streamCategories = [
  'conversation',
  'ticket',
  'agent',
  'organization',
  'customer',
  'slapolicy',
  'sla',
] as const;
export type StreamCategory = (typeof streamCategories)[number];

export function streamId(category: StreamCategory, id: string): string {
  return `${category}-${id}`;
}

/** The category of a stream id: the part before the first `-`. */
export function streamCategory(streamIdValue: string): string {
  const dash = streamIdValue.indexOf('-');
  return dash < 0 ? streamIdValue : streamIdValue.slice(0, dash);
}

/** The entity id of a stream id: the part after the first `-` (`conversation-<chat id>` → the chat id). */
export function streamEntityId(streamIdValue: string): string {
  const dash = streamIdValue.indexOf('-');
  return dash < 0 ? '' : streamIdValue.slice(dash + 1);
}
