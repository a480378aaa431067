import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { CliError } from '../cli-error.js';
import { metricsClientOf, type CommandContext } from './context.js';
import { positiveInteger } from './option-parsers.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A repeatable option restricted to some values. */
const collectOneOf =
  (allowed: readonly string[]) =>
  (value: string, previous: string[] = []): string[] => {
    if (!allowed.includes(value)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
    return [...previous, value];
  };

interface SetOptions {
  org: string;
  id: string;
  name: string;
  position?: number;
  group?: string[];
  channel?: string[];
  priority?: string[];
  queue?: number;
  firstResponse?: number;
  nextResponse?: number;
  resolution?: number;
  calendar?: string;
  effectiveFrom?: string;
}

/**
 * `livedesk sla-policy set|list|remove`: the SLA policies of an organization on the metrics
 * service (supervisors and admins of the organization, or the installation admin).
 */
export function addSlaPolicyCommands(program: Command, context: CommandContext): void {
  const policy = program.command('sla-policy').description('SLA policies (metrics service)');
  policy
    .command('set')
    .description('create or change a policy')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--id <policy>', 'policy id, chosen by you (letters, digits, - and _)')
    .requiredOption('--name <name>', 'policy name')
    .option('--position <n>', 'policies are tried lowest first (default 100)', positiveInteger)
    .option('--group <id>', 'applies to this group (repeat for several; default any)', collect)
    .option(
      '--channel <channel>',
      'applies to this channel: chat or messaging (repeatable)',
      collectOneOf(['chat', 'messaging']),
    )
    .option(
      '--priority <priority>',
      'applies to this priority: low, normal, high or urgent (repeatable)',
      collectOneOf(['low', 'normal', 'high', 'urgent']),
    )
    .option('--queue <seconds>', 'queue target', positiveInteger)
    .option('--first-response <seconds>', 'first response target', positiveInteger)
    .option('--next-response <seconds>', 'next response target', positiveInteger)
    .option('--resolution <seconds>', 'resolution target', positiveInteger)
    .option(
      '--calendar <file>',
      'business calendar, a JSON file {time_zone, weekly: [{day, from, to}], holidays}; default 24/7',
    )
    .option('--effective-from <instant>', 'judge cycles starting from this ISO instant by it (default now)')
    .action(async (options: SetOptions, command: Command) => {
      const match = {
        ...(options.group ? { group_ids: options.group } : {}),
        ...(options.channel ? { channels: options.channel } : {}),
        ...(options.priority ? { priorities: options.priority } : {}),
      };
      const targets = {
        ...(options.queue === undefined ? {} : { queue_seconds: options.queue }),
        ...(options.firstResponse === undefined ? {} : { first_response_seconds: options.firstResponse }),
        ...(options.nextResponse === undefined ? {} : { next_response_seconds: options.nextResponse }),
        ...(options.resolution === undefined ? {} : { resolution_seconds: options.resolution }),
      };
      const body = {
        name: options.name,
        ...(options.position === undefined ? {} : { position: options.position }),
        match,
        targets,
        ...(options.calendar === undefined ? {} : { calendar: readCalendar(options.calendar) }),
        ...(options.effectiveFrom === undefined ? {} : { effective_from: options.effectiveFrom }),
      };
      context.print(await metricsClientOf(command).request('PUT', policyPath(options.org, options.id), body));
    });
  policy
    .command('list')
    .description("the organization's policies, in the order they are tried")
    .requiredOption('--org <id>', 'organization id')
    .action(async (options: { org: string }, command: Command) => {
      context.print(
        await metricsClientOf(command).request(
          'GET',
          `v1/organizations/${encodeURIComponent(options.org)}/sla_policies`,
        ),
      );
    });
  policy
    .command('remove')
    .description('remove a policy, for cycles starting from now')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--id <policy>', 'policy id')
    .action(async (options: { org: string; id: string }, command: Command) => {
      context.print(await metricsClientOf(command).request('DELETE', policyPath(options.org, options.id)));
    });
}

function policyPath(org: string, id: string): string {
  return `v1/organizations/${encodeURIComponent(org)}/sla_policies/${encodeURIComponent(id)}`;
}

function readCalendar(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError('validation', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError('validation', `${file} is not JSON`);
  }
}
