import hdr from 'hdr-histogram-js';
import type { ProtocolError } from '@livedesk/contracts';

/** What the load generator drives: the real system, or the bare relay. */
export interface LoadTarget {
  /** Message i goes out from customer `i % customers`. */
  customers: number;
  /** Sends one chat message from a customer; must not wait for anything. */
  send(customer: number, clientId: string, text: string): void;
  /**
   * Registers the listener the target calls when an agent's socket receives a message;
   * `storedAt` (ms since the epoch) is the stored event's time when the target stores messages.
   */
  onReceived(listener: (clientId: string, receivedAt: number, storedAt?: number) => void): void;
  /**
   * Registers the listener for the customer's response to a send, when the target answers
   * (the real system does, once the message is stored; the bare relay does not).
   */
  onAnswered?(listener: (clientId: string, success: boolean, receivedAt: number, error?: ProtocolError) => void): void;
}

/** Latency percentiles, milliseconds. */
export interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LoadOptions {
  /** Messages per second, offered whatever the target does (open loop). */
  rate: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** How long to wait after the last send for messages still on their way. */
  drainSeconds: number;
  /** Called at the start and the end of the measured window (CPU accounting). */
  onWindow?: (edge: 'start' | 'end') => void;
}

export interface LoadResult {
  /** Messages scheduled in the measured window. */
  measured: number;
  /** Of those, delivered to their agent before the drain ended. */
  delivered: number;
  undelivered: number;
  duplicates: number;
  /** Latency from the scheduled send to the agent's receipt, milliseconds. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Deliveries per second during the measured window (of any message). */
  sustainedPerSecond: number;
  /** How late the generator itself sent (actual − scheduled send time), milliseconds. */
  sendLagP99: number;
  sendLagMax: number;
  /**
   * From the scheduled send to the customer's successful response (the message is stored), for
   * the measured messages answered successfully; undefined when the target does not answer.
   */
  answered?: Percentiles & { succeeded: number; failed: number; unanswered: number };
}

export const MESSAGE_TEXT =
  'Hello, I ordered a blue jacket last week and it has not arrived yet. Could you check the status for me?';

/**
 * An open-loop load: message i is due at `start + i / rate` whether or not earlier messages
 * were answered, and its latency is measured from that *scheduled* time, not from when the
 * generator got around to sending it. A closed loop (send, wait, send) slows down with the
 * system and hides exactly the stalls a p99 is about ("coordinated omission", Gil Tene, "How
 * NOT to Measure Latency"). Timers, not a busy loop: the generator shares 2 cores with the
 * system under test.
 */
export async function runOpenLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const interval = 1000 / options.rate;
  const warmup = Math.round(options.warmupSeconds * options.rate);
  const total = warmup + Math.round(options.durationSeconds * options.rate);
  const tag = `m${Date.now().toString(36)}`;
  const prefix = `${tag}-`;
  const delivered = new Uint8Array(total);
  const latency = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const answerLatency = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  const answeredState = new Uint8Array(total); // 0 none yet, 1 success, 2 failure
  const sendLag = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  const start = performance.now() + 50;
  const windowStart = start + warmup * interval;
  const windowEnd = start + total * interval;
  const scheduledAt = (i: number) => start + i * interval;
  let deliveredMeasured = 0;
  let deliveredAll = 0;
  let duplicates = 0;
  let inWindow = 0;

  target.onReceived((clientId, receivedAt) => {
    if (!clientId.startsWith(prefix)) return;
    const i = Number(clientId.slice(prefix.length));
    if (!Number.isInteger(i) || i < 0 || i >= total) return;
    if (delivered[i]) {
      duplicates++;
      return;
    }
    delivered[i] = 1;
    deliveredAll++;
    if (receivedAt >= windowStart && receivedAt < windowEnd) inWindow++;
    if (i >= warmup) {
      deliveredMeasured++;
      latency.recordValue(Math.max(1, Math.round((receivedAt - scheduledAt(i)) * 1000)));
    }
  });

  target.onAnswered?.((clientId, success, receivedAt) => {
    if (!clientId.startsWith(prefix)) return;
    const i = Number(clientId.slice(prefix.length));
    if (!Number.isInteger(i) || i < 0 || i >= total || answeredState[i]) return;
    answeredState[i] = success ? 1 : 2;
    if (success && i >= warmup)
      answerLatency.recordValue(Math.max(1, Math.round((receivedAt - scheduledAt(i)) * 1000)));
  });

  let next = 0;
  let windowStarted = false;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!windowStarted && now >= windowStart) {
        windowStarted = true;
        options.onWindow?.('start');
      }
      while (next < total && scheduledAt(next) <= now) {
        const lag = now - scheduledAt(next);
        if (next >= warmup) sendLag.recordValue(Math.max(1, Math.round(lag * 1000)));
        target.send(next % target.customers, `${prefix}${next}`, MESSAGE_TEXT);
        next++;
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, scheduledAt(next) - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });

  // The window ends with the schedule; deliveries after it count for latency, not for the rate.
  const tail = windowEnd - performance.now();
  if (tail > 0) await sleep(tail);
  options.onWindow?.('end');
  const drainDeadline = performance.now() + options.drainSeconds * 1000;
  while (deliveredAll < total && performance.now() < drainDeadline) await sleep(50);

  // A message that never arrived took at least until the deadline: recorded as such, so that
  // losses raise the percentiles instead of vanishing from them.
  const gaveUpAt = performance.now();
  let undelivered = 0;
  for (let i = warmup; i < total; i++) {
    if (delivered[i]) continue;
    undelivered++;
    latency.recordValue(Math.max(1, Math.round((gaveUpAt - scheduledAt(i)) * 1000)));
  }

  const ms = (microseconds: number) => microseconds / 1000;
  // A percentile is the highest value of its bucket, which can exceed the largest value recorded.
  const at = (histogram: typeof latency, percentile: number) =>
    ms(Math.min(histogram.getValueAtPercentile(percentile), histogram.maxValue));
  const result: LoadResult = {
    measured: total - warmup,
    delivered: deliveredMeasured,
    undelivered,
    duplicates,
    p50: at(latency, 50),
    p99: at(latency, 99),
    p999: at(latency, 99.9),
    max: ms(latency.maxValue),
    mean: ms(latency.mean),
    sustainedPerSecond: inWindow / options.durationSeconds,
    sendLagP99: at(sendLag, 99),
    sendLagMax: ms(sendLag.maxValue),
  };
  if (target.onAnswered) {
    const measuredStates = answeredState.subarray(warmup);
    const count = (state: number) => measuredStates.reduce((n, s) => n + (s === state ? 1 : 0), 0);
    result.answered = {
      p50: at(answerLatency, 50),
      p99: at(answerLatency, 99),
      p999: at(answerLatency, 99.9),
      max: ms(answerLatency.maxValue),
      succeeded: count(1),
      failed: count(2),
      unanswered: count(0),
    };
  }
  answerLatency.destroy();
  latency.destroy();
  sendLag.destroy();
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
