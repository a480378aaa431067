import { Option, type Command } from 'commander';
import type { CreateGroupRequest } from '@livedesk/contracts';
import { clientOf, type CommandContext } from './context.js';

type Body = ReturnType<typeof CreateGroupRequest.parse>;

/** `livedesk group create --org <id> --name <name> [--routing auto|manual]` */
export function addGroupCommands(program: Command, context: CommandContext): void {
  const group = program.command('group').description('groups of agents that chats are routed to');
  group
    .command('create')
    .description('create a group')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--name <name>', 'group name, unique in the organization')
    .addOption(new Option('--routing <routing>', 'how chats reach agents (default auto)').choices(['auto', 'manual']))
    .action(
      async (options: { org: string; name: string; routing?: NonNullable<Body['routing']> }, command: Command) => {
        const body: Body = {
          name: options.name,
          ...(options.routing === undefined ? {} : { routing: options.routing }),
        };
        context.print(await clientOf(command).post(`v1/organizations/${encodeURIComponent(options.org)}/groups`, body));
      },
    );
}
