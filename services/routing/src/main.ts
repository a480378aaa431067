import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { RoutingModule } from './app.module.js';
import { routingConfigShape } from './routing-config.js';

await bootstrapService({
  name: 'routing',
  module: RoutingModule,
  defaultPort: 8082,
  configExtension: routingConfigShape,
});
