import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RecordedEvent } from '@livedesk/event-store';
import { METRICS_REGISTRY } from '@livedesk/service-kit';

/**
 * The projection's Prometheus figures: events applied, whether this replica leads, and the lag
 * of each committed batch behind its events (commit time minus the events' time, by this
 * machine's clock and the clock that stamped the events).
 */
@Injectable()
export class ProjectionMetrics {
  private readonly applied: Counter;
  private readonly lag: Histogram;
  readonly leader: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.applied = new Counter({
      name: 'metrics_projection_events_total',
      help: 'Events the live projection applied',
      registers: [registry],
    });
    this.lag = new Histogram({
      name: 'metrics_projection_lag_seconds',
      help: 'Time from an event to the commit of the batch that projected it',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.leader = new Gauge({
      name: 'metrics_projection_leader',
      help: '1 while this replica leads the projection',
      registers: [registry],
    });
  }

  committed(events: readonly RecordedEvent[]): void {
    const now = Date.now();
    this.applied.inc(events.length);
    for (const event of events) this.lag.observe(Math.max(0, now - event.occurredAt.getTime()) / 1000);
  }
}
