import { LUA_PRELUDE } from './prelude.lua.js';

/**
 * waitInputs — ARGV: groupId, nowMs, utcDay → { drainedInWindow, medianWaitMs | '' }
 *
 * The two inputs of the queue estimate (docs/metrics.md, "Queue estimate"), read in one
 * step: how many chats left the group's queue by assignment in the ${DRAIN_WINDOW_MS / 60000}
 * minutes up to nowMs, and the median of the day's first queue waits of the group (the middle
 * one, or the mean of the two middle ones). The arithmetic is in estimate-wait.ts.
 */
export const WAIT_INPUTS_LUA =
  LUA_PRELUDE +
  `
local groupId, nowMs = ARGV[1], tonumber(ARGV[2])
local drained = redis.call('ZCOUNT', drainedKey(groupId), '(' .. (nowMs - DRAIN_WINDOW_MS), nowMs)
local waits = waitsKey(ARGV[3], groupId)
local n = redis.call('ZCARD', waits)
local median = ''
if n > 0 then
  local low = redis.call('ZRANGE', waits, math.floor((n - 1) / 2), math.floor(n / 2), 'WITHSCORES')
  if #low == 2 then
    median = low[2]
  else
    median = tostring((tonumber(low[2]) + tonumber(low[4])) / 2)
  end
end
return { drained, median }
`;
