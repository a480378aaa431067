import 'reflect-metadata';
import { bootstrapService } from '@livedesk/service-kit';
import { MetricsModule } from './app.module.js';
import { metricsConfigShape } from './metrics-config.js';

await bootstrapService({
  name: 'metrics',
  module: MetricsModule,
  defaultPort: 8084,
  configExtension: metricsConfigShape(),
});
