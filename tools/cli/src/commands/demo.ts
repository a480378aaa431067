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
import { clientOf, type CommandContext } from './context.js';
import { httpUrl, welcomeMessage } from './option-parsers.js';

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

const DEFAULT_WELCOME = 'Hi! Ask us anything: an agent answers right here.';

/**
 * `livedesk demo [--name <name>] [--page-origin <origin>] [--welcome-message <text>]`: an
 * organization to try livedesk in a browser. It allows the origin the demo page is served from,
 * greets visitors with a welcome message, has a group and two agents with display names and
 * generated passwords, and the result says where the desk and the demo page are.
 */
export function addDemoCommand(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description('create a demo organization (allowed page origin, welcome message, a group, two agents) and print how to try it in a browser')
    .option('--name <name>', 'organization name', 'Demo shop')
    .option('--page-origin <origin>', 'origin the demo page is served from (examples/demo.html)', httpUrl, 'http://localhost:8000')
    .option('--welcome-message <text>', 'the greeting the widget shows above the messages', welcomeMessage, DEFAULT_WELCOME)
    .action(async (options: DemoOptions, command: Command) => {
      const client = clientOf(command);
      const gateway = command.optsWithGlobals<{ url: string }>().url.replace(/\/+$/, '');
      const organization: ReturnType<typeof CreateOrganizationRequest.parse> = { name: options.name };
      const { organization_id: organizationId } = CreateOrganizationResponse.parse(await client.post('v1/organizations', organization));
      const org = `v1/organizations/${encodeURIComponent(organizationId)}`;
      const settings: ReturnType<typeof UpdateOrganizationRequest.parse> = { allowed_origins: [options.pageOrigin], welcome_message: options.welcomeMessage };
      const { allowed_origins: allowedOrigins, welcome_message: welcomeMessage } = OrganizationSettings.parse(await client.request('PATCH', org, settings));
      const group: ReturnType<typeof CreateGroupRequest.parse> = { name: 'Support', routing: 'auto' };
      const { group_id: groupId } = CreateGroupResponse.parse(await client.post(`${org}/groups`, group));

      // Emails are unique across the installation: a tag of this run keeps demos apart.
      const run = randomBytes(4).toString('hex');
      const agents = [];
      for (const demoAgent of DEMO_AGENTS) {
        const password = randomBytes(12).toString('base64url');
        const body: ReturnType<typeof CreateAgentRequest.parse> = {
          email: `${demoAgent.displayName.toLowerCase()}.${run}@demo.livedesk.test`,
          name: demoAgent.name,
          password,
          role: demoAgent.role,
          groups: [groupId],
        };
        const { agent_id: agentId } = CreateAgentResponse.parse(await client.post(`${org}/agents`, body));
        const profile: ReturnType<typeof UpdateAgentRequest.parse> = { display_name: demoAgent.displayName };
        const { display_name: displayName } = UpdateAgentResponse.parse(await client.request('PATCH', `${org}/agents/${encodeURIComponent(agentId)}`, profile));
        agents.push({ agent_id: agentId, name: body.name, display_name: displayName, role: body.role, email: body.email, password });
      }

      const widgetUrl = `${gateway}/widget/livedesk.js`;
      const page = new URL('/demo.html', options.pageOrigin);
      page.search = new URLSearchParams({ organization: organizationId, group: groupId, gateway }).toString();
      context.print({
        organization_id: organizationId,
        group_id: groupId,
        allowed_origins: allowedOrigins,
        welcome_message: welcomeMessage,
        desk_url: `${gateway}/desk/`,
        agents,
        widget_url: widgetUrl,
        demo_page_url: page.href,
        page_snippet: `<script src="${widgetUrl}" data-organization="${organizationId}" data-group="${groupId}" async></script>`,
      });
      context.progress(`serve examples/ on ${options.pageOrigin} (e.g. python3 -m http.server ${new URL(options.pageOrigin).port || 80} --directory examples),`);
      context.progress(`open ${page.href} as a customer and ${gateway}/desk/ as ${agents[0]!.email}`);
    });
}
