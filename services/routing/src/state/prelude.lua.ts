import { KEY_TAGS } from './routing-keys.js';

/** Customers are remembered for a returning visit this long after their last assignment. */
export const CUSTOMER_MEMORY_SECONDS = 30 * 24 * 3600;
/** A released chat's tombstone lives this long (see `released.lua.ts`). */
export const TOMBSTONE_SECONDS = 24 * 3600;
/** The drain rate of a queue is measured over this window (docs/metrics.md, "Queue estimate"). */
export const DRAIN_WINDOW_MS = 15 * 60 * 1000;
/** A day's queue waits are kept two days, then Redis drops them (retention only, no decision reads Redis's clock). */
export const WAITS_RETENTION_SECONDS = 2 * 24 * 3600;
export const DAY_MS = 24 * 3600 * 1000;
/** A chat's last applied version is kept a month after its last event: long past any redelivery. */
export const POSITION_TTL_SECONDS = 30 * 24 * 3600;
/**
 * Availability scores pack (free slots, last assignment time) into one exact double: free slots
 * above this count as this many (the contracts allow at most 100), and times must stay below
 * TIME_SPAN_MS (2^43 ms: the year 2248), so that the score stays below 2^53.
 */
export const FREE_LEVELS = 1023;
export const TIME_SPAN_MS = 2 ** 43;

const lua = JSON.stringify;

/**
 * Key builders over KEYS[1] (the organization's base key,
 * see routing-keys.ts) and the slot bookkeeping that several scripts must do identically.
 *
 * Invariants every script keeps (each script runs atomically, so they hold between scripts):
 * - I1 slot lockstep: an agent's `active<Channel>` counter equals the number of chats of that
 *   channel in its `agent-chats` set. A counter moves only when SADD/SREM reports that the set
 *   changed, so replays and repeats never count a slot twice or free it twice.
 * - I2 one holder: a chat's `agentId` names the only agent whose `agent-chats` holds it.
 * - I3 queued xor held: a chat in a queue holds no slot (`enqueue` frees it, taking removes it).
 * - I4 accepting index: agent ∈ `group-accepting:<g>` ⇔ agent ∈ `group-agents:<g>` and its
 *   status is `accepting`; only `upsert-agent` and `set-status` change either side.
 * - I5 availability index: for each group g of an agent and each channel c, the agent's one entry
 *   in `available:<c>:<g>` exists ⇔ it is accepting with max - active > 0 on c, and its score and
 *   member spell its current free slots and last assignment (see `reindexAgent`). Every script
 *   that changes any of those calls `reindexAgent` before it returns.
 * - I6 leases: `lease:<id>` names a chat ⇔ that chat is reserved (unconfirmed) under lease `<id>`
 *   (`endLease`), so a lease that fires late can only undo the reservation it was taken for.
 */
export const LUA_HELPERS = `
local base = KEYS[1]
local function agentKey(id) return base .. ${lua(KEY_TAGS.agent)} .. id end
local function agentChatsKey(id) return base .. ${lua(KEY_TAGS.agentChats)} .. id end
local function agentGroupsKey(id) return base .. ${lua(KEY_TAGS.agentGroups)} .. id end
local function groupAgentsKey(id) return base .. ${lua(KEY_TAGS.groupAgents)} .. id end
local function groupAcceptingKey(id) return base .. ${lua(KEY_TAGS.groupAccepting)} .. id end
local function availableKey(channel, id) return base .. ${lua(KEY_TAGS.available)} .. channel .. ':' .. id end
local function queueKey(id) return base .. ${lua(KEY_TAGS.queue)} .. id end
local function drainedKey(id) return base .. ${lua(KEY_TAGS.drained)} .. id end
local function waitsKey(day, id) return base .. ${lua(KEY_TAGS.waits)} .. day .. ':' .. id end
local function chatKey(id) return base .. ${lua(KEY_TAGS.chat)} .. id end
local function passedKey(id) return base .. ${lua(KEY_TAGS.passed)} .. id end
local function leaseKey(id) return base .. ${lua(KEY_TAGS.lease)} .. id end
local function customerKey(id) return base .. ${lua(KEY_TAGS.customerLastAgent)} .. id end
local seqKey = base .. ${lua(KEY_TAGS.seq)}

local ACTIVE = { chat = 'activeChat', messaging = 'activeMessaging' }
local MAX = { chat = 'maxChat', messaging = 'maxMessaging' }
local CUSTOMER_MEMORY_SECONDS = ${CUSTOMER_MEMORY_SECONDS}
local TOMBSTONE_SECONDS = ${TOMBSTONE_SECONDS}
local DRAIN_WINDOW_MS = ${DRAIN_WINDOW_MS}
local WAITS_RETENTION_SECONDS = ${WAITS_RETENTION_SECONDS}
local DAY_MS = ${DAY_MS}
local FREE_LEVELS = ${FREE_LEVELS}
local TIME_SPAN_MS = ${TIME_SPAN_MS}

-- Redis turns a Lua number argument into text with 14 significant digits; scores need 16.
local function exact(n) return string.format('%.0f', n) end

-- The availability index orders a group's free agents for a channel as reserve-next prefers them,
-- so that a decision reads the first entries instead of every member's hash. Measured with 200
-- agents (bench/src/routing/state-decisions.ts): reading every member cost about 1.5 ms of Redis
-- time per decision (about 560 decisions/s in all); with the index, about 0.08 ms.
--
--   score  = (FREE_LEVELS - free) * TIME_SPAN_MS + (lastAssignedAt + 1): most free slots first,
--            then the oldest last assignment (never assigned: 0, before everyone);
--   member = <16-digit lastAssignedSeq>:<agentId>: for equal scores Redis orders members as
--            strings, so agents assigned in the same millisecond come in assignment order (else
--            the lowest id would win every tie), and never-assigned agents (seq 0) by id.
local function reindexAgent(agentId)
  local agent = agentKey(agentId)
  local a = redis.call('HMGET', agent, 'status', 'maxChat', 'maxMessaging', 'activeChat', 'activeMessaging', 'lastAssignedAt', 'lastAssignedSeq', 'indexMember')
  local member = string.format('%016d', tonumber(a[7]) or 0) .. ':' .. agentId
  local accepting = a[1] == 'accepting'
  local since = (tonumber(a[6]) or -1) + 1
  local free = {
    chat = (tonumber(a[2]) or 0) - (tonumber(a[4]) or 0),
    messaging = (tonumber(a[3]) or 0) - (tonumber(a[5]) or 0),
  }
  for _, groupId in ipairs(redis.call('SMEMBERS', agentGroupsKey(agentId))) do
    for channel, slots in pairs(free) do
      local key = availableKey(channel, groupId)
      if a[8] and a[8] ~= member then redis.call('ZREM', key, a[8]) end
      if accepting and slots > 0 then
        redis.call('ZADD', key, exact((FREE_LEVELS - math.min(slots, FREE_LEVELS)) * TIME_SPAN_MS + since), member)
      else
        redis.call('ZREM', key, member)
      end
    end
  end
  if a[8] ~= member then redis.call('HSET', agent, 'indexMember', member) end
end

-- Takes the agent out of a group's availability index (it leaves the group).
local function unindexAgent(agentId, groupId)
  local member = redis.call('HGET', agentKey(agentId), 'indexMember')
  if member then
    redis.call('ZREM', availableKey('chat', groupId), member)
    redis.call('ZREM', availableKey('messaging', groupId), member)
  end
end

local CHAT_FIELDS = { 'groupId', 'channel', 'customerId', 'agentId', 'reserved', 'lease', 'queuedAt', 'queueMember', 'waitRecorded', 'ended' }

-- The chat's fields (false when absent), or nil when the chat is unknown. A tombstone has only
-- \`ended\`; a live chat always has \`channel\` (set by chat-started).
local function loadChat(chatId)
  local values = redis.call('HMGET', chatKey(chatId), unpack(CHAT_FIELDS))
  local chat = {}
  for i, field in ipairs(CHAT_FIELDS) do chat[field] = values[i] end
  if chat.ended then return chat end
  if not chat.channel then return nil end
  return chat
end

-- The chat's reservation is over (confirmed, undone, or its slot freed): its lease, if any, no
-- longer covers it. Keeps I6: \`lease:<id>\` exists ⇔ a chat is reserved under lease <id>.
local function endLease(chatId, chat)
  if not chat.lease then return end
  redis.call('DEL', leaseKey(chat.lease))
  redis.call('HDEL', chatKey(chatId), 'lease')
  chat.lease = false
end

-- Frees the slot the chat holds, if any (I1, I2, I5). Returns the agent that held it, or false.
local function freeSlot(chatId, chat)
  local agentId = chat.agentId
  if not agentId then return false end
  if redis.call('SREM', agentChatsKey(agentId), chatId) == 1 then
    redis.call('HINCRBY', agentKey(agentId), ACTIVE[chat.channel], -1)
    reindexAgent(agentId)
  end
  endLease(chatId, chat)
  redis.call('HDEL', chatKey(chatId), 'agentId', 'reserved')
  chat.agentId = false
  chat.reserved = false
  return agentId
end

-- Gives the chat's slot to agentId at atMs (the caller checked chat.agentId ~= agentId):
-- moves the slot from a previous holder (I1, I2, I5), takes the chat out of its queue (I3) and, when
-- it was queued, logs the drain for the wait estimate and the cycle's first queue wait for the
-- day's median. Writes an undo record that cancel-reservation uses when a reservation fails.
-- A reservation (reserve-next) may name the lease that covers it (I6).
-- Returns the previous holder or false.
local function take(chatId, chat, agentId, atMs, reserved, lease)
  local previous = freeSlot(chatId, chat)
  if redis.call('SADD', agentChatsKey(agentId), chatId) == 1 then
    redis.call('HINCRBY', agentKey(agentId), ACTIVE[chat.channel], 1)
  end
  local seq = redis.call('INCR', seqKey)
  local undoDrained, undoWaitDay = '', ''
  local chatFields = { 'agentId', agentId, 'assignedAt', atMs, 'assignSeq', seq }

  if chat.groupId and chat.queueMember and redis.call('ZREM', queueKey(chat.groupId), chat.queueMember) == 1 then
    local member = seq .. ':' .. chatId
    local drained = drainedKey(chat.groupId)
    redis.call('ZADD', drained, atMs, member)
    -- Bounded: only the last 15 minutes are ever read.
    redis.call('ZREMRANGEBYSCORE', drained, '-inf', '(' .. (atMs - DRAIN_WINDOW_MS))
    redis.call('EXPIRE', drained, WAITS_RETENTION_SECONDS)
    undoDrained = member
    -- queue_seconds of docs/metrics.md runs to the cycle's FIRST assignment: a chat re-queued after a
    -- transfer keeps its first queued time for its place, but its second wait is not a sample.
    if not chat.waitRecorded and chat.queuedAt then
      local day = math.floor(atMs / DAY_MS)
      local waits = waitsKey(day, chat.groupId)
      redis.call('ZADD', waits, math.max(0, atMs - tonumber(chat.queuedAt)), member)
      redis.call('EXPIRE', waits, WAITS_RETENTION_SECONDS)
      chatFields[#chatFields + 1] = 'waitRecorded'
      chatFields[#chatFields + 1] = '1'
      undoWaitDay = day
    end
  end

  chatFields[#chatFields + 1] = 'undoDrained'
  chatFields[#chatFields + 1] = undoDrained
  chatFields[#chatFields + 1] = 'undoWaitDay'
  chatFields[#chatFields + 1] = undoWaitDay

  local agent = agentKey(agentId)
  local last = redis.call('HMGET', agent, 'lastAssignedAt', 'lastAssignedSeq')
  chatFields[#chatFields + 1] = 'undoLastAssignedAt'
  chatFields[#chatFields + 1] = last[1] or ''
  chatFields[#chatFields + 1] = 'undoLastAssignedSeq'
  chatFields[#chatFields + 1] = last[2] or ''
  -- Times come from callers (replicas, replayed events) and may arrive out of order: the agent's
  -- last assignment time only moves forward, so a late event cannot make a busy agent look idle.
  local lastAt = tonumber(last[1])
  if not lastAt or atMs > lastAt then lastAt = atMs end
  redis.call('HSET', agent, 'lastAssignedAt', lastAt, 'lastAssignedSeq', seq)
  reindexAgent(agentId)

  if chat.customerId then
    local customer = customerKey(chat.customerId)
    chatFields[#chatFields + 1] = 'undoCustomerAgent'
    chatFields[#chatFields + 1] = redis.call('GET', customer) or ''
    redis.call('SET', customer, agentId, 'EX', CUSTOMER_MEMORY_SECONDS)
  end

  if reserved then
    chatFields[#chatFields + 1] = 'reserved'
    chatFields[#chatFields + 1] = '1'
    if lease and lease ~= '' then
      chatFields[#chatFields + 1] = 'lease'
      chatFields[#chatFields + 1] = lease
      redis.call('SET', leaseKey(lease), chatId)
    end
  end
  redis.call('HSET', chatKey(chatId), unpack(chatFields))
  return previous
end

-- 1-based queue position of a queued chat, or false.
local function positionOf(chat)
  if not chat.groupId or not chat.queueMember then return false end
  local rank = redis.call('ZRANK', queueKey(chat.groupId), chat.queueMember)
  if not rank then return false end
  return rank + 1
end
`;

/** The error a script answers when the organization's state is gone (see LUA_PRELUDE). */
export const STATE_LOST_ERROR = 'ROUTING_STATE_LOST';

/**
 * Shared head of every routing script that reads or changes the live state: LUA_HELPERS, then
 * the loss check. The epoch key is written last when the state is built from the event store
 * (recovery/routing-state-recovery.ts) and never deleted by routing; when it is missing, Redis
 * lost the organization's keys (a restart without persistence, a failover to a replica behind,
 * an eviction, a flush), and a decision on what is left would be wrong: the script refuses with
 * STATE_LOST_ERROR before touching anything, and the caller rebuilds, then runs it again. One
 * EXISTS per script: the check costs nothing next to the script itself.
 */
export const LUA_PRELUDE =
  LUA_HELPERS +
  `
if redis.call('EXISTS', base .. ${lua(KEY_TAGS.epoch)}) == 0 then
  return redis.error_reply(${lua(`${STATE_LOST_ERROR} the routing state of this organization is gone; rebuild it from the event store`)})
end
`;
