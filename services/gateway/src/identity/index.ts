// What the rest of the gateway (the WebSocket code) uses of the identity module.
export { IdentityModule } from './identity.module.js';
export { TokenService, type IssuedToken, type TokenServiceOptions } from './token-service.js';
export { actorOf, type AgentPrincipal, type CustomerPrincipal, type Principal } from './principal.js';
export { IdentityError, InvalidTokenError, type IdentityErrorCode, type InvalidTokenReason } from './identity-errors.js';
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
