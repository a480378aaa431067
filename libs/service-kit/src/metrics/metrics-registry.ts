import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per application rather than prom-client's global one, so that two apps in one
 * process (tests) do not register the same metric twice. Every series carries `service`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
