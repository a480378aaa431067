import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { GatewayModule } from './app.module.js';
import { gatewayConfigShape } from './gateway-config.js';
import { rtmConfigShape } from './rtm/rtm-config.js';

await bootstrapService({
  name: 'gateway',
  module: GatewayModule,
  defaultPort: 8080,
  configExtension: { ...gatewayConfigShape(), ...rtmConfigShape },
  // The gateway sends commands to the other services, and answers one: the directory look-up
  // (`cmd.directory.lookup`) with which ticketing checks assignments.
  commands: true,
});
