import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { metricsClientOf, type CommandContext } from './context.js';
import { positiveInteger } from './option-parsers.js';

interface RebuildStatus {
  status: 'none' | 'requested' | 'running' | 'done' | 'failed';
  requested_at: string | null;
  started_at: string | null;
  events_done: number;
  events_total: number | null;
  error: string | null;
}

/**
 * `livedesk metrics rebuild [--no-wait] [--poll-ms n]`: drops the metrics tables and rebuilds
 * them from the event store (installation admin), following the rebuild's progress on stderr
 * and printing its final state; exit status 1 if it failed.
 */
export function addMetricsCommands(program: Command, context: CommandContext): void {
  const metrics = program.command('metrics').description('the metrics service');
  metrics
    .command('rebuild')
    .description('rebuild every metrics table from the event store (installation admin only)')
    .option('--no-wait', 'ask for the rebuild and return at once')
    .option('--poll-ms <ms>', 'how often to look at its progress', positiveInteger, 500)
    .action(async (options: { wait: boolean; pollMs: number }, command: Command) => {
      const client = metricsClientOf(command);
      const asked = (await client.request('POST', 'v1/metrics/rebuild')) as RebuildStatus;
      if (!options.wait) return context.print(asked);
      const since = Date.parse(asked.requested_at ?? new Date(0).toISOString());
      let last = '';
      for (;;) {
        const status = (await client.request('GET', 'v1/metrics/rebuild')) as RebuildStatus;
        // Until the leader has picked this request up, the status may still be the previous rebuild's.
        const ours = status.started_at !== null && Date.parse(status.started_at) >= since;
        if (ours && (status.status === 'done' || status.status === 'failed')) {
          context.progress(progressLine(status));
          context.print(status);
          if (status.status === 'failed')
            throw new CliError('internal', `the rebuild failed: ${status.error ?? 'no reason given'}`);
          return;
        }
        const line = ours ? progressLine(status) : 'rebuild asked for; waiting for the metrics leader to start it';
        if (line !== last) context.progress(line);
        last = line;
        await new Promise((resolve) => setTimeout(resolve, options.pollMs));
      }
    });
}

function progressLine(status: RebuildStatus): string {
  const done = status.events_done.toLocaleString('en-US');
  if (status.events_total === null || status.events_total === 0) return `rebuild ${status.status}: ${done} events`;
  const percent = Math.min(100, Math.floor((100 * status.events_done) / status.events_total));
  return `rebuild ${status.status}: ${done} of ${status.events_total.toLocaleString('en-US')} events (${percent} %)`;
}
