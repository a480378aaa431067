import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * enqueue — ARGV: chatId, groupId, queuedAtMs
 *   → { 'queued', position, queuedAtMs } | { 'ignored', 'unknown_chat' | 'ended' }
 *
 * Puts the chat in its group's queue, idempotently. It keeps the time of the chat's FIRST
 * queueing in the cycle (the earliest seen, should events arrive out of order), so a chat sent
 * back after a transfer or an agent going offline keeps its place instead of going to the end.
 * Its queue member `<seq>:<chatId>` is also fixed at the first queueing, so chats queued in the
 * same millisecond stay in the order they came. Moving to another group removes it from the old
 * queue in the same step (never in two queues), and a slot it held is freed in the same step
 * (I3: queued xor held), so no replica can see the chat both waiting and taken.
 * A chat that was released (tombstone) is not queued again: a late ConversationQueued must not
 * bring a finished chat back.
 */
export const ENQUEUE_LUA =
  LUA_PRELUDE +
  `
local chatId, groupId, queuedAtMs = ARGV[1], ARGV[2], tonumber(ARGV[3])
local chat = loadChat(chatId)
if not chat then return { 'ignored', 'unknown_chat' } end
if chat.ended then return { 'ignored', 'ended' } end
freeSlot(chatId, chat)

local member = chat.queueMember
local queuedAt = tonumber(chat.queuedAt)
if not member then
  member = string.format('%016d', redis.call('INCR', seqKey)) .. ':' .. chatId
end
if not queuedAt or queuedAtMs < queuedAt then queuedAt = queuedAtMs end
if chat.groupId and chat.groupId ~= groupId then
  redis.call('ZREM', queueKey(chat.groupId), member)
end
redis.call('ZADD', queueKey(groupId), queuedAt, member)
redis.call('HSET', chatKey(chatId), 'groupId', groupId, 'queuedAt', queuedAt, 'queueMember', member)
return { 'queued', redis.call('ZRANK', queueKey(groupId), member) + 1, tostring(queuedAt) }
`;
