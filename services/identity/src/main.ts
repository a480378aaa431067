import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { IdentityServiceModule } from './app.module.js';
import { identityConfigShape } from './identity-config.js';

await bootstrapService({
  name: 'identity',
  module: IdentityServiceModule,
  defaultPort: 8085,
  configExtension: identityConfigShape(),
});
