import { routingCommands, routingPattern } from '@livedesk/contracts';
import { type CommandClient, NoRespondersError, sendCommand } from '@livedesk/messaging';

/** How long the group deletion waits for routing's count. */
const QUEUE_COUNT_TIMEOUT_MS = 3000;

/**
 * How many chats wait in the group's queue, as the routing service counts them (its `overview`
 * command); undefined when no routing service runs (an installation that routes by hand has no
 * queue). A routing service that runs but does not answer in time fails the request (503
 * `unavailable`): a group is not deleted on a guess.
 */
export async function queuedChats(
  client: CommandClient,
  organizationId: string,
  groupId: string,
): Promise<number | undefined> {
  try {
    const reply = await sendCommand(
      client,
      routingPattern('overview'),
      { organization_id: organizationId, agent_ids: [], group_ids: [groupId] },
      { timeoutMs: QUEUE_COUNT_TIMEOUT_MS, parseReply: (value) => routingCommands.overview.reply.parse(value) },
    );
    return reply.groups.find((group) => group.group_id === groupId)?.chats_queued ?? 0;
  } catch (error) {
    if (error instanceof NoRespondersError) return undefined;
    throw error;
  }
}
