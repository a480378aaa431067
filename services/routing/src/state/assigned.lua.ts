import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * assigned — ARGV: chatId, agentId, atMs
 *   → { 'assigned', previousAgentId | '' } | { 'confirmed' } | { 'unchanged' } | { 'ignored', reason }
 *
 * Applies an AgentAssigned event. The event is a fact already committed (routing's own decision,
 * an agent picking from a manual queue, a supervisor's transfer), so it applies even above the
 * agent's limit: the state must mirror what agents really hold, and only decisions (reserve-next)
 * enforce limits. Idempotent: the same agent again changes nothing, except that it confirms a
 * reservation, after which cancel-reservation no longer undoes it (the assign command did land
 * even if its caller saw a timeout). A late event for a released chat is ignored (tombstone):
 * applying it would hold a slot that nothing would ever free again.
 */
export const ASSIGNED_LUA =
  LUA_PRELUDE +
  `
local chatId, agentId, atMs = ARGV[1], ARGV[2], tonumber(ARGV[3])
local chat = loadChat(chatId)
if not chat then return { 'ignored', 'unknown_chat' } end
if chat.ended then return { 'ignored', 'ended' } end
if chat.agentId == agentId then
  if chat.reserved then
    endLease(chatId, chat)
    redis.call('HDEL', chatKey(chatId), 'reserved')
    return { 'confirmed' }
  end
  return { 'unchanged' }
end
local previous = take(chatId, chat, agentId, atMs, false)
return { 'assigned', previous or '' }
`;
