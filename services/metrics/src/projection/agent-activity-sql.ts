import { multirangeSeconds } from './multirange-seconds.js';

/**
 * The agent figures' definitions in SQL, written once for the two queries that compute them:
 * agent_daily's rows (derived-tables.ts: one local day of one agent, finished intervals and
 * chats only) and the agents report (reports/agent-totals-query.ts: any windows, open ones
 * counted up to now). Each takes the SQL names of what it reads. domain/agent-activity.ts holds
 * the same definitions over one agent's timeline in TypeScript.
 */

/** SQL expressions of a status interval (or an assignment) and of the window it is clipped to. */
export interface Clip {
  /** the interval's start and end */
  start: string;
  end: string;
  /** the window's start and end */
  from: string;
  to: string;
}

const clippedRange = (c: Clip) => `tstzrange(greatest(${c.start}, ${c.from}), least(${c.end}, ${c.to}))`;

/**
 * An aggregate of status intervals over a window: seconds in each routing status (`accepting`,
 * `not_accepting`, `offline`), and the time not offline (`online`) and accepting
 * (`accepting_ranges`) as multiranges, for the chat figures.
 */
export function statusTimeColumns(status: string, c: Clip): string {
  const seconds = (value: string) =>
    `coalesce(sum(extract(epoch FROM least(${c.end}, ${c.to}) - greatest(${c.start}, ${c.from}))) FILTER (WHERE ${status} = '${value}'), 0)::float8 AS ${value}`;
  return [
    seconds('accepting'),
    seconds('not_accepting'),
    seconds('offline'),
    `range_agg(${clippedRange(c)}) FILTER (WHERE ${status} <> 'offline') AS online`,
    `range_agg(${clippedRange(c)}) FILTER (WHERE ${status} = 'accepting') AS accepting_ranges`,
  ].join(',\n             ');
}

/** An assignment's span clipped to a window. */
export const assignmentSpan = clippedRange;

/** Chat seconds of one assignment's span: its time assigned while not offline; summed, concurrency × chatting time. */
export const chatSeconds = (span: string, online: string): string =>
  multirangeSeconds(`tstzmultirange(${span}) * coalesce(${online}, '{}'::tstzmultirange)`);

/** Chatting time: not offline, with at least one chat assigned (`chats`: the assignments' spans, range_agg). */
export const chattingSeconds = (chats: string, online: string): string =>
  multirangeSeconds(`coalesce(${chats}, '{}'::tstzmultirange) * coalesce(${online}, '{}'::tstzmultirange)`);

/** Idle time: accepting, with no chat assigned. */
export const idleSeconds = (acceptingRanges: string, chats: string): string =>
  multirangeSeconds(`coalesce(${acceptingRanges}, '{}'::tstzmultirange) - coalesce(${chats}, '{}'::tstzmultirange)`);

/** An assignment that ended by a transfer (a transfer out; the next agent's assignment is a transfer in). */
export const transferredOut = (assignment: string): string => `${assignment}.released_by = 'transfer'`;

/** An assignment held until its cycle ended missed: the chat was missed while this agent had it. */
export const missedWhileHeld = (assignment: string, cycle: string): string =>
  `${cycle}.missed AND ${assignment}.released_at = ${cycle}.ended_at`;

/** A satisfied customer: a CSAT score of 4 or 5. */
export const goodCsat = (score: string): string => `${score} >= 4`;

/** The counts of CES answers of 1, 2, … 7 among `score` (an aggregate), as an integer[7]. */
export const cesDistribution = (score: string): string =>
  `ARRAY[${[1, 2, 3, 4, 5, 6, 7].map((value) => `count(*) FILTER (WHERE ${score} = ${value})`).join(', ')}]::int[]`;
