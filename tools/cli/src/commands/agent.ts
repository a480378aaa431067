import { Option, type Command } from 'commander';
import type { CreateAgentRequest, UpdateAgentRequest } from '@livedesk/contracts';
import { CliError } from '../cli-error.js';
import { clientOf, type CommandContext } from './context.js';
import { positiveInteger } from './option-parsers.js';

type Body = ReturnType<typeof CreateAgentRequest.parse>;

interface AgentOptions {
  org: string;
  email: string;
  name: string;
  password: string;
  role: Body['role'];
  kind?: NonNullable<Body['kind']>;
  maxChats?: number;
  group?: string[];
}

/**
 * `livedesk agent create --org <id> --email <e> --name <n> --password <p> --role <role> [--kind] [--max-chats] [--group <id>...]`,
 * `livedesk agent disable|enable --org <id> --agent <id>`,
 * `livedesk agent set --org <id> --agent <id> [--name <n>] [--display-name <n> | --clear-display-name] [--avatar-url <url> | --clear-avatar-url]`.
 */
export function addAgentCommands(program: Command, context: CommandContext): void {
  const agent = program.command('agent').description('agents, supervisors, admins and bots');
  agent
    .command('create')
    .description('create an agent account; prints its id and API key (shown once)')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--email <email>', 'login email, unique across the installation')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--password <password>', 'password, at least 8 characters')
    .addOption(new Option('--role <role>', 'role').choices(['agent', 'supervisor', 'admin']).makeOptionMandatory())
    .addOption(new Option('--kind <kind>', 'account kind (default human)').choices(['human', 'bot']))
    .option('--max-chats <n>', 'chats routed to the agent at once', positiveInteger)
    .option('--group <id...>', 'groups the agent belongs to (repeat or list several)')
    .action(async (options: AgentOptions, command: Command) => {
      const body: Body = {
        email: options.email,
        name: options.name,
        password: options.password,
        role: options.role,
        ...(options.kind === undefined ? {} : { kind: options.kind }),
        ...(options.maxChats === undefined ? {} : { max_chats: options.maxChats }),
        ...(options.group === undefined ? {} : { groups: options.group }),
      };
      context.print(await clientOf(command).post(`v1/organizations/${encodeURIComponent(options.org)}/agents`, body));
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    agent
      .command(name)
      .description(
        disabled
          ? 'disable an agent: its tokens are refused at once and its sockets closed'
          : 'enable a disabled agent again',
      )
      .requiredOption('--org <id>', 'organization id')
      .requiredOption('--agent <id>', 'agent id')
      .action(async (options: { org: string; agent: string }, command: Command) => {
        const body: ReturnType<typeof UpdateAgentRequest.parse> = { disabled };
        context.print(
          await clientOf(command).request(
            'PATCH',
            `v1/organizations/${encodeURIComponent(options.org)}/agents/${encodeURIComponent(options.agent)}`,
            body,
          ),
        );
      });
  }
  agent
    .command('set')
    .description("change an agent's name, the display name and avatar customers see (the gateway checks them)")
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--agent <id>', 'agent id')
    .option('--name <name>', "the agent's name (what the team sees)")
    .option('--display-name <name>', 'the name customers see in the widget')
    .option('--clear-display-name', 'customers see the name again')
    .option('--avatar-url <url>', 'an https URL of the picture customers see')
    .option('--clear-avatar-url', 'no picture')
    .action(async (options: ProfileOptions, command: Command) => {
      if (options.displayName !== undefined && options.clearDisplayName)
        throw new CliError('validation', 'give --display-name or --clear-display-name, not both');
      if (options.avatarUrl !== undefined && options.clearAvatarUrl)
        throw new CliError('validation', 'give --avatar-url or --clear-avatar-url, not both');
      const body: ReturnType<typeof UpdateAgentRequest.parse> = {
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.displayName === undefined ? {} : { display_name: options.displayName }),
        ...(options.clearDisplayName ? { display_name: null } : {}),
        ...(options.avatarUrl === undefined ? {} : { avatar_url: options.avatarUrl }),
        ...(options.clearAvatarUrl ? { avatar_url: null } : {}),
      };
      context.print(
        await clientOf(command).request(
          'PATCH',
          `v1/organizations/${encodeURIComponent(options.org)}/agents/${encodeURIComponent(options.agent)}`,
          body,
        ),
      );
    });
}

interface ProfileOptions {
  org: string;
  agent: string;
  name?: string;
  displayName?: string;
  clearDisplayName?: boolean;
  avatarUrl?: string;
  clearAvatarUrl?: boolean;
}
