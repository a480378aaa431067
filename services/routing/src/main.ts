import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { RoutingModule } from './app.module.js';

await bootstrapService({
  name: 'routing',
  module: RoutingModule,
  defaultPort: 8082,
});
