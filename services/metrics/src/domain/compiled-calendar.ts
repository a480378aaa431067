import type { BusinessCalendar } from './business-calendar.js';
import { openingWindows } from './opening-windows.js';

const DAY_MS = 86_400_000;
/** How far the window list is extended at a time (windows are generated in the zone by luxon, the slow part). */
const EXTEND_MS = 120 * DAY_MS;
/** A calendar open a few hours a year must still end: the same ten-year bound as `openingWindows`. */
const MAX_SPAN_MS = 3660 * DAY_MS;

/**
 * A business calendar's opening windows as sorted epoch-millisecond arrays with running totals,
 * generated once for a span of time and extended on demand, so that the business time between
 * two instants is two binary searches instead of a walk through the days in the zone. The
 * projections compute several durations per conversation cycle and a replay computes millions.
 */
export class CompiledCalendar {
  private starts: number[] = [];
  private ends: number[] = [];
  /** `before[i]`: open milliseconds of the windows before window i, from `from`. */
  private before: number[] = [];
  private from = 0;
  /** Every window starting before this instant is in the arrays. */
  private until = 0;

  constructor(private readonly calendar: BusinessCalendar) {}

  /** Open milliseconds in [a, b). */
  openMs(a: number, b: number): number {
    if (b <= a) return 0;
    this.cover(a, b);
    return this.cumulative(b) - this.cumulative(a);
  }

  /** The earliest instant t with `openMs(a, t) === ms`. */
  addOpenMs(a: number, ms: number): number {
    if (ms <= 0) return a;
    this.cover(a, a + 1);
    const target = this.cumulative(a) + ms;
    for (;;) {
      const last = this.starts.length - 1;
      if (last >= 0 && this.before[last]! + (this.ends[last]! - this.starts[last]!) >= target) break;
      if (this.until - a > MAX_SPAN_MS) throw new Error('business calendar has no opening hours in the next ten years');
      this.extendForward(this.until + EXTEND_MS);
    }
    // The first window whose running total reaches the target holds the answer.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.before[mid]! + (this.ends[mid]! - this.starts[mid]!) >= target) hi = mid;
      else lo = mid + 1;
    }
    return this.starts[lo]! + (target - this.before[lo]!);
  }

  /** Open milliseconds from `from` up to t (t within the covered span). */
  private cumulative(t: number): number {
    // The last window starting at or before t.
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return 0;
    return this.before[found]! + Math.min(t, this.ends[found]!) - this.starts[found]!;
  }

  private cover(a: number, b: number): void {
    if (this.starts.length === 0 && this.until === 0) {
      this.from = a - DAY_MS;
      this.until = this.from;
      this.extendForward(Math.max(b, a + EXTEND_MS));
      return;
    }
    if (a < this.from) this.rebuildFrom(a - EXTEND_MS);
    if (b > this.until) this.extendForward(b + EXTEND_MS);
  }

  private rebuildFrom(from: number): void {
    const until = this.until;
    this.starts = [];
    this.ends = [];
    this.before = [];
    this.from = from;
    this.until = from;
    this.extendForward(until);
  }

  private extendForward(until: number): void {
    let total = this.starts.length === 0 ? 0 : this.before.at(-1)! + (this.ends.at(-1)! - this.starts.at(-1)!);
    const after = this.ends.length === 0 ? this.from : Math.max(this.ends.at(-1)!, this.from);
    for (const window of openingWindows(this.calendar, after)) {
      if (window.start >= until) break;
      const start = Math.max(window.start, this.from);
      if (window.end <= start) continue;
      this.starts.push(start);
      this.ends.push(window.end);
      this.before.push(total);
      total += window.end - start;
    }
    this.until = Math.max(until, this.ends.at(-1) ?? until);
  }
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

/** The compiled form of a calendar object, made once per object. */
export function compiledCalendar(calendar: BusinessCalendar): CompiledCalendar {
  let found = compiled.get(calendar);
  if (!found) compiled.set(calendar, (found = new CompiledCalendar(calendar)));
  return found;
}
