export { loadServiceConfig, type LoadServiceConfigOptions } from './config/load-service-config.js';
export { ServiceConfigError } from './config/service-config-error.js';
export { serviceConfigShape, type ServiceConfig } from './config/service-config-schema.js';
export { loadDotEnv } from './config/load-dot-env.js';
export { ensureDatabase } from './database/ensure-database.js';
export { createDatabase, type Database, type CreateDatabaseOptions } from './database/create-database.js';
export { DATABASE } from './database/database.tokens.js';
export { schemaMigrator, SchemaMigrator, type MigrateSchema } from './database/schema-migrator.js';
export { createRedis } from './redis/create-redis.js';
export { REDIS } from './redis/redis.tokens.js';
export { METRICS_REGISTRY } from './metrics/metrics.tokens.js';
export { HttpMetrics } from './metrics/http-metrics.js';
export { ReadinessGates, type ReadinessGate } from './health/readiness-gates.js';
export { REQUEST_ID_HEADER } from './logging/logger-params.js';
export { WarningThrottle } from './logging/warning-throttle.js';
export { SERVICE_CONFIG } from './service-kit.tokens.js';
export { ServiceKitModule, type ServiceKitOptions } from './service-kit.module.js';
export { bootstrapService, type BootstrapServiceOptions, type RunningService } from './bootstrap/bootstrap-service.js';
export { listenWithAcceptors, type AcceptorOptions } from './bootstrap/listen-with-acceptors.js';
export { EventStoreModule, type EventStoreModuleOptions } from './event-store/event-store.module.js';
export { EVENT_STORE } from './event-store/event-store.tokens.js';
export { ApiError, type ApiErrorCode } from './http/api-error.js';
export { RateLimitedError } from './http/rate-limited-error.js';
export { ApiErrorFilter, apiErrorOf, type ApiErrorAnswer } from './http/api-error.filter.js';
export { parseBody, parseOrRefuse } from './http/parse-body.js';
export { CLOCK, systemClock, type Clock } from './clock/clock.js';
export { NatsTestClock, testClockSubject } from './clock/test-clock.js';
export {
  buildOpenApiDocument,
  unresolvedRefs,
  type ApiOperation,
  type OpenApiInfo,
  type OpenApiOptions,
} from './http/openapi.js';
export { openApiDocsController } from './http/openapi-docs.js';
export { controllerRoutes, openApiRoute } from './http/controller-routes.js';
export { startTracing } from './tracing/start-tracing.js';
export { decodeCursor, encodeCursor, InvalidCursorError } from './refusals/keyset-cursor.js';
export { toCommandError } from './refusals/to-command-error.js';
export { CommandErrorFilter } from './commands/command-error.filter.js';
export { CommandPayload, ContractPipe } from './commands/command-payload.js';
export { MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';
export { together } from './together.js';
