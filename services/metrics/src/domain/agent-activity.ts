import type { RoutingStatus } from '@livedesk/contracts';

/** An `AgentStatusChanged` of one agent, with its time. */
export interface StatusChange {
  from: RoutingStatus;
  to: RoutingStatus;
  occurredAt: Date;
}

/** One chat assigned to the agent: from its assignment to its end (transfer away, resolve, close); null = still open. */
export interface AssignmentInterval {
  conversation_id: string;
  from: Date;
  to: Date | null;
}

export interface StatusInterval {
  status: RoutingStatus;
  from: Date;
  to: Date;
}

export interface AgentActivity {
  intervals: StatusInterval[];
  accepting_seconds: number;
  not_accepting_seconds: number;
  offline_seconds: number;
  /** not offline, with at least one active chat */
  chatting_seconds: number;
  /** accepting, with no active chat */
  idle_seconds: number;
  /** chats open on average while chatting (the time integral of open chats over chatting time); null when never chatting */
  average_concurrency: number | null;
}

/**
 * An agent's activity in [from, to). The status before the first change is that change's `from`
 * (or the last earlier change's `to`); with no change at all the agent counts as offline.
 */
export function agentActivity(
  changes: readonly StatusChange[],
  assignments: readonly AssignmentInterval[],
  period: { from: Date; to: Date },
): AgentActivity {
  const start = period.from.getTime();
  const end = period.to.getTime();
  const intervals = statusIntervals(changes, start, end);
  const activity = { accepting: 0, not_accepting: 0, offline: 0, chatting: 0, idle: 0, chatTime: 0 };
  for (const interval of intervals) {
    const a = interval.from.getTime();
    const b = interval.to.getTime();
    activity[interval.status] += b - a;
    for (const [x, y, chats] of chatSegments(assignments, a, b)) {
      if (chats > 0 && interval.status !== 'offline') {
        activity.chatting += y - x;
        activity.chatTime += (y - x) * chats;
      }
      if (chats === 0 && interval.status === 'accepting') activity.idle += y - x;
    }
  }
  return {
    intervals,
    accepting_seconds: activity.accepting / 1000,
    not_accepting_seconds: activity.not_accepting / 1000,
    offline_seconds: activity.offline / 1000,
    chatting_seconds: activity.chatting / 1000,
    idle_seconds: activity.idle / 1000,
    average_concurrency: activity.chatting > 0 ? activity.chatTime / activity.chatting : null,
  };
}

/** The status intervals clipped to [start, end), in order, without empty ones. */
export function statusIntervals(changes: readonly StatusChange[], start: number, end: number): StatusInterval[] {
  const ordered = [...changes].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const before = ordered.filter((change) => change.occurredAt.getTime() <= start).at(-1);
  let status: RoutingStatus = before?.to ?? ordered[0]?.from ?? 'offline';
  let since = start;
  const intervals: StatusInterval[] = [];
  for (const change of ordered) {
    const at = change.occurredAt.getTime();
    if (at <= start) continue;
    if (at >= end) break;
    if (at > since) intervals.push({ status, from: new Date(since), to: new Date(at) });
    status = change.to;
    since = at;
  }
  if (end > since) intervals.push({ status, from: new Date(since), to: new Date(end) });
  return intervals;
}

/** [from, to, open chats] segments covering [a, b), split wherever a chat starts or ends. */
function chatSegments(assignments: readonly AssignmentInterval[], a: number, b: number): [number, number, number][] {
  const bounds = new Set([a, b]);
  for (const chat of assignments) {
    for (const t of [chat.from.getTime(), chat.to?.getTime() ?? Infinity]) if (t > a && t < b) bounds.add(t);
  }
  const points = [...bounds].sort((x, y) => x - y);
  return points.slice(1).map((y, i) => {
    const x = points[i]!;
    const chats = assignments.filter((chat) => chat.from.getTime() <= x && (chat.to?.getTime() ?? Infinity) > x).length;
    return [x, y, chats];
  });
}
