import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import { isNatsConnected, NATS_CONNECTION } from '@livedesk/messaging';

@Injectable()
export class NatsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
  ) {}

  async check(timeoutMs: number) {
    const session = this.health.check('nats');
    return (await isNatsConnected(this.connection, timeoutMs))
      ? session.up({ server: this.connection.getServer() })
      : session.down({ message: 'not connected' });
  }
}
