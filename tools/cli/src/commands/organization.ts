import type { Command } from 'commander';
import type { CreateOrganizationRequest } from '@livedesk/contracts';
import { CliError } from '../cli-error.js';
import { clientOf, type CommandContext } from './context.js';

type Body = ReturnType<typeof CreateOrganizationRequest.parse>;
/** `UpdateOrganizationRequest` as sent: the gateway validates and normalizes the origins. */
type Changes = { name?: string; allowed_origins?: string[] };

interface SetOptions {
  org: string;
  name?: string;
  allowedOrigin?: string[];
  clearAllowedOrigins?: boolean;
}

/**
 * `livedesk org create --name <name> [--time-zone <tz>]`,
 * `livedesk org get --org <id>`,
 * `livedesk org set --org <id> [--name <name>] [--allowed-origin <origin>...] [--clear-allowed-origins]`.
 */
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
  org
    .command('get')
    .description("print an organization's settings, its allowed origins among them")
    .requiredOption('--org <id>', 'organization id')
    .action(async (options: { org: string }, command: Command) => {
      context.print(await clientOf(command).request('GET', `v1/organizations/${encodeURIComponent(options.org)}`));
    });
  org
    .command('set')
    .description("change an organization's settings; --allowed-origin replaces the whole list")
    .requiredOption('--org <id>', 'organization id')
    .option('--name <name>', 'organization name')
    .option('--allowed-origin <origin...>', 'an origin whose pages may run the widget, e.g. https://shop.example (repeat or list several)')
    .option('--clear-allowed-origins', 'allow no browser origin at all')
    .action(async (options: SetOptions, command: Command) => {
      if (options.clearAllowedOrigins && options.allowedOrigin !== undefined) {
        throw new CliError('validation', 'give --allowed-origin or --clear-allowed-origins, not both');
      }
      const body: Changes = {
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.allowedOrigin === undefined ? {} : { allowed_origins: options.allowedOrigin }),
        ...(options.clearAllowedOrigins ? { allowed_origins: [] } : {}),
      };
      context.print(await clientOf(command).request('PATCH', `v1/organizations/${encodeURIComponent(options.org)}`, body));
    });
}
