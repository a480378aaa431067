import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS, SERVICE_CONFIG } from '@livedesk/service-kit';
import { RoutingStateRecovery } from './recovery/routing-state-recovery.js';
import type { RoutingConfig } from './routing-config.js';
import { RoutingState } from './state/routing-state.js';

export const routingStateProvider: Provider = {
  provide: RoutingState,
  useFactory: (redis: Redis, config: RoutingConfig, recovery: RoutingStateRecovery) =>
    new RoutingState(redis, { queueTargetSeconds: config.ROUTING_QUEUE_TARGET_SECONDS, recovery }),
  inject: [REDIS, SERVICE_CONFIG, RoutingStateRecovery],
};
