// What the rest of the gateway (the WebSocket code) uses of the identity module.
export { IdentityModule } from './identity.module.js';
export { IdentityError, type IdentityErrorCode } from './identity-errors.js';
export { Directory } from './directory.js';
export type {
  Agent,
  Customer,
  CustomerProfile,
  Group,
  NewAgent,
  NewGroup,
  NewOrganization,
  Organization,
} from './directory-records.js';
export type { GroupRouting } from './directory-tables.js';
