import { Inject, Injectable } from '@nestjs/common';
import {
  banCommandPattern,
  banCommands,
  type BanCommand,
  type BanCommandName,
  type BanCommandReply,
} from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { SERVICE_CONFIG } from '@livedesk/service-kit';
import type { RtmConfig } from '../rtm-config.js';

/** The identity service's ban commands (`cmd.identity.ban_customer`, `…unban_customer`), replies parsed. */
@Injectable()
export class BanClient {
  private readonly timeoutMs: number;

  constructor(
    private readonly client: CommandClient,
    @Inject(SERVICE_CONFIG) config: RtmConfig,
  ) {
    this.timeoutMs = config.RTM_COMMAND_TIMEOUT_MS;
  }

  command<N extends BanCommandName>(name: N, command: BanCommand<N>): Promise<BanCommandReply<N>> {
    const reply = banCommands[name].reply;
    return sendCommand(this.client, banCommandPattern(name), command, {
      timeoutMs: this.timeoutMs,
      parseReply: (value) => reply.parse(value) as BanCommandReply<N>,
    });
  }
}
