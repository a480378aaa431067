/** Injection token of the parsed `ServiceConfig` (plus the service's own variables). */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
