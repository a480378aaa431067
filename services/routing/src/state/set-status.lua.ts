import { LUA_PRELUDE } from './prelude.lua.js';
import { KEY_TAGS } from './routing-keys.js';

/**
 * setStatus — ARGV: agentId, status, nowMs, chosen ('' for none) → { from, to }
 *
 * Reads the old status and writes the new one in one step, so two replicas handling two status
 * commands of one agent report a consistent chain of changes (each `from` is the `to` before it)
 * for the AgentStatusChanged events the metrics count on. An unknown agent was `offline`.
 * The accepting and availability indexes (I4, I5) change in the same step: the moment an agent is
 * not accepting, no replica can pick it. Its chats stay (not_accepting keeps them; for offline the caller re-queues
 * each chat of agentChats() with enqueue, one event each). The status the agent chose (which a
 * returning socket restores) is stored in the same step, so a rebuild cannot fall between them.
 */
export const SET_STATUS_LUA =
  LUA_PRELUDE +
  `
local agentId, status = ARGV[1], ARGV[2]
local agent = agentKey(agentId)
local from = redis.call('HGET', agent, 'status') or 'offline'
if from ~= status or redis.call('HEXISTS', agent, 'status') == 0 then
  redis.call('HSET', agent, 'status', status, 'statusChangedAt', ARGV[3])
end
for _, groupId in ipairs(redis.call('SMEMBERS', agentGroupsKey(agentId))) do
  if status == 'accepting' then
    redis.call('SADD', groupAcceptingKey(groupId), agentId)
  else
    redis.call('SREM', groupAcceptingKey(groupId), agentId)
  end
end
if ARGV[4] ~= '' then redis.call('HSET', base .. ${JSON.stringify(KEY_TAGS.chosenStatus)}, agentId, ARGV[4]) end
reindexAgent(agentId)
return { from, status }
`;
