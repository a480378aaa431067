export { uniqueTestId } from './run-id.js';
export { serviceUrls, type ServiceUrls } from './service-urls.js';
export { createTestDatabase, type TestDatabase } from './test-database.js';
export { createTestNats, type TestNats } from './test-nats.js';
export { createTestRedis, type TestRedis } from './test-redis.js';
export { waitFor } from './wait-for.js';
export {
  freePort,
  REPOSITORY_ROOT,
  serviceEnvironment,
  spawnService,
  waitUntilReady,
  type ServiceEnvironmentOptions,
  type ServiceName,
  type SpawnedService,
} from './spawn-service.js';
export { AGENT_PASSWORD, ChatSystem, type ChatSystemOptions } from './chat-system.js';
export { RtmTestClient, ResponseError, type Frame } from './rtm-test-client.js';
export { setTestClock } from './test-clock.js';
export { OwnNatsServer, type OwnNatsServerOptions } from './own-nats-server.js';
export { CHROMIUM_PATH, launchChromium, type TestBrowser } from './chromium.js';
export { startPageServer, type PageServer } from './page-server.js';
export { metricSample } from './metric-sample.js';
