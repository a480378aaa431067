import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * reserveNext — ARGV: groupId, nowMs → { chatId, agentId, queuedAtMs } | nil
 *
 * The routing decision, made and applied in one atomic step: however many replicas call it at
 * once, Redis runs one script at a time, so each sees the slots and the queue the previous one
 * left, and no chat is given twice and no agent beyond its limit.
 *
 * Which chat: the group's queue in order of first queued time (then arrival order); the first
 * chat that some agent can take. A chat nobody can take now (every free agent already let it
 * pass, or no agent has room on its channel) is skipped, not allowed to block the chats behind.
 *
 * Which agent, for that chat: among the group's `accepting` members with room on the chat's
 * channel (max - active > 0) that have not let it pass,
 *   1. the customer's last agent, if it is one of them (returning customer);
 *   2. else the one with the most free slots on that channel;
 *   3. tie: the one whose last assignment is oldest; never assigned counts as oldest of all;
 *   4. tie (same millisecond, common when many chats arrive at once): the lower assignment
 *      sequence, i.e. the one assigned first; without it, agents assigned in the same millisecond
 *      would fall to the id order and the first id would win every round;
 *   5. tie (never assigned): agent id, to be deterministic.
 *
 * Taking is the same `take` as an AgentAssigned event (slot, queue, drain log, customer's last
 * agent, agent's last assignment), marked `reserved` so that the event confirms it as a no-op and
 * cancel-reservation can undo it if the assign command fails.
 *
 * Cost: one HMGET per accepting member of the group, then per examined chat one HMGET and one
 * SMEMBERS of its (usually empty) passed set. The candidate list of each channel is built and
 * sorted once per call, not per chat.
 */
export const RESERVE_NEXT_LUA =
  LUA_PRELUDE +
  `
local groupId, nowMs = ARGV[1], tonumber(ARGV[2])
local queue = queueKey(groupId)
if redis.call('ZCARD', queue) == 0 then return nil end

local agents = redis.call('SMEMBERS', groupAcceptingKey(groupId))
if #agents == 0 then return nil end

local candidates = { chat = {}, messaging = {} }
for _, agentId in ipairs(agents) do
  local a = redis.call('HMGET', agentKey(agentId), 'status', 'maxChat', 'maxMessaging', 'activeChat', 'activeMessaging', 'lastAssignedAt', 'lastAssignedSeq')
  if a[1] == 'accepting' then
    local lastAt = tonumber(a[6]) or -1
    local lastSeq = tonumber(a[7]) or -1
    local freeChat = (tonumber(a[2]) or 0) - (tonumber(a[4]) or 0)
    local freeMessaging = (tonumber(a[3]) or 0) - (tonumber(a[5]) or 0)
    if freeChat > 0 then
      table.insert(candidates.chat, { id = agentId, free = freeChat, lastAt = lastAt, lastSeq = lastSeq })
    end
    if freeMessaging > 0 then
      table.insert(candidates.messaging, { id = agentId, free = freeMessaging, lastAt = lastAt, lastSeq = lastSeq })
    end
  end
end
if #candidates.chat == 0 and #candidates.messaging == 0 then return nil end

local function before(a, b)
  if a.free ~= b.free then return a.free > b.free end
  if a.lastAt ~= b.lastAt then return a.lastAt < b.lastAt end
  if a.lastSeq ~= b.lastSeq then return a.lastSeq < b.lastSeq end
  return a.id < b.id
end
local byId = { chat = {}, messaging = {} }
for channel, list in pairs(candidates) do
  table.sort(list, before)
  for _, c in ipairs(list) do byId[channel][c.id] = true end
end

local BATCH = 100
local offset = 0
while true do
  local members = redis.call('ZRANGE', queue, offset, offset + BATCH - 1)
  if #members == 0 then return nil end
  for _, member in ipairs(members) do
    local chatId = string.sub(member, 18)
    local chat = loadChat(chatId)
    if chat and not chat.ended and #candidates[chat.channel] > 0 then
      local passed = {}
      for _, agentId in ipairs(redis.call('SMEMBERS', passedKey(chatId))) do passed[agentId] = true end
      local chosen = nil
      if chat.customerId then
        local last = redis.call('GET', customerKey(chat.customerId))
        if last and byId[chat.channel][last] and not passed[last] then chosen = last end
      end
      if not chosen then
        for _, c in ipairs(candidates[chat.channel]) do
          if not passed[c.id] then chosen = c.id break end
        end
      end
      if chosen then
        take(chatId, chat, chosen, nowMs, true)
        return { chatId, chosen, chat.queuedAt }
      end
    end
  end
  offset = offset + BATCH
end
`;
