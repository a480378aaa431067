import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * position — ARGV: chatId → { groupId, position } | nil (not queued)
 *
 * Reads the chat's group and its rank in one step: a chat moved to another group between two
 * separate reads would otherwise be looked for in the wrong queue.
 */
export const QUEUE_POSITION_LUA =
  LUA_PRELUDE +
  `
local chat = loadChat(ARGV[1])
if not chat or chat.ended then return nil end
local position = positionOf(chat)
if not position then return nil end
return { chat.groupId, position }
`;
