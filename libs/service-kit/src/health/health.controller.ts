import { Controller, Get, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { NatsHealthIndicator } from './nats-health.indicator.js';
import { PostgresHealthIndicator } from './postgres-health.indicator.js';
import { ReadinessGates } from './readiness-gates.js';
import { RedisHealthIndicator } from './redis-health.indicator.js';

const CHECK_TIMEOUT_MS = 1500;

/**
 * `live`: the process answers HTTP (an orchestrator restarts it otherwise); it checks no
 * dependency, so that a Postgres outage does not restart every replica at once.
 * `ready`: Postgres (where the service has it), NATS and Redis all answer, and every gate the service added is open
 * (ReadinessGates), so the replica may take traffic.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly nats: NatsHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly gates: ReadinessGates,
    private readonly indicators: HealthIndicatorService,
    /** Absent in a service without Postgres (the gateway). */
    @Optional() private readonly postgres?: PostgresHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    const postgres = this.postgres;
    return this.health.check([
      ...(postgres ? [() => postgres.check(CHECK_TIMEOUT_MS)] : []),
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
