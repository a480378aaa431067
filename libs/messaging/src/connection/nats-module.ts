import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { CommandClient } from '../commands/command-client.js';
import { NatsConnectionDrainer } from './nats-connection-drainer.js';
import { NATS_CONNECTION, NATS_MODULE_OPTIONS } from './nats-connection.token.js';
import type { NatsModuleOptions } from './nats-module-options.js';
import { openNatsConnection } from './open-nats-connection.js';

/**
 * One NATS connection per process, injected with `@Inject(NATS_CONNECTION)`, plus a
 * `CommandClient` that sends commands over it. Global, so feature modules only inject.
 */
@Module({})
export class NatsModule {
  static forRoot(options: NatsModuleOptions): DynamicModule {
    return {
      module: NatsModule,
      global: true,
      providers: [
        { provide: NATS_MODULE_OPTIONS, useValue: options },
        { provide: NATS_CONNECTION, useFactory: () => openNatsConnection(options) },
        NatsConnectionDrainer,
        {
          provide: CommandClient,
          useFactory: (connection: NatsConnection) =>
            new CommandClient({ connection, subjectPrefix: options.subjectPrefix }),
          inject: [NATS_CONNECTION],
        },
      ],
      exports: [NATS_CONNECTION, NATS_MODULE_OPTIONS, CommandClient],
    };
  }
}
