import { z } from 'zod';
import { authConfigShape, type AuthSettings } from '@livedesk/auth';
import type { ServiceConfig } from '@livedesk/service-kit';

/** The metrics service's own settings, on top of the ones every service reads. */
export interface MetricsSettings extends AuthSettings {
  /** Events the live projection writes in one transaction at most. */
  METRICS_LIVE_BATCH: number;
  /** Events a rebuild replays per transaction. */
  METRICS_REBUILD_BATCH: number;
  /** How often a standby replica tries to become the projection leader. */
  METRICS_LEADERSHIP_RETRY_MS: number;
  /** How often the leader looks for a rebuild request. */
  METRICS_CONTROL_POLL_MS: number;
  /**
   * How often the leader recomputes the derived rows (agent_daily, group_hourly) the live batches
   * touched: the longer, the more touches of one row are merged into one recomputation.
   */
  METRICS_DERIVED_INTERVAL_MS: number;
  /** How often every replica looks for SLA alerts that are due (sla_warning, sla_breached within a second). */
  METRICS_SLA_POLL_MS: number;
  /** The local hour (organization time zone) from which the daily summary emails of the day go out. */
  DAILY_SUMMARY_HOUR: number;
  /** How often every replica looks for daily summary emails that are due. */
  DAILY_SUMMARY_POLL_MS: number;
}

export type MetricsConfig = ServiceConfig & MetricsSettings;

export function metricsConfigShape(env: NodeJS.ProcessEnv = process.env) {
  return {
    ...authConfigShape(env),
    METRICS_LIVE_BATCH: z.coerce.number().int().min(1).max(10_000).default(1000),
    METRICS_REBUILD_BATCH: z.coerce.number().int().min(100).max(10_000).default(5000),
    METRICS_LEADERSHIP_RETRY_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    METRICS_CONTROL_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(500),
    METRICS_DERIVED_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(5000),
    METRICS_SLA_POLL_MS: z.coerce.number().int().min(20).max(10_000).default(100),
    DAILY_SUMMARY_HOUR: z.coerce.number().int().min(0).max(23).default(8),
    DAILY_SUMMARY_POLL_MS: z.coerce.number().int().min(50).max(3_600_000).default(60_000),
  };
}
