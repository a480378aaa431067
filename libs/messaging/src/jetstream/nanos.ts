/** JetStream configures durations in nanoseconds. */
export function nanosFromMs(ms: number): number {
  return Math.round(ms * 1_000_000);
}
