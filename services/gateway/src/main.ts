import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { GatewayModule } from './app.module.js';

await bootstrapService({
  name: 'gateway',
  module: GatewayModule,
  defaultPort: 8080,
  // The gateway sends commands to the other services; it handles none itself.
  commands: false,
});
