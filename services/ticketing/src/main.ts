import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { TicketingModule } from './app.module.js';
import { ticketingConfigShape } from './ticketing-config.js';

await bootstrapService({
  name: 'ticketing',
  module: TicketingModule,
  defaultPort: 8083,
  configExtension: ticketingConfigShape(),
});
