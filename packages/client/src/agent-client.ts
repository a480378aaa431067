import { LivedeskClient, type ClientOptions } from './client.js';
import type { RequestOptions } from './client.js';
import type {
  AgentActions,
  AgentPushes,
  ChatEventView,
  ChatTags,
  CustomerBan,
  CustomerProfile,
  VersionResponse,
} from './protocol.js';

/** An agent, supervisor or bot on `/v1/agent/rtm`. Chats assigned to it (`incoming_chat`) are followed. */
export class AgentClient extends LivedeskClient<AgentActions, AgentPushes> {
  constructor(options: ClientOptions) {
    super('agent', options);
  }

  /** Takes a queued chat and follows it from its first event. */
  async joinChat(chatId: string): Promise<VersionResponse> {
    const joined = await this.request('join_chat', { chat_id: chatId });
    this.follow(chatId);
    return joined;
  }

  /**
   * Posts an internal note (`visibility: "agents"`): the chat's agents and the supervisors get
   * it as an `InternalNotePosted` event; the customer never does. Retried like `sendMessage`.
   */
  sendNote(
    chatId: string,
    text: string,
    options: RequestOptions & { clientId?: string; attachments?: string[] } = {},
  ): Promise<ChatEventView> {
    return this.postEvent(chatId, text, options, { visibility: 'agents' });
  }

  /** Tags the chat with a tag of the organization's list; answers the chat's tags (agents who see the chat get `chat_tagged`). */
  tagChat(chatId: string, tag: string, options: RequestOptions = {}): Promise<ChatTags> {
    return this.request('tag_chat', { chat_id: chatId, tag }, options);
  }

  /** Takes a tag off the chat; answers the chat's tags (`chat_untagged` for the agents who see it). */
  untagChat(chatId: string, tag: string, options: RequestOptions = {}): Promise<ChatTags> {
    return this.request('untag_chat', { chat_id: chatId, tag }, options);
  }

  /** Supervisors and admins: bans a customer for `seconds` (for good without), closing their sockets. */
  banCustomer(
    customerId: string,
    ban: { seconds?: number; reason?: string } = {},
    options: RequestOptions = {},
  ): Promise<CustomerBan> {
    return this.request('ban_customer', { customer_id: customerId, ...ban }, options);
  }

  /** Supervisors and admins: lifts a customer's ban. */
  unbanCustomer(customerId: string, options: RequestOptions = {}): Promise<{ customer_id: string; banned: false }> {
    return this.request('unban_customer', { customer_id: customerId }, options);
  }

  /** Who the customer is: their identity's profile, current visit, earlier chats and tickets (`get_customer`). */
  getCustomer(customerId: string, options: RequestOptions = {}): Promise<CustomerProfile> {
    return this.request('get_customer', { customer_id: customerId }, options);
  }
}
