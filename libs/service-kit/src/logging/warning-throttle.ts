/**
 * A warning that an outage repeats once per request (a best-effort report to a service that is
 * away, for every socket that opens or closes): the first is logged, then at most one a period,
 * with how many were left out since the line before. An outage then costs a line every few
 * seconds, not one per request: the service logs synchronously to stdout, and a storm of lines
 * with their stack traces held a gateway's event loop a fifth of its time while 5,000 customers
 * came back at once (bench/RESULTS.md, reconnect-storm).
 */
export class WarningThrottle {
  private left = 0;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly periodMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `log` with the number of warnings left out since its last line, or counts this one. */
  warn(log: (leftOut: number) => void): void {
    const now = this.now();
    if (now - this.lastAt < this.periodMs) {
      this.left += 1;
      return;
    }
    const leftOut = this.left;
    this.left = 0;
    this.lastAt = now;
    log(leftOut);
  }
}
