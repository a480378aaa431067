import { Inject, Injectable } from '@nestjs/common';
import {
  ticketingCommands,
  ticketingPattern,
  ticketingQueries,
  type TicketingCommand,
  type TicketingCommandName,
  type TicketingCommandReply,
  type TicketingQuery,
  type TicketingQueryName,
  type TicketingQueryReply,
} from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import type { RtmConfig } from '../rtm-config.js';

/** The ticketing service's commands and queries, typed by the contracts, replies parsed. */
@Injectable()
export class TicketingClient {
  private readonly timeoutMs: number;

  constructor(
    private readonly client: CommandClient,
    @Inject(SERVICE_CONFIG) config: RtmConfig,
  ) {
    this.timeoutMs = config.RTM_COMMAND_TIMEOUT_MS;
  }

  command<N extends TicketingCommandName>(name: N, command: TicketingCommand<N>): Promise<TicketingCommandReply<N>> {
    const reply = ticketingCommands[name].reply;
    return sendCommand(
      this.client,
      ticketingPattern(name),
      { ...command, expires_at: Date.now() + this.timeoutMs },
      {
        timeoutMs: this.timeoutMs,
        parseReply: (value) => reply.parse(value) as TicketingCommandReply<N>,
      },
    );
  }

  query<N extends TicketingQueryName>(name: N, query: TicketingQuery<N>): Promise<TicketingQueryReply<N>> {
    const reply = ticketingQueries[name].reply;
    return sendCommand(this.client, ticketingPattern(name), query, {
      timeoutMs: this.timeoutMs,
      parseReply: (value) => reply.parse(value) as TicketingQueryReply<N>,
    });
  }
}
