import type { Kysely } from 'kysely';
import { z } from 'zod';
import { Id, Timestamp } from '@livedesk/contracts';
import { hoursOfWeeks, WEEKDAYS } from '../domain/local-windows.js';
import { staffingPlan, type HourObservation } from '../domain/staffing-plan.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { organizationZone } from './organization-zone.js';
import { queueTarget } from './queue-target.js';
import { readInSnapshot } from './read-snapshot.js';
import { staffingFacts } from './staffing-query.js';

export const StaffingHourView = z.object({
  day: z.enum(WEEKDAYS),
  hour: z.number().int().min(0).max(23),
  observed_hours: z.number().int().describe('Hours of the window with this local weekday and hour'),
  arrivals: z.number().int().describe('Chats that entered the human queue in those hours'),
  arrival_rate_per_hour: z.number(),
  average_handle_seconds: z.number().nullable().describe("The hour's own mean handle time"),
  handle_seconds_used: z
    .number()
    .nullable()
    .describe("The handle time the estimate used: the hour's own, else the window's mean"),
  traffic_erlangs: z.number().describe('Chat slots busy on average: arrival rate × handle time'),
  chat_slots_needed: z
    .number()
    .int()
    .nullable()
    .describe('Erlang C: the fewest chat slots that meet the service level'),
  agents_needed: z.number().int().nullable().describe('chat_slots_needed / concurrency, rounded up'),
  agents_accepting: z.number().describe('Agents who were accepting chats, on average over those hours'),
});

export const StaffingReport = z.object({
  organization_id: Id,
  group_id: Id.nullable(),
  time_zone: z.string(),
  from: Timestamp,
  to: Timestamp,
  weeks: z.number().int(),
  concurrency: z.number().int(),
  service_level: z.number(),
  policy_id: z.string().describe('The SLA policy whose queue target applies'),
  queue_target_seconds: z.number().int(),
  average_handle_seconds: z.number().nullable(),
  hours: z.array(StaffingHourView).describe('The 168 hours of the week in the organization’s zone, Monday 00:00 first'),
});
export type StaffingReport = z.infer<typeof StaffingReport>;

export interface StaffingRequest {
  organizationId: string;
  groupId: string | null;
  weeks: number;
  concurrency: number;
  serviceLevel: number;
  now: Date;
}

/**
 * `GET …/reports/staffing` (docs/metrics.md, Staffing): for each hour of the week, the arrival rate
 * and handle time of the last `weeks` whole weeks (local days up to yesterday), the accepting
 * agents Erlang C says meet the queue target for the service level, and those who were.
 */
export async function staffingReport(db: Kysely<MetricsDatabase>, request: StaffingRequest): Promise<StaffingReport> {
  return readInSnapshot(db, async (trx) => {
    const zone = await organizationZone(trx, request.organizationId);
    const window = hoursOfWeeks(request.now, request.weeks, zone);
    const target = await queueTarget(trx, request.organizationId, request.groupId, request.now);
    const facts = await staffingFacts(trx, {
      organizationId: request.organizationId,
      groupId: request.groupId,
      window,
      now: request.now,
    });
    const observations = new Map<string, HourObservation>();
    for (const hour of window.hours) {
      const key = `${hour.day} ${hour.hour}`;
      const o = observations.get(key) ?? {
        day: hour.day,
        hour: hour.hour,
        observed_hours: 0,
        arrivals: 0,
        handled: 0,
        handle_seconds_sum: 0,
        accepting_seconds: 0,
      };
      o.observed_hours += 1;
      observations.set(key, o);
    }
    for (const fact of facts) {
      const hour = window.hours[fact.i];
      if (!hour) continue;
      const o = observations.get(`${hour.day} ${hour.hour}`)!;
      o.arrivals += fact.arrivals;
      o.handled += fact.handled;
      o.handle_seconds_sum += fact.handle_seconds_sum;
      o.accepting_seconds += fact.accepting_seconds;
    }
    const plan = staffingPlan([...observations.values()], {
      concurrency: request.concurrency,
      serviceLevel: request.serviceLevel,
      queueTargetSeconds: target.queue_target_seconds,
    });
    return {
      organization_id: request.organizationId,
      group_id: request.groupId,
      time_zone: zone,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      weeks: request.weeks,
      concurrency: request.concurrency,
      service_level: request.serviceLevel,
      policy_id: target.policy_id,
      queue_target_seconds: target.queue_target_seconds,
      average_handle_seconds: plan.average_handle_seconds,
      hours: plan.hours,
    };
  });
}
