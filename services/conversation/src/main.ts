import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { ConversationModule } from './app.module.js';

await bootstrapService({
  name: 'conversation',
  module: ConversationModule,
  defaultPort: 8081,
});
