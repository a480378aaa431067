export { AgentClient } from './agent-client.js';
export { backoffDelay, retryDelay, type BackoffOptions } from './backoff.js';
export { ChatTimeline } from './chat-timeline.js';
export {
  LivedeskClient,
  type ChatEventDelivery,
  type ClientEvents,
  type ClientOptions,
  type RequestOptions,
} from './client.js';
export { CustomerClient } from './customer-client.js';
export { LivedeskError, type ClientErrorCode } from './errors.js';
export type * from './protocol.js';
export type { WebSocketConstructor, WebSocketLike } from './socket.js';
export { fetchAgentToken, fetchCustomerToken, type TokenProvider } from './tokens.js';
