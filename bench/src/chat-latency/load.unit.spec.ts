import { describe, expect, it } from '@jest/globals';
import { runOpenLoad, type LoadTarget } from './load.js';

/** A target that delivers each message after `delay(i)` ms (i = the order of sends). */
function fakeTarget(
  delay: (i: number) => number,
  drop: (i: number) => boolean = () => false,
): LoadTarget & { sent: number } {
  let listener: ((clientId: string, receivedAt: number) => void) | undefined;
  const target = {
    customers: 7,
    sent: 0,
    send(_customer: number, clientId: string) {
      const i = target.sent++;
      if (drop(i)) return;
      setTimeout(() => listener?.(clientId, performance.now()), delay(i));
    },
    onReceived(l: (clientId: string, receivedAt: number) => void) {
      listener = l;
    },
  };
  return target;
}

describe('runOpenLoad', () => {
  it('sends at the offered rate and measures every message', async () => {
    const target = fakeTarget(() => 1);
    const result = await runOpenLoad(target, { rate: 500, warmupSeconds: 0.1, durationSeconds: 0.4, drainSeconds: 1 });
    expect(target.sent).toBe(250);
    expect(result.measured).toBe(200);
    expect(result.delivered).toBe(200);
    expect(result.undelivered).toBe(0);
    expect(result.p50).toBeGreaterThanOrEqual(1);
    expect(result.p50).toBeLessThan(40);
  });

  it('charges a stall of the sender to every message scheduled during it (no coordinated omission)', async () => {
    const target = fakeTarget(() => 0);
    let stalled = false;
    const send = target.send.bind(target);
    target.send = (customer, clientId, text) => {
      // 150 ms into the run the generator's own event loop is blocked for 100 ms.
      if (!stalled && target.sent === 75) {
        stalled = true;
        const until = performance.now() + 100;
        while (performance.now() < until);
      }
      send(customer, clientId, text);
    };
    const result = await runOpenLoad(target, { rate: 500, warmupSeconds: 0, durationSeconds: 0.5, drainSeconds: 1 });
    // About 50 messages were due during the stall and waited up to 100 ms for it: latency from
    // the scheduled time shows it; latency from the actual send (a closed loop) would not.
    expect(result.max).toBeGreaterThanOrEqual(90);
    expect(result.sendLagMax).toBeGreaterThanOrEqual(90);
    expect(result.undelivered).toBe(0);
  });

  it('counts lost messages with the latency they had when the drain gave up', async () => {
    const target = fakeTarget(
      () => 0,
      (i) => i % 10 === 0,
    );
    const result = await runOpenLoad(target, { rate: 500, warmupSeconds: 0, durationSeconds: 0.2, drainSeconds: 1 });
    expect(result.undelivered).toBe(10);
    expect(result.delivered).toBe(90);
    // 10 % lost: the p99 is a lost one, at least the drain's 1 s.
    expect(result.p99).toBeGreaterThanOrEqual(1000);
  });
});
