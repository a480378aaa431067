import type { Command } from 'commander';
import type { CreateOrganizationRequest } from '@livedesk/contracts';
import { clientOf, type CommandContext } from './context.js';

type Body = ReturnType<typeof CreateOrganizationRequest.parse>;

/** `livedesk org create --name <name> [--time-zone <tz>]` */
export function addOrganizationCommands(program: Command, context: CommandContext): void {
  const org = program.command('org').description('organizations');
  org
    .command('create')
    .description('create an organization (installation admin only)')
    .requiredOption('--name <name>', 'organization name')
    .option('--time-zone <tz>', 'IANA time zone, e.g. Europe/Warsaw (default UTC)')
    .action(async (options: { name: string; timeZone?: string }, command: Command) => {
      const body: Body = { name: options.name, ...(options.timeZone === undefined ? {} : { time_zone: options.timeZone }) };
      context.print(await clientOf(command).post('v1/organizations', body));
    });
}
