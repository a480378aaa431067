import { LUA_PRELUDE } from './prelude.lua.js';
import { KEY_TAGS } from './routing-keys.js';

/**
 * upsertAgent — ARGV: agentId, maxChat, maxMessaging, groupModes (JSON { groupId: mode }), groupId…
 *   → [number of groups joined, 1 when a limit was raised (else 0)]
 *
 * Sets the agent's limits and makes its group memberships exactly the given list, keeping the
 * accepting and availability indexes (I4, I5) in step in the same script: a replica deciding between the two writes
 * could otherwise offer a chat of a group the agent just left. A new agent starts `offline`.
 * Lowering a limit below the agent's current load takes no chat away; the agent simply gets no
 * new one until it is below the limit again. The groups' routing modes are stored in the same
 * step: an agent available in a group whose mode is not stored yet could be given a chat of a
 * manual group, and a mode written apart from the script could be lost to a rebuild that
 * clears the state between the two (recovery/routing-state-recovery.ts). A raised limit is
 * reported, as a joined group is: the agent may now take queued chats (an admin's PATCH of
 * max_chats).
 */
export const UPSERT_AGENT_LUA =
  LUA_PRELUDE +
  `
local agentId = ARGV[1]
local agent = agentKey(agentId)
local known = redis.call('HSETNX', agent, 'status', 'offline') == 0
local before = redis.call('HMGET', agent, 'maxChat', 'maxMessaging')
local raised = 0
if known and (tonumber(ARGV[2]) > (tonumber(before[1]) or 0) or tonumber(ARGV[3]) > (tonumber(before[2]) or 0)) then
  raised = 1
end
redis.call('HSET', agent, 'maxChat', ARGV[2], 'maxMessaging', ARGV[3])
local accepting = redis.call('HGET', agent, 'status') == 'accepting'
for groupId, mode in pairs(cjson.decode(ARGV[4])) do
  redis.call('HSET', base .. ${JSON.stringify(KEY_TAGS.groupModes)}, groupId, mode)
end

local wanted = {}
for i = 5, #ARGV do wanted[ARGV[i]] = true end
local groups = agentGroupsKey(agentId)
for _, groupId in ipairs(redis.call('SMEMBERS', groups)) do
  if not wanted[groupId] then
    unindexAgent(agentId, groupId)
    redis.call('SREM', groups, groupId)
    redis.call('SREM', groupAgentsKey(groupId), agentId)
    redis.call('SREM', groupAcceptingKey(groupId), agentId)
  end
end
local joined = 0
for groupId in pairs(wanted) do
  joined = joined + redis.call('SADD', groups, groupId)
  redis.call('SADD', groupAgentsKey(groupId), agentId)
  if accepting then
    redis.call('SADD', groupAcceptingKey(groupId), agentId)
  else
    redis.call('SREM', groupAcceptingKey(groupId), agentId)
  end
end
reindexAgent(agentId)
return {joined, raised}
`;
