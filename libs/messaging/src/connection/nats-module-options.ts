export interface NatsModuleOptions {
  /** One URL or a comma-separated list of cluster URLs. */
  url: string;
  /** Connection name shown by the NATS server's monitoring (`connz`). */
  name: string;
  /** Prefix of every subject (`livedesk` in production, unique per test run). */
  subjectPrefix: string;
  /** How long the initial connect may take before boot fails. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** At most one socket write per this many milliseconds (`CoalescingTransport`). Default 0: one per turn. */
  writeLingerMs?: number;
}
