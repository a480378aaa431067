import type { Redis } from 'ioredis';
import type { ApplyOutcome, RecordedEvent } from '@livedesk/event-store';
import { POSITION_TTL_SECONDS } from '../state/prelude.lua.js';
import { RedisScript } from '../state/redis-script.js';
import { routingKey } from '../state/routing-keys.js';

/** What applyInOrder needs of the recovery (recovery/routing-state-recovery.ts). */
export interface PositionRecovery {
  watch(organizationId: string): void;
  recover(organizationId: string): Promise<void>;
  storedAgoMs(streamId: string, version: number): Promise<number | null>;
  catchUpChat(organizationId: string, streamId: string, upToVersion: number): Promise<boolean>;
}

/**
 * Positions only move forward: a slow replica finishing an older event must not move one back.
 * Run by its SHA (EVALSHA): sent whole with EVAL, Redis hashed the script again for every event.
 */
const RAISE_POSITION = new RedisScript(
  'raise-position',
  `
local applied = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > applied then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1`,
);

/**
 * Applies a conversation event once and in its stream's order, with the chat's last applied
 * version in Redis. The handler's steps are idempotent, so a crash between them and storing the
 * version only repeats them. An event whose predecessor is not applied yet (it went to another
 * replica, or is being redelivered) is answered `out_of_order` and comes back shortly.
 *
 * The position is read with the organization's epoch: a position read from a lost state would
 * be 0 and every event `out_of_order` until dropped, which is how a flushed Redis used to stop
 * routing without a word. A lost state is rebuilt first (the rebuild writes the positions).
 *
 * A position that is unknown while the event is not the stream's first (its key expired a
 * month after the chat's last event, or a partial loss took it) is caught up from the event
 * store, but only when the predecessor was stored more than `catchUpAfterMs` ago: it was
 * delivered long since, and waiting for it would wait forever. A younger one may still be on
 * its way to another replica, whose handler must not run after this event's.
 */
export async function applyInOrder(
  redis: Redis,
  recovery: PositionRecovery,
  catchUpAfterMs: number,
  event: RecordedEvent,
  handle: () => Promise<void>,
): Promise<ApplyOutcome> {
  const organizationId = event.organizationId;
  const key = routingKey(organizationId, 'applied', event.streamId);
  recovery.watch(organizationId);
  let applied = await readPosition(redis, recovery, organizationId, key);
  if (applied === null && event.streamVersion > 1) {
    const ago = await recovery.storedAgoMs(event.streamId, event.streamVersion - 1);
    if (ago !== null && ago >= catchUpAfterMs) {
      await recovery.catchUpChat(organizationId, event.streamId, event.streamVersion - 1);
      applied = await readPosition(redis, recovery, organizationId, key);
    }
  }
  const position = applied ?? 0;
  if (event.streamVersion <= position) return 'already_applied';
  if (event.streamVersion > position + 1) return 'out_of_order';
  await handle();
  await RAISE_POSITION.run(redis, key, [event.streamVersion, POSITION_TTL_SECONDS], organizationId);
  return 'applied';
}

/** The stream's last applied version, or null when none is stored; rebuilds a lost state first. */
async function readPosition(
  redis: Redis,
  recovery: PositionRecovery,
  organizationId: string,
  key: string,
): Promise<number | null> {
  const epochKey = routingKey(organizationId, 'epoch');
  for (let attempt = 0; ; attempt++) {
    const [applied, epoch] = await redis.mget(key, epochKey);
    if (epoch !== null) return applied === null ? null : Number(applied);
    if (attempt >= 2) throw new Error(`routing state of organization ${organizationId} is still lost after a rebuild`);
    await recovery.recover(organizationId);
  }
}
