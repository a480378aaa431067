import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import { ConversationClient } from '../conversation-client.js';
import type { RtmConfig } from '../rtm-config.js';
import type { RtmEndpoint } from '../rtm-connection.js';
import { RtmMetrics } from '../rtm-metrics.js';
import { RtmError } from '../to-protocol-error.js';
import { admitNewWork, PushLag, SHEDDABLE_ACTIONS, type OverloadBounds, type PipelineHealth } from './admission.js';

/**
 * The shell of admission control (admission.ts): reads this gateway's requests in flight to the
 * conversation service and its push lag, and answers the refusal of a new send or chat while
 * either is past its bound (`RTM_OVERLOAD_*`). Other actions are never refused here.
 */
@Injectable()
export class OverloadGuard {
  private readonly bounds: OverloadBounds;

  constructor(
    @Inject(SERVICE_CONFIG) config: RtmConfig,
    private readonly conversations: ConversationClient,
    private readonly lag: PushLag,
    private readonly metrics: RtmMetrics,
  ) {
    this.bounds = {
      maxInFlight: config.RTM_OVERLOAD_MAX_IN_FLIGHT,
      maxPushLagMs: config.RTM_OVERLOAD_MAX_PUSH_LAG_MS,
      retryAfterMs: config.RTM_OVERLOAD_RETRY_AFTER_MS,
    };
    metrics.watchPipeline(() => this.health());
  }

  health(): PipelineHealth {
    return { inFlight: this.conversations.inFlight, pushLagMs: this.lag.lagAt(Date.now()) };
  }

  /** The error to answer instead of running `action`, or undefined to run it. */
  refusal(endpoint: RtmEndpoint, action: string): RtmError | undefined {
    if (!SHEDDABLE_ACTIONS.has(action)) return undefined;
    const admission = admitNewWork(this.health(), this.bounds, Math.random());
    if (admission.kind === 'admit') return undefined;
    this.metrics.shedWork(endpoint, action, admission.cause);
    return new RtmError(
      'unavailable',
      admission.cause === 'push_lag'
        ? 'the service is overloaded (its pushes run behind); try again after retry_after_ms'
        : 'the service is overloaded; try again after retry_after_ms',
      'overloaded',
      admission.retryAfterMs,
    );
  }
}
