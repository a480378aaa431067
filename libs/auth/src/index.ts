export { authConfigShape, type AuthSettings } from './auth-config.js';
export {
  InstallationSecrets,
  DEVELOPMENT_ADMIN_TOKEN,
  DEVELOPMENT_JWT_SECRET,
  type SecretsLogger,
} from './installation-secrets.js';
export { TokenService, type IssuedToken, type TokenServiceOptions } from './token-service.js';
export { actorOf, type AgentPrincipal, type CustomerPrincipal, type Principal } from './principal.js';
export { InvalidTokenError, type InvalidTokenReason } from './invalid-token-error.js';
export { ApiCallers, type ApiCaller } from './api-caller.js';
export { AuthModule, ACTIVE_AGENTS, type AuthModuleOptions } from './auth.module.js';
export { CachedActiveAgents, type ActiveAgents, type CachedActiveAgentsOptions } from './active-agents.js';
export { DirectoryActiveAgents } from './directory-active-agents.js';
export { AllowedOrigins, type AllowedOriginsSource } from './origins/allowed-origins.js';
export { DeskOrigins, parseDeskOrigins } from './origins/desk-origins.js';
export { OriginChecks } from './origins/origin-checks.js';
export { ORIGIN_NOT_ALLOWED, originNotAllowed } from './origins/origin-refusal.js';
export { originConfigShape, type OriginConfig } from './origins/origin-config.js';
export { originProviders } from './origins/origin-providers.js';
export { FileUrls, type FileUrlRefusal } from './file-urls.js';
export { ClientAddress, TrustedHops } from './client-address.js';
