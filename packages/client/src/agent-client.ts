import { LivedeskClient, type ClientOptions } from './client.js';
import type { RequestOptions } from './client.js';
import type { AgentActions, AgentPushes, ChatEventView, CustomerProfile, VersionResponse } from './protocol.js';

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
  sendNote(chatId: string, text: string, options: RequestOptions & { clientId?: string; attachments?: string[] } = {}): Promise<ChatEventView> {
    return this.postEvent(chatId, text, options, { visibility: 'agents' });
  }

  /** Who the customer is: their identity's profile, current visit, earlier chats and tickets (`get_customer`). */
  getCustomer(customerId: string, options: RequestOptions = {}): Promise<CustomerProfile> {
    return this.request('get_customer', { customer_id: customerId }, options);
  }
}
