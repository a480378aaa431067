import { Channel, RoutingStatus } from '@livedesk/contracts';
import { TIME_SPAN_MS } from './prelude.lua.js';

/**
 * Guards on what RoutingState is given. Callers parse their inputs with the contracts' schemas at
 * the edge; these only stop values that would corrupt the state silently: an empty id would name
 * a key shared by every empty id, and a non-integer time or limit would be stored as a float
 * string that the Lua arithmetic and the sorted-set scores would then compare wrongly.
 */
export function requireId(what: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new RangeError(`routing state: ${what} must be a non-empty string`);
  }
  return value;
}

export function requireTime(what: string, value: number): number {
  // Below 2^43 ms (the year 2248): the availability index packs times into exact scores (prelude.lua.ts).
  if (!Number.isSafeInteger(value) || value < 0 || value >= TIME_SPAN_MS) {
    throw new RangeError(`routing state: ${what} must be epoch milliseconds (a non-negative integer), got ${value}`);
  }
  return value;
}

export function requireCount(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`routing state: ${what} must be a non-negative integer, got ${value}`);
  }
  return value;
}

export function requireStatus(value: string): RoutingStatus {
  return RoutingStatus.parse(value);
}

export function requireChannel(value: string): Channel {
  return Channel.parse(value);
}

export function requireGroupMode(value: string): 'auto' | 'manual' {
  if (value !== 'auto' && value !== 'manual')
    throw new RangeError(`routing state: a group's routing mode is auto or manual, got ${value}`);
  return value;
}
