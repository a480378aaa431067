import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * chatStarted — ARGV: chatId, groupId, channel, customerId → 'started' | 'known'
 *
 * Records a chat's cycle: its group, its channel (which capacity counter its slot uses) and its
 * customer. For a chat already live it changes nothing: a repeated ConversationStarted must not
 * move a chat back to its first group, and changing the channel of a chat that holds a slot
 * would free the slot on the wrong counter later (I1). On a released chat (tombstone) it starts
 * a new cycle: call it again on ConversationReopened.
 */
export const CHAT_STARTED_LUA =
  LUA_PRELUDE +
  `
local chatId = ARGV[1]
local chat = loadChat(chatId)
if chat and not chat.ended then return 'known' end
redis.call('DEL', chatKey(chatId), passedKey(chatId))
redis.call('HSET', chatKey(chatId), 'groupId', ARGV[2], 'channel', ARGV[3], 'customerId', ARGV[4])
return 'started'
`;
