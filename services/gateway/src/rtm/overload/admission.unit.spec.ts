import { describe, expect, it } from '@jest/globals';
import { admitNewWork, MAX_RETRY_AFTER_MS, PushLag, SHEDDABLE_ACTIONS, type OverloadBounds } from './admission.js';

const bounds: OverloadBounds = { maxInFlight: 100, maxPushLagMs: 2_000, retryAfterMs: 1_000 };

describe('admitNewWork', () => {
  it('admits while both figures are within their bounds', () => {
    expect(admitNewWork({ inFlight: 99, pushLagMs: 2_000 }, bounds, 0)).toEqual({ kind: 'admit' });
    expect(admitNewWork({ inFlight: 0, pushLagMs: 0 }, bounds, 0.9)).toEqual({ kind: 'admit' });
  });

  it('sheds at the in-flight bound with the base hint', () => {
    expect(admitNewWork({ inFlight: 100, pushLagMs: 0 }, bounds, 0)).toEqual({
      kind: 'shed',
      cause: 'in_flight',
      retryAfterMs: 1_000,
    });
  });

  it('sheds past the push-lag bound and asks to wait for the excess as well', () => {
    expect(admitNewWork({ inFlight: 0, pushLagMs: 5_000 }, bounds, 0)).toEqual({
      kind: 'shed',
      cause: 'push_lag',
      retryAfterMs: 4_000,
    });
  });

  it('names the push lag when both bounds are passed', () => {
    const admission = admitNewWork({ inFlight: 500, pushLagMs: 2_500 }, bounds, 0);
    expect(admission).toEqual({ kind: 'shed', cause: 'push_lag', retryAfterMs: 1_500 });
  });

  it('spreads the hint by up to half of it, and never beyond the cap', () => {
    const hints = [0, 0.5, 0.999].map((random) => admitNewWork({ inFlight: 100, pushLagMs: 0 }, bounds, random));
    expect(hints.map((a) => (a.kind === 'shed' ? a.retryAfterMs : 0))).toEqual([1_000, 1_250, 1_500]);
    const far = admitNewWork({ inFlight: 0, pushLagMs: 10 * MAX_RETRY_AFTER_MS }, bounds, 0.999);
    expect(far.kind === 'shed' && far.retryAfterMs).toBe(Math.round(MAX_RETRY_AFTER_MS * 1.4995));
  });

  it('a bound of 0 is no bound', () => {
    const off: OverloadBounds = { maxInFlight: 0, maxPushLagMs: 0, retryAfterMs: 1_000 };
    expect(admitNewWork({ inFlight: 1e6, pushLagMs: 1e9 }, off, 0)).toEqual({ kind: 'admit' });
  });

  it('sheds only the actions that start new work', () => {
    expect([...SHEDDABLE_ACTIONS].sort()).toEqual(['send_event', 'start_chat']);
    expect(SHEDDABLE_ACTIONS.has('get_chat')).toBe(false);
    expect(SHEDDABLE_ACTIONS.has('login')).toBe(false);
  });
});

describe('PushLag', () => {
  it('is 0 before any event, and once the follower has been idle for IDLE_MS', () => {
    const lag = new PushLag();
    expect(lag.lagAt(1_000)).toBe(0);
    lag.started(1_000);
    lag.finished(1_050, 0);
    expect(lag.lagAt(1_050 + PushLag.IDLE_MS)).toBe(50);
    expect(lag.lagAt(1_051 + PushLag.IDLE_MS)).toBe(0);
  });

  it('grows while an event is in hand, however long its push takes', () => {
    const lag = new PushLag();
    lag.started(1_000);
    expect(lag.lagAt(1_200)).toBe(200);
    expect(lag.lagAt(6_000)).toBe(5_000);
  });

  it('keeps the last lag while JetStream holds a backlog, however long the follower waits for it', () => {
    const lag = new PushLag();
    lag.started(1_000);
    lag.finished(4_000, 250);
    expect(lag.lagAt(4_010)).toBe(3_000);
    expect(lag.lagAt(4_000 + 10 * PushLag.IDLE_MS)).toBe(3_000);
    lag.started(1_500);
    lag.finished(4_020, 0);
    expect(lag.lagAt(4_030)).toBe(2_520);
    expect(lag.lagAt(4_021 + PushLag.IDLE_MS)).toBe(0);
  });

  it('shows events that arrive late one by one, though the follower is idle between them', () => {
    const lag = new PushLag();
    for (let n = 0; n < 5; n++) {
      // stored at n × 100 ms, relayed 3 s late, each pushed in 1 ms, nothing pending after it
      lag.started(n * 100);
      lag.finished(n * 100 + 3_001, 0);
      expect(lag.lagAt(n * 100 + 3_050)).toBe(3_001);
    }
  });

  it('never answers a negative lag for a clock slightly ahead', () => {
    const lag = new PushLag();
    lag.started(2_000);
    expect(lag.lagAt(1_990)).toBe(0);
    lag.finished(1_995, 3);
    expect(lag.lagAt(2_100)).toBe(0);
  });
});
