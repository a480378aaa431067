export { authConfigShape, type AuthSettings } from './auth-config.js';
export { InstallationSecrets, DEVELOPMENT_ADMIN_TOKEN, DEVELOPMENT_JWT_SECRET, type SecretsLogger } from './installation-secrets.js';
export { TokenService, type IssuedToken, type TokenServiceOptions } from './token-service.js';
export { actorOf, type AgentPrincipal, type CustomerPrincipal, type Principal } from './principal.js';
export { InvalidTokenError, type InvalidTokenReason } from './invalid-token-error.js';
export { ApiCallers, type ApiCaller } from './api-caller.js';
export { AuthModule, ACTIVE_AGENTS, type AuthModuleOptions } from './auth.module.js';
export { CachedActiveAgents, type ActiveAgents, type CachedActiveAgentsOptions } from './active-agents.js';
export { DirectoryActiveAgents } from './directory-active-agents.js';
