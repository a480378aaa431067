import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * released — ARGV: chatId → agentId | ''
 *
 * The chat's cycle ended (resolved, closed, missed): frees its slot, takes it out of its queue
 * and forgets it, all in one step, so the freed slot and the next reserve-next never disagree.
 * The customer's last agent stays (returning customer). What stays of the chat is a tombstone
 * (`ended`, kept ${TOMBSTONE_SECONDS / 3600} h) so that a late or redelivered AgentAssigned or
 * ConversationQueued cannot take a slot for a chat that will never be released again.
 */
export const RELEASED_LUA =
  LUA_PRELUDE +
  `
local chatId = ARGV[1]
local chat = loadChat(chatId)
local agentId = false
if chat and not chat.ended then
  agentId = freeSlot(chatId, chat)
  if chat.groupId and chat.queueMember then
    redis.call('ZREM', queueKey(chat.groupId), chat.queueMember)
  end
end
redis.call('DEL', chatKey(chatId), passedKey(chatId))
redis.call('HSET', chatKey(chatId), 'ended', '1')
redis.call('EXPIRE', chatKey(chatId), TOMBSTONE_SECONDS)
return agentId or ''
`;
