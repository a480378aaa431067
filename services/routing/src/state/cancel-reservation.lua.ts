import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * cancelReservation — ARGV: chatId, agentId, queuedAtMs[, leaseId] → 1 (undone) | 0 (nothing to undo)
 *
 * The assign command of a reservation failed: undo the reservation as if it never happened —
 * slot freed, chat back in its queue at its original time and arrival order, the drain and wait
 * samples it wrote removed, and the agent's last assignment and the customer's last agent put
 * back unless something newer replaced them. Only while the chat is still reserved to that
 * agent: if an AgentAssigned event confirmed it, moved it to someone else, or the chat was
 * re-queued or released meanwhile, that later fact wins and this does nothing. With a lease id,
 * only the reservation taken under that lease is undone (a later reservation of the same chat to
 * the same agent has another lease).
 */
export const CANCEL_RESERVATION_LUA =
  LUA_PRELUDE +
  `
local chatId, agentId, queuedAtMs, leaseId = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local chat = loadChat(chatId)
if not chat or chat.ended or chat.agentId ~= agentId or not chat.reserved then return 0 end
if leaseId and leaseId ~= '' and chat.lease ~= leaseId then return 0 end
local key = chatKey(chatId)
local undo = redis.call('HMGET', key, 'assignSeq', 'undoDrained', 'undoWaitDay', 'undoLastAssignedAt', 'undoLastAssignedSeq', 'undoCustomerAgent')
freeSlot(chatId, chat)

if undo[2] and undo[2] ~= '' then redis.call('ZREM', drainedKey(chat.groupId), undo[2]) end
if undo[3] and undo[3] ~= '' then
  redis.call('ZREM', waitsKey(undo[3], chat.groupId), undo[2])
  redis.call('HDEL', key, 'waitRecorded')
end

local agent = agentKey(agentId)
if redis.call('HGET', agent, 'lastAssignedSeq') == undo[1] then
  if undo[5] and undo[5] ~= '' then
    redis.call('HSET', agent, 'lastAssignedAt', undo[4], 'lastAssignedSeq', undo[5])
  else
    redis.call('HDEL', agent, 'lastAssignedAt', 'lastAssignedSeq')
  end
  reindexAgent(agentId)
end

if chat.customerId then
  local customer = customerKey(chat.customerId)
  if redis.call('GET', customer) == agentId then
    if undo[6] and undo[6] ~= '' then
      redis.call('SET', customer, undo[6], 'EX', CUSTOMER_MEMORY_SECONDS)
    else
      redis.call('DEL', customer)
    end
  end
end

local queuedAt = tonumber(chat.queuedAt)
if not queuedAt or queuedAtMs < queuedAt then queuedAt = queuedAtMs end
local member = chat.queueMember
if not member then member = string.format('%016d', redis.call('INCR', seqKey)) .. ':' .. chatId end
redis.call('ZADD', queueKey(chat.groupId), queuedAt, member)
redis.call('HSET', key, 'queuedAt', queuedAt, 'queueMember', member)
redis.call('HDEL', key, 'assignedAt', 'assignSeq', 'undoDrained', 'undoWaitDay', 'undoLastAssignedAt', 'undoLastAssignedSeq', 'undoCustomerAgent')
return 1
`;
