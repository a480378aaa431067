/** The customer side only (`@livedesk/client/customer`): what a website widget bundles. */
export { CustomerClient } from './customer-client.js';
export { LivedeskError, type ClientErrorCode } from './errors.js';
export type * from './protocol.js';
export { fetchCustomerToken, type TokenProvider } from './tokens.js';
