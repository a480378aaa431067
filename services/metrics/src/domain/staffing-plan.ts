import { serversNeeded } from './erlang-c.js';
import { WEEKDAYS, type WeekdayName } from './local-windows.js';

/** What was seen in one hour of the week (e.g. every Monday 09:00–10:00) over the weeks observed. */
export interface HourObservation {
  day: WeekdayName;
  hour: number;
  /** real hours of the window with this label (usually the number of weeks; ±1 across a daylight-saving change) */
  observed_hours: number;
  /** chats that entered the human queue in those hours */
  arrivals: number;
  /** of those, the ones with a handle time (a human took them and they ended) */
  handled: number;
  handle_seconds_sum: number;
  /** seconds agents spent accepting chats in those hours, all agents together */
  accepting_seconds: number;
}

export interface StaffingOptions {
  /** chats an agent takes at once: each is one server of the queue */
  concurrency: number;
  /** share of chats to take within the queue target, in (0, 1) */
  serviceLevel: number;
  queueTargetSeconds: number;
}

export interface StaffingHour {
  day: WeekdayName;
  hour: number;
  observed_hours: number;
  arrivals: number;
  arrival_rate_per_hour: number;
  /** the hour's own mean handle time; null when none of its chats had one */
  average_handle_seconds: number | null;
  /** the handle time the estimate used: the hour's own, else the mean over every hour observed */
  handle_seconds_used: number | null;
  /** arrival rate × handle time: chat slots busy on average */
  traffic_erlangs: number;
  chat_slots_needed: number | null;
  agents_needed: number | null;
  /** agents accepting chats on average in the hour */
  agents_accepting: number;
}

export interface StaffingPlan {
  /** mean handle time over every hour observed; null without any */
  average_handle_seconds: number | null;
  /** the 168 hours of the week, Monday 00:00 first */
  hours: StaffingHour[];
}

/**
 * For each hour of the week: the chat slots Erlang C needs to take `serviceLevel` of the chats
 * within the queue target (docs/metrics.md, Staffing), and the agents that makes at `concurrency`
 * chats each, next to the agents who were accepting. An hour whose chats all went unhandled
 * (missed) borrows the mean handle time of the whole window: its arrivals still needed agents.
 * Treating each of an agent's slots as an independent server is the model's simplification: an
 * agent answering three chats at once is slower at each, which the observed handle times (taken
 * while chatting concurrently) already carry.
 */
export function staffingPlan(observations: readonly HourObservation[], options: StaffingOptions): StaffingPlan {
  const handled = observations.reduce((sum, o) => sum + o.handled, 0);
  const handleSum = observations.reduce((sum, o) => sum + o.handle_seconds_sum, 0);
  const overall = handled > 0 ? handleSum / handled : null;
  const byLabel = new Map(observations.map((o) => [`${o.day} ${o.hour}`, o]));
  const hours: StaffingHour[] = [];
  for (const day of WEEKDAYS) {
    for (let hour = 0; hour < 24; hour++) {
      const o = byLabel.get(`${day} ${hour}`);
      hours.push(planHour(day, hour, o, overall, options));
    }
  }
  return { average_handle_seconds: overall, hours };
}

function planHour(
  day: WeekdayName,
  hour: number,
  o: HourObservation | undefined,
  overall: number | null,
  options: StaffingOptions,
): StaffingHour {
  const observedHours = o?.observed_hours ?? 0;
  const arrivals = o?.arrivals ?? 0;
  const rate = observedHours > 0 ? arrivals / observedHours : 0;
  const own = o && o.handled > 0 ? o.handle_seconds_sum / o.handled : null;
  const used = own ?? overall;
  const traffic = used === null ? 0 : (rate * used) / 3600;
  let slots: number | null;
  if (rate === 0) slots = 0;
  else if (used === null || used === 0)
    slots = null; // chats came, but no handle time was ever seen
  else
    slots = serversNeeded({
      traffic,
      handleSeconds: used,
      targetSeconds: options.queueTargetSeconds,
      serviceLevel: options.serviceLevel,
    });
  return {
    day,
    hour,
    observed_hours: observedHours,
    arrivals,
    arrival_rate_per_hour: rate,
    average_handle_seconds: own,
    handle_seconds_used: rate === 0 ? own : used,
    traffic_erlangs: traffic,
    chat_slots_needed: slots,
    agents_needed: slots === null ? null : Math.ceil(slots / options.concurrency),
    agents_accepting: observedHours > 0 ? (o?.accepting_seconds ?? 0) / (observedHours * 3600) : 0,
  };
}
