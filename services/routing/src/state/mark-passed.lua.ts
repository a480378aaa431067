import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * markPassed — ARGV: chatId, agentId → 1 | 0 (0: unknown or released chat)
 *
 * The agent let the chat pass (auto-transfer). reserve-next reads this set in the same atomic
 * step as it picks, so no replica can offer the chat back to that agent for the rest of the
 * cycle. The slot is not freed here: the caller re-queues the chat (enqueue) or moves it
 * (assigned), each of which frees it.
 */
export const MARK_PASSED_LUA =
  LUA_PRELUDE +
  `
local chat = loadChat(ARGV[1])
if not chat or chat.ended then return 0 end
redis.call('SADD', passedKey(ARGV[1]), ARGV[2])
return 1
`;
