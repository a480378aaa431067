import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@livedesk/service-kit';
import type { PipelineHealth, ShedCause } from './overload/admission.js';
import type { RtmEndpoint } from './rtm-connection.js';

/**
 * The gateway's own Prometheus figures: open sockets, requests by action and outcome (the
 * error code), request duration, and pushes sent. Only known actions become labels, so a
 * client inventing actions cannot blow up the label set. Overload (docs/limits.md): new work
 * shed, and the two figures the decision reads, as they are at each scrape.
 */
@Injectable()
export class RtmMetrics {
  readonly connections: Gauge<'endpoint'>;
  private readonly requests: Counter<'endpoint' | 'action' | 'outcome'>;
  private readonly duration: Histogram<'endpoint' | 'action'>;
  readonly pushes: Counter<'action'>;
  readonly closedForFlooding: Counter<'endpoint'>;
  private readonly shed: Counter<'endpoint' | 'action' | 'cause'>;
  private pipeline: (() => PipelineHealth) | undefined;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.connections = new Gauge({
      name: 'rtm_connections',
      help: 'Open WebSocket connections, by endpoint',
      labelNames: ['endpoint'],
      registers: [registry],
    });
    this.requests = new Counter({
      name: 'rtm_requests_total',
      help: 'Requests answered, by endpoint, action and outcome (ok or the error code)',
      labelNames: ['endpoint', 'action', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'rtm_request_duration_seconds',
      help: 'Time from a request frame to its response, by endpoint and action',
      labelNames: ['endpoint', 'action'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.pushes = new Counter({
      name: 'rtm_pushes_total',
      help: 'Pushes sent to sockets, by action',
      labelNames: ['action'],
      registers: [registry],
    });
    this.closedForFlooding = new Counter({
      name: 'rtm_connections_closed_for_flooding_total',
      help: 'Sockets closed (1008) because they kept sending frames above the rate limit',
      labelNames: ['endpoint'],
      registers: [registry],
    });
    this.shed = new Counter({
      name: 'rtm_shed_total',
      help: 'New work refused with unavailable / overloaded, by endpoint, action and cause (in_flight or push_lag)',
      labelNames: ['endpoint', 'action', 'cause'],
      registers: [registry],
    });
    const metrics = this;
    new Gauge({
      name: 'rtm_conversation_requests_in_flight',
      help: 'Requests of this gateway to the conversation service not answered yet',
      registers: [registry],
      collect() {
        if (metrics.pipeline) this.set(metrics.pipeline().inFlight);
      },
    });
    new Gauge({
      name: 'rtm_push_lag_seconds',
      help: 'How far the pushes run behind the stored events they push (0 when caught up)',
      registers: [registry],
      collect() {
        if (metrics.pipeline) this.set(metrics.pipeline().pushLagMs / 1000);
      },
    });
  }

  /** Where the in-flight and push-lag gauges read the pipeline's health at each scrape. */
  watchPipeline(health: () => PipelineHealth): void {
    this.pipeline = health;
  }

  shedWork(endpoint: RtmEndpoint, action: string, cause: ShedCause): void {
    this.shed.inc({ endpoint, action, cause });
  }

  answered(endpoint: RtmEndpoint, action: string, outcome: string, seconds: number): void {
    this.requests.inc({ endpoint, action, outcome });
    this.duration.observe({ endpoint, action }, seconds);
  }
}
