import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { NatsHealthIndicator } from './nats-health.indicator.js';
import { PostgresHealthIndicator } from './postgres-health.indicator.js';
import { ReadinessGates } from './readiness-gates.js';
import { RedisHealthIndicator } from './redis-health.indicator.js';

const CHECK_TIMEOUT_MS = 1500;

/**
 * `live`: the process answers HTTP (an orchestrator restarts it otherwise); it checks no
 * dependency, so that a Postgres outage does not restart every replica at once.
 * `ready`: Postgres, NATS and Redis all answer, and every gate the service added is open
 * (ReadinessGates), so the replica may take traffic.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly postgres: PostgresHealthIndicator,
    private readonly nats: NatsHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly gates: ReadinessGates,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.postgres.check(CHECK_TIMEOUT_MS),
      () => this.nats.check(CHECK_TIMEOUT_MS),
      () => this.redis.check(CHECK_TIMEOUT_MS),
      ...this.gates.entries().map(([name, gate]) => () => {
        const { ready, detail } = gate();
        const session = this.indicators.check(name);
        return ready ? session.up(detail) : session.down(detail);
      }),
    ]);
  }
}
