import type { LoggerService } from '@nestjs/common';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Nest's shutdown hooks run the graceful close; this is the bound on it. Once a signal
 * arrives, the process exits after `timeoutMs` whatever is still pending (a handler that
 * never returns, a connection that never drains), with code 1 so the orchestrator's logs
 * show it was not clean. The timer is unref'ed: a clean close exits sooner with code 0.
 */
export function installShutdownDeadline(timeoutMs: number, logger: LoggerService): void {
  let armed = false;
  const arm = (signal: NodeJS.Signals) => {
    if (armed) return;
    armed = true;
    logger.log(`${signal} received, shutting down (deadline ${timeoutMs} ms)`, 'Shutdown');
    setTimeout(() => {
      logger.error(`graceful shutdown took longer than ${timeoutMs} ms, exiting`, undefined, 'Shutdown');
      process.exit(1);
    }, timeoutMs).unref();
  };
  for (const signal of SIGNALS) process.once(signal, arm);
}
