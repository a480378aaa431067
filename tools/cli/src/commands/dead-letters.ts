import { InvalidArgumentError, Option, type Command } from 'commander';
import { metricsClientOf, type CommandContext } from './context.js';
import { positiveInteger } from './option-parsers.js';

interface ListOptions {
  status?: string;
  reader?: string;
  org?: string;
  after?: string;
  limit?: number;
}

function deadLetterId(value: string): string {
  if (!/^[1-9][0-9]{0,17}$/.test(value))
    throw new InvalidArgumentError('expected a dead letter id (a whole number above 0)');
  return value;
}

/**
 * `livedesk dead-letters list|show|replay|discard`: the events the outbox relay or a
 * subscription parked (docs/dead-letters.md), over the metrics service's API (installation admin).
 */
export function addDeadLetterCommands(program: Command, context: CommandContext): void {
  const deadLetters = program
    .command('dead-letters')
    .description('events a reader parked instead of stopping on them (metrics service; installation admin)');
  deadLetters
    .command('list')
    .description('list dead letters, oldest first')
    .addOption(
      new Option('--status <status>', 'only these').choices(['parked', 'replay_requested', 'replayed', 'discarded']),
    )
    .option('--reader <name>', 'only those of one reader: outbox-relay or a consumer name')
    .option('--org <id>', 'only those of one organization')
    .option('--after <id>', 'the page after this dead letter id (next_after of the previous page)', deadLetterId)
    .option('--limit <n>', 'at most this many (default 100, at most 500)', positiveInteger)
    .action(async (options: ListOptions, command: Command) => {
      const query = new URLSearchParams();
      if (options.status) query.set('status', options.status);
      if (options.reader) query.set('reader', options.reader);
      if (options.org) query.set('organization_id', options.org);
      if (options.after) query.set('after', options.after);
      if (options.limit) query.set('limit', String(options.limit));
      const suffix = query.size > 0 ? `?${query.toString()}` : '';
      context.print(await metricsClientOf(command).request('GET', `v1/dead-letters${suffix}`));
    });
  deadLetters
    .command('show')
    .description('one dead letter and its stored event')
    .argument('<id>', 'dead letter id', deadLetterId)
    .action(async (id: string, _options: unknown, command: Command) => {
      context.print(await metricsClientOf(command).request('GET', `v1/dead-letters/${id}`));
    });
  deadLetters
    .command('replay')
    .description(
      'have the reader that parked the event hand it on again, whatever its position (after fixing the cause)',
    )
    .argument('<id>', 'dead letter id', deadLetterId)
    .action(async (id: string, _options: unknown, command: Command) => {
      context.print(await metricsClientOf(command).request('POST', `v1/dead-letters/${id}/replay`));
    });
  deadLetters
    .command('discard')
    .description('leave the event as it is; it no longer counts in livedesk_dead_letters')
    .argument('<id>', 'dead letter id', deadLetterId)
    .action(async (id: string, _options: unknown, command: Command) => {
      context.print(await metricsClientOf(command).request('POST', `v1/dead-letters/${id}/discard`));
    });
}
