import { z } from 'zod';
import { Id } from '@livedesk/contracts';
import { DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS } from '../domain/report-period.js';

// The query parameters of the reports. Every object is strict: a misspelt parameter
// (`group=` for `group_id=`) would otherwise answer the whole organization's figures as if
// they were the group's, silently.

const Instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 instant with its offset, such as 2026-03-04T08:00:00Z',
});

const TimeParam = z
  .enum(['calendar', 'business'])
  .default('calendar')
  .describe(
    "calendar: durations in calendar seconds; business: in seconds inside the business calendar of each cycle's SLA policy",
  );

const PeriodParams = {
  from: Instant.optional().describe(
    `Start of the period, an ISO 8601 instant (inclusive); default ${DEFAULT_PERIOD_DAYS} days before to. At most ${MAX_PERIOD_DAYS} days.`,
  ),
  to: Instant.optional().describe(
    'End of the period, an ISO 8601 instant (exclusive); default now. Write a + offset as %2B.',
  ),
  group_id: Id.optional().describe('Only this group'),
  time: TimeParam,
};

export const OverviewQuery = z
  .object({
    ...PeriodParams,
    agent_id: Id.optional().describe("Only this agent's figures, as the tables attribute them"),
  })
  .strict();

export const AgentsQuery = z.object(PeriodParams).strict();

export const DailyQuery = z
  .object({
    date: z.iso
      .date({ error: 'expected a date YYYY-MM-DD, such as 2026-03-04' })
      .optional()
      .describe("The day, YYYY-MM-DD in the organization's time zone; default yesterday"),
    time: TimeParam,
    format: z.enum(['json', 'csv']).optional().describe('csv: the CSV export (as does Accept: text/csv); default json'),
  })
  .strict();

/** A whole number from a query string ("4"); "", "4.5" and "four" are refused. */
const wholeNumber = (min: number, max: number) => {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const serviceLevelError = 'expected a share between 0 and 1, both excluded (0.8 is 80 %)';

export const StaffingQuery = z
  .object({
    weeks: wholeNumber(1, 52).default(4).describe('Weeks observed, ending with yesterday'),
    group_id: Id.optional().describe("Only this group's chats (and the agents who took them)"),
    concurrency: wholeNumber(1, 50)
      .default(3)
      .describe('Chats an agent takes at once (agents’ limits live in the routing service)'),
    service_level: z.coerce
      .number({ error: serviceLevelError })
      .gt(0, { error: serviceLevelError })
      .lt(1, { error: serviceLevelError })
      .default(0.8)
      .describe('Share of chats to take within the queue target'),
  })
  .strict();
