import { describe, expect, it } from '@jest/globals';
import { WarningThrottle } from './warning-throttle.js';

describe('WarningThrottle', () => {
  it('logs the first warning, then one a period with how many it left out', () => {
    let now = 0;
    const throttle = new WarningThrottle(10_000, () => now);
    const lines: number[] = [];
    const warn = () => throttle.warn((leftOut) => lines.push(leftOut));

    warn();
    expect(lines).toEqual([0]);
    for (let i = 0; i < 500; i++) {
      now += 10;
      warn();
    }
    // 5 s later: still inside the period, all counted.
    expect(lines).toEqual([0]);
    now = 10_000;
    warn();
    expect(lines).toEqual([0, 500]);
    // A quiet hour, then one warning: logged at once, nothing left out.
    now += 3_600_000;
    warn();
    expect(lines).toEqual([0, 500, 0]);
  });
});
