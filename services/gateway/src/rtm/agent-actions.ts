import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  SEARCH_PAGE_DEFAULT_HITS,
  type ActionRequest,
  type agentActions,
  type TransferTarget,
} from '@livedesk/contracts';
import { DirectoryClient } from '../directory/directory-client.js';
import type { AgentPrincipal } from '@livedesk/auth';
import type { ActionContext, ActionHandlers } from './action-context.js';
import { TeamListing } from './agents/team-listing.js';
import { BanActions } from './bans/ban-actions.js';
import { TagActions } from './tags/tag-actions.js';
import { ChatCommands } from './chat-commands.js';
import { ConnectionRegistry } from './connection-registry.js';
import { ConversationClient } from './conversation-client.js';
import { CustomerProfiles } from './customers/customer-profiles.js';
import { RoutingClient } from './routing/routing-client.js';
import { TicketActions } from './tickets/ticket-actions.js';
import { RtmError } from './to-protocol-error.js';
import { VisitorDirectory } from './visitors/visitor-directory.js';
import { VisitorSignals } from './visitors/visitor-signals.js';

type Request<A extends keyof typeof agentActions> = ActionRequest<typeof agentActions, A>;

/** The actions of `/v1/agent/rtm` (docs/protocol.md, "Agent actions"), after login. */
@Injectable()
export class AgentActions {
  private readonly logger = new Logger(AgentActions.name);

  constructor(
    private readonly chats: ChatCommands,
    private readonly conversations: ConversationClient,
    private readonly directory: DirectoryClient,
    private readonly routing: RoutingClient,
    private readonly visitors: VisitorDirectory,
    private readonly visitorSignals: VisitorSignals,
    private readonly tickets: TicketActions,
    private readonly team: TeamListing,
    private readonly tags: TagActions,
    private readonly bans: BanActions,
    private readonly customers: CustomerProfiles,
    private readonly registry: ConnectionRegistry,
  ) {}

  /** A socket of the agent closed: routing counts the agent's sockets across replicas. */
  socketClosed(principal: AgentPrincipal, connectionId: string): void {
    this.routing.presence(principal, connectionId, false).catch((error: unknown) => {
      this.logger.warn({ err: error, agentId: principal.agentId }, 'routing did not hear of a closed socket');
    });
  }

  handlers(): ActionHandlers<typeof agentActions> {
    return {
      list_chats: (context, payload: Request<'list_chats'>) => this.chats.listChats(context, payload),
      get_chat: (context, payload: Request<'get_chat'>) => this.chats.getChat(context, payload),
      join_chat: (context, payload: Request<'join_chat'>) =>
        this.conversations.command('join', { ...this.chats.commandBase(context), chat_id: payload.chat_id }),
      send_event: (context, payload: Request<'send_event'>) => this.chats.sendEvent(context, payload),
      send_typing: (context, payload: Request<'send_typing'>) => this.chats.sendTyping(context, payload),
      mark_seen: (context, payload: Request<'mark_seen'>) => this.chats.markSeen(context, payload),
      transfer_chat: (context, payload: Request<'transfer_chat'>) => this.transfer(context, payload),
      resolve_chat: (context, payload: Request<'resolve_chat'>) =>
        this.conversations.command('resolve', { ...this.chats.commandBase(context), chat_id: payload.chat_id }),
      set_priority: (context, payload: Request<'set_priority'>) =>
        this.conversations.command('set_priority', {
          ...this.chats.commandBase(context),
          chat_id: payload.chat_id,
          priority: payload.priority,
        }),
      // Visitors are not in groups before they start a chat: `group_id` lists them all.
      list_visitors: async (context) => ({ visitors: await this.visitors.online(context.organizationId) }),
      send_greeting: async (context, payload: Request<'send_greeting'>) => {
        if (!(await this.visitors.isOnline(context.organizationId, payload.visitor_id))) {
          throw new RtmError('not_found', `visitor ${payload.visitor_id} is not on the site`, 'visitor_not_found');
        }
        const greetingId = randomUUID();
        this.visitorSignals.publish({
          type: 'greeting',
          organization_id: context.organizationId,
          customer_id: payload.visitor_id,
          greeting_id: greetingId,
          agent_id: context.actor.id,
          text: payload.text,
        });
        return { greeting_id: greetingId };
      },
      list_canned_responses: async (context) => ({
        canned_responses: await this.directory.cannedResponses(context.organizationId, context.actor.id),
      }),
      create_ticket: (context, payload: Request<'create_ticket'>) => this.tickets.createTicket(context, payload),
      list_agents: (context, payload: Request<'list_agents'>) => this.team.listAgents(context, payload),
      list_groups: (context) => this.team.listGroups(context),
      get_customer: (context, payload: Request<'get_customer'>) => this.customers.get(context, payload.customer_id),
      search_chats: (context, payload: Request<'search_chats'>) =>
        this.conversations.query('search', {
          organization_id: context.organizationId,
          actor: context.actor,
          ...(payload.query === undefined ? {} : { query: payload.query }),
          ...(payload.filters === undefined ? {} : { filters: payload.filters }),
          ...(payload.cursor === undefined ? {} : { cursor: payload.cursor }),
          limit: payload.limit ?? SEARCH_PAGE_DEFAULT_HITS,
        }),
      set_routing_status: async (context, payload: Request<'set_routing_status'>) => {
        const principal = context.principal as AgentPrincipal;
        const status = await this.routing.setStatus(principal, payload.status, 'agent');
        return { agent_id: principal.agentId, status };
      },
      tag_chat: (context, payload: Request<'tag_chat'>) => this.tags.tagChat(context, payload),
      untag_chat: (context, payload: Request<'untag_chat'>) => this.tags.untagChat(context, payload),
      ban_customer: (context, payload: Request<'ban_customer'>) => this.bans.banCustomer(context, payload),
      unban_customer: (context, payload: Request<'unban_customer'>) => this.bans.unbanCustomer(context, payload),
    };
  }

  /** The login answer: the agent's account, routing status and current chats. */
  async loginReply(context: ActionContext) {
    const principal = context.principal as AgentPrincipal;
    const agent = await this.directory.getAgent(context.organizationId, principal.agentId);
    if (!agent) throw new RtmError('authentication', 'the agent account no longer exists', 'agent_not_found');
    if (agent.disabled) throw new RtmError('authentication', 'the agent account is disabled', 'agent_revoked');
    // The role as the directory has it now, not as it was when the token was issued: a PATCH of
    // the role applies to the sockets opened with older tokens too (open ones: AgentChangedSignals).
    // The login registered the socket for pushes as a plain agent: a supervisor joins the supervisors here.
    this.registry.changeRole(context.connection, agent.role);
    const routingStatus = await this.routing
      .presence(principal, context.connection.id, true)
      .catch((error: unknown) => {
        // Routing down does not keep an agent out: they can still take chats by hand.
        this.logger.warn({ err: error, agentId: principal.agentId }, 'routing did not answer the login');
        return 'not_accepting' as const;
      });
    const { chats } = await this.conversations.query('list', {
      organization_id: context.organizationId,
      actor: context.actor,
      filter: 'mine',
      limit: 100,
    });
    return {
      agent: {
        agent_id: agent.agent_id,
        organization_id: agent.organization_id,
        name: agent.name,
        email: agent.email,
        role: agent.role,
        kind: agent.kind,
      },
      routing_status: routingStatus,
      chats,
    };
  }

  private async transfer(context: ActionContext, payload: Request<'transfer_chat'>) {
    const target = await this.resolveTarget(context.organizationId, payload.target);
    if ('agent_id' in target) await this.requireRoom(context, payload.chat_id, target.agent_id);
    return this.conversations.command('transfer', {
      ...this.chats.commandBase(context),
      chat_id: payload.chat_id,
      target,
      ...(payload.note === undefined ? {} : { note: payload.note }),
    });
  }

  /**
   * A transfer to an agent respects the agent's chat limit, as routing counts it. Without a
   * routing service (manual routing only) there is no count to respect. The check and the
   * transfer are two steps: two transfers at the same moment may both pass it.
   */
  private async requireRoom(context: ActionContext, chatId: string, agentId: string): Promise<void> {
    const { chat } = await this.chats.getChat(context, { chat_id: chatId, since_version: Number.MAX_SAFE_INTEGER });
    const room = await this.routing.room(context.organizationId, agentId, chat.channel).catch(() => undefined);
    if (room?.status === 'offline' && room.max !== null) {
      throw new RtmError('conflict', `agent ${agentId} is offline`, 'agent_offline');
    }
    if (room && room.max !== null && room.active >= room.max) {
      throw new RtmError(
        'conflict',
        `agent ${agentId} has no room for another chat (${room.active} of ${room.max})`,
        'agent_at_capacity',
      );
    }
  }

  /** A transfer target must belong to the organization; an agent's kind comes from the directory. */
  private async resolveTarget(
    organizationId: string,
    target: Request<'transfer_chat'>['target'],
  ): Promise<TransferTarget> {
    if ('agent_id' in target) {
      const agent = await this.directory.getAgent(organizationId, target.agent_id);
      if (!agent) throw new RtmError('not_found', `agent ${target.agent_id} does not exist`, 'agent_not_found');
      return { agent_id: agent.agent_id, agent_kind: agent.kind };
    }
    const group = await this.directory.getGroup(organizationId, target.group_id);
    if (!group) throw new RtmError('not_found', `group ${target.group_id} does not exist`, 'group_not_found');
    return { group_id: group.group_id };
  }
}
