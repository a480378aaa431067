import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import {
  CreateAgentResponse,
  CreateGroupResponse,
  CreateOrganizationResponse,
  OrganizationSettings,
  UpdateAgentResponse,
  type CreateAgentRequest,
  type CreateGroupRequest,
  type CreateOrganizationRequest,
  type UpdateAgentRequest,
  type UpdateOrganizationRequest,
} from '@livedesk/contracts';
import { CliError } from '../cli-error.js';
import type { SetupClient } from '../setup-client.js';
import { clientOf, type CommandContext } from './context.js';
import { writeDemoHistory, type SeedOptions } from './demo-seed.js';
import { httpUrl, nonNegativeInteger, positiveInteger, welcomeMessage } from './option-parsers.js';

interface DemoOptions {
  name: string;
  pageOrigin: string;
  welcomeMessage: string;
}

/** `name` is what the team sees; customers see `display_name` in the widget. */
const DEMO_AGENTS = [
  { name: 'Alice Martin', displayName: 'Alice', role: 'supervisor' },
  { name: 'Bob Jones', displayName: 'Bob', role: 'agent' },
] as const;

/** `livedesk demo seed`: a team big enough for reports to compare agents and groups. */
const SEED_AGENTS = [
  ...DEMO_AGENTS,
  { name: 'Carla Diaz', displayName: 'Carla', role: 'agent' },
  { name: 'Dan Okafor', displayName: 'Dan', role: 'agent' },
  { name: 'Eve Novak', displayName: 'Eve', role: 'agent' },
  { name: 'Frank Weber', displayName: 'Frank', role: 'agent' },
] as const;

const DEFAULT_WELCOME = 'Hi! Ask us anything: an agent answers right here.';

type DemoAgent = { name: string; displayName: string; role: 'agent' | 'supervisor' | 'admin' };

export interface DemoOrganization {
  organizationId: string;
  groupIds: string[];
  allowedOrigins: string[];
  welcomeMessage: string | null;
  agents: {
    agent_id: string;
    name: string;
    display_name: string | null;
    role: string;
    email: string;
    password: string;
    groups: string[];
  }[];
}

/**
 * Creates an organization to try livedesk with: it allows the demo page's origin, greets
 * visitors with a welcome message, and has the given groups and agents (display names,
 * generated passwords); the first group is the widget's, and agents are spread over the others.
 */
async function createDemoOrganization(
  client: SetupClient,
  options: DemoOptions,
  groups: readonly string[],
  demoAgents: readonly DemoAgent[],
): Promise<DemoOrganization> {
  const organization: ReturnType<typeof CreateOrganizationRequest.parse> = { name: options.name };
  const { organization_id: organizationId } = CreateOrganizationResponse.parse(
    await client.post('v1/organizations', organization),
  );
  const org = `v1/organizations/${encodeURIComponent(organizationId)}`;
  const settings: ReturnType<typeof UpdateOrganizationRequest.parse> = {
    allowed_origins: [options.pageOrigin],
    welcome_message: options.welcomeMessage,
  };
  const { allowed_origins: allowedOrigins, welcome_message: welcomeMessage } = OrganizationSettings.parse(
    await client.request('PATCH', org, settings),
  );
  const groupIds: string[] = [];
  for (const name of groups) {
    const group: ReturnType<typeof CreateGroupRequest.parse> = { name, routing: 'auto' };
    groupIds.push(CreateGroupResponse.parse(await client.post(`${org}/groups`, group)).group_id);
  }

  // Emails are unique across the installation: a tag of this run keeps demos apart.
  const run = randomBytes(4).toString('hex');
  const agents: DemoOrganization['agents'] = [];
  for (const [index, demoAgent] of demoAgents.entries()) {
    const password = randomBytes(12).toString('base64url');
    // Everyone answers the widget's group; every second agent answers the next group too.
    const memberOf = [
      groupIds[0]!,
      ...(groupIds.length > 1 && index % 2 === 1 ? [groupIds[1 + (index % (groupIds.length - 1))]!] : []),
    ];
    const body: ReturnType<typeof CreateAgentRequest.parse> = {
      email: `${demoAgent.displayName.toLowerCase()}.${run}@demo.livedesk.test`,
      name: demoAgent.name,
      password,
      role: demoAgent.role,
      groups: memberOf,
    };
    const { agent_id: agentId } = CreateAgentResponse.parse(await client.post(`${org}/agents`, body));
    const profile: ReturnType<typeof UpdateAgentRequest.parse> = { display_name: demoAgent.displayName };
    const { display_name: displayName } = UpdateAgentResponse.parse(
      await client.request('PATCH', `${org}/agents/${encodeURIComponent(agentId)}`, profile),
    );
    agents.push({
      agent_id: agentId,
      name: body.name,
      display_name: displayName,
      role: body.role,
      email: body.email,
      password,
      groups: memberOf,
    });
  }
  return { organizationId, groupIds, allowedOrigins, welcomeMessage, agents };
}

/** What to print for a demo organization: where its desk, widget and demo page are. */
function describeDemo(demo: DemoOrganization, gateway: string, pageOrigin: string) {
  const widgetUrl = `${gateway}/widget/livedesk.js`;
  const groupId = demo.groupIds[0]!;
  const page = new URL('/demo.html', pageOrigin);
  page.search = new URLSearchParams({ organization: demo.organizationId, group: groupId, gateway }).toString();
  return {
    organization_id: demo.organizationId,
    group_id: groupId,
    allowed_origins: demo.allowedOrigins,
    welcome_message: demo.welcomeMessage,
    desk_url: `${gateway}/desk/`,
    agents: demo.agents.map(({ groups: _groups, ...agent }) => agent),
    widget_url: widgetUrl,
    demo_page_url: page.href,
    page_snippet: `<script src="${widgetUrl}" data-organization="${demo.organizationId}" data-group="${groupId}" async></script>`,
  };
}

function progressHowToTry(
  context: CommandContext,
  described: ReturnType<typeof describeDemo>,
  pageOrigin: string,
  gateway: string,
): void {
  context.progress(
    `serve examples/ on ${pageOrigin} (e.g. python3 -m http.server ${new URL(pageOrigin).port || 80} --directory examples),`,
  );
  context.progress(
    `open ${described.demo_page_url} as a customer and ${gateway}/desk/ as ${described.agents[0]!.email}`,
  );
}

/**
 * `livedesk demo [--name <name>] [--page-origin <origin>] [--welcome-message <text>]`: an
 * organization to try livedesk in a browser. It allows the origin the demo page is served from,
 * greets visitors with a welcome message, has a group and two agents with display names and
 * generated passwords, and the result says where the desk and the demo page are.
 *
 * `livedesk demo seed --database-url <url> [--days n] [--chats-per-day n]`: the same with two
 * groups, six agents and their past days of chats written to the event store (see demo-seed.ts).
 */
export function addDemoCommand(program: Command, context: CommandContext): void {
  const withDemoOptions = (command: Command) =>
    command
      .option('--name <name>', 'organization name', 'Demo shop')
      .option(
        '--page-origin <origin>',
        'origin the demo page is served from (examples/demo.html)',
        httpUrl,
        'http://localhost:8000',
      )
      .option(
        '--welcome-message <text>',
        'the greeting the widget shows above the messages',
        welcomeMessage,
        DEFAULT_WELCOME,
      );
  const demo = withDemoOptions(
    program
      .command('demo')
      .description(
        'create a demo organization (allowed page origin, welcome message, a group, two agents) and print how to try it in a browser',
      ),
  ).action(async (options: DemoOptions, command: Command) => {
    const gateway = command.optsWithGlobals<{ url: string }>().url.replace(/\/+$/, '');
    const created = await createDemoOrganization(clientOf(command), options, ['Support'], DEMO_AGENTS);
    const described = describeDemo(created, gateway, options.pageOrigin);
    context.print(described);
    progressHowToTry(context, described, options.pageOrigin, gateway);
  });

  withDemoOptions(
    demo
      .command('seed')
      .description(
        'a demo organization (two groups, six agents) with days of realistic chat history written to the event store, for reports and BI tools',
      ),
  )
    .option('--database-url <url>', 'the Postgres database of the event store (default: DATABASE_URL)')
    .option('--days <n>', 'days of history, ending yesterday', positiveInteger, 14)
    .option('--chats-per-day <n>', 'chats started per day', positiveInteger, 150)
    .option('--seed <n>', 'random seed: the same seed plans the same history', nonNegativeInteger, 42)
    .action(async (seedOptions: SeedOptions & DemoOptions, command: Command) => {
      const options = seedOptions;
      const databaseUrl = seedOptions.databaseUrl ?? process.env.DATABASE_URL;
      if (!databaseUrl)
        throw new CliError('usage', "demo seed needs --database-url or DATABASE_URL (the event store's Postgres)");
      const gateway = command.optsWithGlobals<{ url: string }>().url.replace(/\/+$/, '');
      const created = await createDemoOrganization(clientOf(command), options, ['Support', 'Sales'], SEED_AGENTS);
      context.progress(`organization ${created.organizationId} created; writing ${seedOptions.days} days of history`);
      const history = await writeDemoHistory(databaseUrl, created, seedOptions, (line) => context.progress(line));
      const described = describeDemo(created, gateway, options.pageOrigin);
      context.print({ ...described, group_ids: created.groupIds, history });
      progressHowToTry(context, described, options.pageOrigin, gateway);
    });
}
