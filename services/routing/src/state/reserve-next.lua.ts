import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * reserveNext — ARGV: groupId, nowMs[, leaseId] → { chatId, agentId, queuedAtMs } | nil
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
 *   4. tie (same millisecond, common when many chats arrive at once): the one assigned first;
 *   5. tie (never assigned): agent id, to be deterministic.
 * 2–5 is the order of the availability index (I5, `reindexAgent` in prelude.lua.ts), which holds
 * exactly the qualifying agents but for the passed check: the first entry not in the chat's
 * passed set is the choice.
 *
 * Taking is the same `take` as an AgentAssigned event (slot, queue, drain log, customer's last
 * agent, agent's last assignment, indexes), marked `reserved` so that the event confirms it as a
 * no-op and cancel-reservation can undo it if the assign command fails.
 *
 * The lease: the dispatcher stores a lease timer under a fresh `leaseId` BEFORE it calls this,
 * and the reservation records that id (`lease:<leaseId>` → chatId, I6), so the timer finds the
 * chat even when the replica dies before it hears which chat it reserved (dispatcher.ts).
 *
 * Cost: O(log agents) for the index, plus per examined chat one HMGET and one SMEMBERS of its
 * (usually empty) passed set; chats are examined only while the ones before could not be taken.
 */
export const RESERVE_NEXT_LUA =
  LUA_PRELUDE +
  `
local groupId, nowMs, leaseId = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local queue = queueKey(groupId)
if redis.call('ZCARD', queue) == 0 then return nil end
local available = { chat = availableKey('chat', groupId), messaging = availableKey('messaging', groupId) }
local hasRoom = {
  chat = redis.call('ZCARD', available.chat) > 0,
  messaging = redis.call('ZCARD', available.messaging) > 0,
}
if not hasRoom.chat and not hasRoom.messaging then return nil end

local function choose(chatId, chat)
  local index = available[chat.channel]
  local passed = {}
  for _, agentId in ipairs(redis.call('SMEMBERS', passedKey(chatId))) do passed[agentId] = true end
  if chat.customerId then
    local last = redis.call('GET', customerKey(chat.customerId))
    if last and not passed[last] then
      local member = redis.call('HGET', agentKey(last), 'indexMember')
      if member and redis.call('ZSCORE', index, member) then return last end
    end
  end
  -- The first entry is the choice unless that agent let the chat pass: read it alone first.
  local offset, size = 0, 1
  while true do
    local members = redis.call('ZRANGE', index, offset, offset + size - 1)
    if #members == 0 then return nil end
    for _, member in ipairs(members) do
      local agentId = string.sub(member, 18)
      if not passed[agentId] then return agentId end
    end
    offset, size = offset + size, 16
  end
end

-- The first chat is usually taken: it is read alone, then pages of 100 while chats are skipped
-- (with a long queue, a page of 100 chats was read for every decision).
local offset, size = 0, 1
while true do
  local members = redis.call('ZRANGE', queue, offset, offset + size - 1)
  if #members == 0 then return nil end
  for _, member in ipairs(members) do
    local chatId = string.sub(member, 18)
    local chat = loadChat(chatId)
    if chat and not chat.ended and hasRoom[chat.channel] then
      local chosen = choose(chatId, chat)
      if chosen then
        take(chatId, chat, chosen, nowMs, true, leaseId)
        return { chatId, chosen, chat.queuedAt }
      end
    end
  end
  offset, size = offset + size, 100
end
`;
