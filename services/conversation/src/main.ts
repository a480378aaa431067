import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { ConversationModule } from './app.module.js';
import { conversationConfigShape } from './conversation-config.js';

await bootstrapService({
  name: 'conversation',
  module: ConversationModule,
  defaultPort: 8081,
  configExtension: conversationConfigShape(),
});
