import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * queue — ARGV: groupId → flat { chatId, customerId, queuedAtMs, … } in queue order
 *
 * One consistent snapshot of the queue (positions are the array order), read in one step so
 * that no reservation between two reads can show a chat twice or skip one.
 */
export const QUEUE_VIEW_LUA =
  LUA_PRELUDE +
  `
local out = {}
local entries = redis.call('ZRANGE', queueKey(ARGV[1]), 0, -1, 'WITHSCORES')
for i = 1, #entries, 2 do
  local chatId = string.sub(entries[i], 18)
  out[#out + 1] = chatId
  out[#out + 1] = redis.call('HGET', chatKey(chatId), 'customerId') or ''
  out[#out + 1] = entries[i + 1]
end
return out
`;
