import { LUA_HELPERS, POSITION_TTL_SECONDS } from './prelude.lua.js';
import { KEY_TAGS } from './routing-keys.js';

const lua = JSON.stringify;

/**
 * restore — ARGV: one part of a restore plan as JSON (recovery/plan-restore.ts:
 * { positions, agents, lastAssignments, chats, holds, groupIds }, each optional) → 1 (written) | 0 (refused)
 *
 * Writes what the event store says into an organization's state, through the same helpers as
 * the live scripts, so that every invariant of prelude.lua.ts holds afterwards: chats with
 * their group, channel, customer and cycle's first queued time; queue places handed out in the
 * order given (the plan sorts by first queued time, then arrival); held slots taken with
 * `take`, which keeps loads, the availability index and the agents' last assignments in step;
 * agents' statuses, chosen statuses and last assignments; the subscription's position in each
 * stream read.
 *
 * Agents' groups and limits are not in the event store (the gateways send them with presence,
 * upsert-agent.lua.ts), so a restored agent is in no group until its profile comes.
 *
 * It has no epoch check (it runs while the state is being built), and it refuses, writing
 * nothing, when a position it would write exists already: a live event of that stream was
 * applied since the stream was read, so this part is late (a chat caught up by two replicas at
 * once; events/apply-in-order.ts) and the caller reads again.
 */
export const RESTORE_LUA =
  LUA_HELPERS +
  `
local plan = cjson.decode(ARGV[1])
local null = cjson.null
local function appliedKey(streamId) return base .. ${lua(KEY_TAGS.applied)} .. streamId end
local positions = plan.positions or {}
for _, position in ipairs(positions) do
  if redis.call('EXISTS', appliedKey(position.streamId)) == 1 then return 0 end
end
for _, position in ipairs(positions) do
  redis.call('SET', appliedKey(position.streamId), position.version, 'EX', ${POSITION_TTL_SECONDS})
end

for _, agent in ipairs(plan.agents or {}) do
  redis.call('HSET', agentKey(agent.agentId), 'status', agent.status, 'statusChangedAt', exact(agent.statusChangedAtMs))
  if agent.chosen ~= null then redis.call('HSET', base .. ${lua(KEY_TAGS.chosenStatus)}, agent.agentId, agent.chosen) end
  reindexAgent(agent.agentId)
end

for _, last in ipairs(plan.lastAssignments or {}) do
  redis.call('HSET', agentKey(last.agentId), 'lastAssignedAt', exact(last.atMs), 'lastAssignedSeq', redis.call('INCR', seqKey))
  reindexAgent(last.agentId)
end

for _, c in ipairs(plan.chats or {}) do
  local key = chatKey(c.chatId)
  redis.call('DEL', key, passedKey(c.chatId))
  redis.call('HSET', key, 'groupId', c.groupId, 'channel', c.channel, 'customerId', c.customerId)
  if c.queuedAtMs ~= null then
    local member = string.format('%016d', redis.call('INCR', seqKey)) .. ':' .. c.chatId
    redis.call('HSET', key, 'queuedAt', exact(c.queuedAtMs), 'queueMember', member)
    if c.holder == null then redis.call('ZADD', queueKey(c.groupId), exact(c.queuedAtMs), member) end
  end
  for _, agentId in ipairs(c.passedAgentIds) do redis.call('SADD', passedKey(c.chatId), agentId) end
end

for _, hold in ipairs(plan.holds or {}) do
  local chat = loadChat(hold.chatId)
  if chat and not chat.ended and chat.agentId ~= hold.agentId then
    take(hold.chatId, chat, hold.agentId, hold.assignedAtMs, false)
  end
end

for _, groupId in ipairs(plan.groupIds or {}) do
  redis.call('HSETNX', base .. ${lua(KEY_TAGS.groupModes)}, groupId, 'auto')
end
return 1
`;
