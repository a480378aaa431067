import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { TicketingModule } from './app.module.js';

await bootstrapService({
  name: 'ticketing',
  module: TicketingModule,
  defaultPort: 8083,
});
