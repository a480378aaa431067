import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { z } from 'zod';
import type { Clock } from './clock.js';

/** `<prefix>.test.clock`: where tests set the time of every service started with `LIVEDESK_TEST_CLOCK=nats`. */
export function testClockSubject(subjectPrefix: string): string {
  return `${subjectPrefix}.test.clock`;
}

const SetClock = z.object({ now: z.number().int().nonnegative() });

/**
 * A clock that tests set, for figures that must come out exact (metrics over chats driven
 * through the real protocol): real time until the first `{now}` request on the test clock
 * subject (or, with `startsAt`, frozen at that time from the start), then frozen at the time last set. Each process answers every request, so a test
 * knows that all of them have moved before it sends the next frame. Only with
 * `LIVEDESK_TEST_CLOCK=nats`, which production never sets.
 */
export class NatsTestClock implements Clock {
  private frozenAt: number | undefined;
  private readonly subscription: Subscription;

  constructor(nats: NatsConnection, subjectPrefix: string, name: string, startsAt?: number) {
    this.frozenAt = startsAt;
    this.subscription = nats.subscribe(testClockSubject(subjectPrefix), {
      callback: (error, message) => {
        if (error) return;
        let parsed: ReturnType<typeof SetClock.safeParse> | undefined;
        try {
          parsed = SetClock.safeParse(message.json());
        } catch {
          parsed = undefined;
        }
        if (parsed?.success) this.frozenAt = parsed.data.now;
        message.respond(JSON.stringify({ service: name, ok: parsed?.success ?? false }));
      },
    });
  }

  now(): Date {
    return new Date(this.frozenAt ?? Date.now());
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
