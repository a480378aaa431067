import { LivedeskClient, type ClientOptions } from './client.js';
import type { CustomerActions, CustomerPushes, VersionResponse } from './protocol.js';

/** A website visitor or app user on `/v1/customer/rtm`. */
export class CustomerClient extends LivedeskClient<CustomerActions, CustomerPushes> {
  constructor(options: ClientOptions) {
    super('customer', options);
  }

  /** Opens a chat and follows it: its events, the first message included, arrive as `chat_event`. */
  async startChat(request: CustomerActions['start_chat']['request'] = {}): Promise<VersionResponse> {
    const started = await this.request('start_chat', request);
    this.follow(started.chat_id);
    return started;
  }
}
