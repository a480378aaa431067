import { describe, expect, it } from '@jest/globals';
import { BusinessCalendar } from './business-calendar.js';
import {
  agent,
  assigned,
  at,
  bot,
  closed,
  closedBySystem,
  customer,
  missed,
  queued,
  rated,
  reopened,
  resolved,
  started,
  stream,
  system,
  transferred,
} from './conversation-fixtures.js';
import { cyclesOf } from './conversation-cycles.js';
import type { Cycle } from './cycle-figures.js';

/** The single cycle of a one-cycle stream. */
function only(cycles: Cycle[]): Cycle {
  expect(cycles).toHaveLength(1);
  return cycles[0]!;
}

const responses = (cycle: Cycle) => cycle.exchanges.map((exchange) => exchange.response_seconds);

describe('cyclesOf: a plain chat', () => {
  const events = stream(
    started(0),
    queued(0),
    customer(5),
    assigned(20, 'A'),
    agent(50, 'A'),
    customer(60),
    agent(90, 'A'),
    agent(95, 'A'), // a follow-up with no customer message before it answers nothing
    customer(100),
    customer(110), // a second customer message does not restart the open exchange
    agent(170, 'A'),
    resolved(200),
    rated(205, 3),
    rated(210, 4), // the last rating counts
  );
  const cycle = only(cyclesOf(events));

  it('measures queue, FRT, each exchange and the longest wait', () => {
    expect(cycle.queued_at).toEqual(at(0));
    expect(cycle.queue_seconds).toBe(20); // assigned 20 − queued 0
    expect(cycle.clock_start_at).toEqual(at(5)); // first customer message
    expect(cycle.first_response_seconds).toBe(45); // reply 50 − clock 5
    expect(cycle.first_response_agent_id).toBe('A');
    expect(cycle.first_response_at).toEqual(at(50));
    // exchanges: 5→50 = 45 (= FRT), 60→90 = 30, 100→170 = 70
    expect(responses(cycle)).toEqual([45, 30, 70]);
    expect(cycle.longest_wait_seconds).toBe(70);
  });

  it('measures resolution and handle time, rating, and is not missed', () => {
    expect(cycle.end_reason).toBe('resolved');
    expect(cycle.resolution_seconds).toBe(200); // resolved 200 − started 0
    expect(cycle.handle_seconds).toBe(180); // resolved 200 − first human assignment 20
    expect(cycle.missed).toBe(false);
    expect(cycle.missed_reason).toBeNull();
    expect(cycle.csat_score).toBe(4);
    expect(cycle.transfers_manual + cycle.transfers_auto).toBe(0);
  });

  it('stores business seconds equal to calendar seconds for a 24/7 calendar', () => {
    expect(cycle.first_response_business_seconds).toBe(45);
    expect(cycle.queue_business_seconds).toBe(20);
    expect(cycle.longest_wait_business_seconds).toBe(70);
    expect(cycle.exchanges.map((exchange) => exchange.response_business_seconds)).toEqual([45, 30, 70]);
  });

  it('orders the events by version, not by array position', () => {
    expect(cyclesOf([...events].reverse())).toEqual(cyclesOf(events));
  });
});

describe('cyclesOf: what is not a human reply', () => {
  it('does not count system or bot messages as replies', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          customer(10),
          system(12),
          queued(12),
          bot(20),
          assigned(30, 'A'),
          system(40),
          agent(70, 'A'),
          resolved(100),
        ),
      ),
    );
    expect(cycle.first_response_seconds).toBe(60); // human reply 70 − customer 10; system 12/40 and bot 20 ignored
    expect(responses(cycle)).toEqual([60]);
  });

  it('does not count an agent writing first (proactive chat) as a reply to nothing', () => {
    // The agent opens the chat and writes twice; the customer answers at 30; the agent replies at 45.
    const cycle = only(
      cyclesOf(
        stream(started(0), assigned(0, 'A'), agent(5, 'A'), agent(8, 'A'), customer(30), agent(45, 'A'), closed(100)),
      ),
    );
    expect(cycle.clock_start_at).toEqual(at(30));
    expect(cycle.first_response_seconds).toBe(15); // 45 − 30
    expect(responses(cycle)).toEqual([15]);
    expect(cycle.queue_seconds).toBeNull(); // never queued
    expect(cycle.handle_seconds).toBe(100); // closed 100 − assigned 0
    expect(cycle.end_reason).toBe('closed');
    expect(cycle.resolution_seconds).toBeNull(); // not resolved
    expect(cycle.missed).toBe(false);
  });

  it('does not count a greeting sent before the customer wrote', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          system(1),
          queued(2),
          assigned(3, 'A'),
          agent(4, 'A'),
          customer(20),
          agent(50, 'A'),
          resolved(60),
        ),
      ),
    );
    expect(cycle.first_response_seconds).toBe(30); // 50 − 20, not 4 − …
    expect(cycle.queue_seconds).toBe(1); // 3 − 2
  });

  it('counts a chat whose only agent message was a greeting as missed, unanswered', () => {
    const cycle = only(
      cyclesOf(stream(started(0), queued(0), assigned(5, 'A'), agent(6, 'A'), customer(20), closed(100))),
    );
    expect(cycle.first_response_seconds).toBeNull();
    expect(cycle.missed).toBe(true);
    expect(cycle.missed_reason).toBe('unanswered'); // assigned, never answered
    expect(cycle.exchanges).toEqual([
      { started_at: at(20), replied_at: null, agent_id: null, response_seconds: null, response_business_seconds: null },
    ]);
    expect(cycle.longest_wait_seconds).toBeNull(); // only answered exchanges are waits
  });
});

describe('cyclesOf: bot handoff', () => {
  it('starts the clock at the handoff when the customer wrote to the bot first', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          assigned(0, 'bot1', 'bot'),
          bot(1),
          customer(10),
          bot(11),
          customer(40),
          bot(41),
          queued(45), // the bot hands over to the human queue
          assigned(75, 'A'), // handoff
          agent(95, 'A'),
          customer(100),
          agent(130, 'A'),
          resolved(200),
        ),
      ),
    );
    expect(cycle.bot_handoff_at).toEqual(at(75));
    expect(cycle.clock_start_at).toEqual(at(75)); // max(first customer message 10, handoff 75)
    expect(cycle.first_response_seconds).toBe(20); // 95 − 75
    expect(responses(cycle)).toEqual([20, 30]); // 75→95, 100→130
    expect(cycle.longest_wait_seconds).toBe(30);
    expect(cycle.queue_seconds).toBe(30); // 75 − 45: bot time is not queue time
    expect(cycle.handle_seconds).toBe(125); // 200 − 75
    expect(cycle.resolution_seconds).toBe(200);
  });

  it('starts the clock at the customer message when it comes after the handoff', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          assigned(0, 'bot1', 'bot'),
          bot(1),
          assigned(20, 'A'),
          customer(50),
          agent(80, 'A'),
          resolved(90),
        ),
      ),
    );
    expect(cycle.bot_handoff_at).toEqual(at(20));
    expect(cycle.clock_start_at).toEqual(at(50)); // max(50, 20)
    expect(cycle.first_response_seconds).toBe(30); // 80 − 50
  });

  it('moves the clock to the handoff when the bot picks up after the customer wrote', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          queued(0),
          customer(5),
          assigned(6, 'bot1', 'bot'),
          bot(7),
          queued(30),
          assigned(60, 'A'),
          agent(90, 'A'),
          resolved(100),
        ),
      ),
    );
    expect(cycle.clock_start_at).toEqual(at(60)); // max(5, 60)
    expect(cycle.first_response_seconds).toBe(30); // 90 − 60
    expect(cycle.queue_seconds).toBe(30); // re-queued 30 → assigned 60
  });
});

describe('cyclesOf: reopen', () => {
  const cycles = cyclesOf(
    stream(
      started(0),
      queued(0),
      customer(10),
      assigned(20, 'A'),
      agent(40, 'A'),
      resolved(100),
      rated(150, 5), // rated after the end: belongs to cycle 1
      reopened(1000),
      customer(1010),
      queued(1010),
      assigned(1030, 'B'),
      agent(1090, 'B'),
      resolved(1200),
      rated(1210, 2),
    ),
  );

  it('splits the stream into two cycles', () => {
    expect(cycles.map((cycle) => [cycle.cycle, cycle.started_at, cycle.ended_at])).toEqual([
      [1, at(0), at(100)],
      [2, at(1000), at(1200)],
    ]);
  });

  it('measures the first cycle on its own', () => {
    const first = cycles[0]!;
    expect(first.first_response_seconds).toBe(30); // 40 − 10
    expect(first.resolution_seconds).toBe(100); // first resolution time
    expect(first.queue_seconds).toBe(20);
    expect(first.handle_seconds).toBe(80); // 100 − 20
    expect(first.csat_score).toBe(5);
  });

  it('restarts the clock in the reopened cycle', () => {
    const second = cycles[1]!;
    expect(second.clock_start_at).toEqual(at(1010));
    expect(second.first_response_seconds).toBe(80); // 1090 − 1010
    expect(second.first_response_agent_id).toBe('B');
    expect(second.resolution_seconds).toBe(200); // 1200 − reopened 1000
    expect(second.queue_seconds).toBe(20); // 1030 − 1010
    expect(second.handle_seconds).toBe(170); // 1200 − 1030
    expect(second.csat_score).toBe(2);
  });
});

describe('cyclesOf: transfers', () => {
  const cycle = only(
    cyclesOf(
      stream(
        started(0),
        queued(0),
        customer(10),
        assigned(15, 'A'),
        customer(30),
        transferred(75, 'auto', 'A', 'B'), // A did not answer in time
        assigned(76, 'B'),
        agent(100, 'B'),
        customer(110),
        agent(125, 'B'),
        transferred(127, 'manual', 'B', 'C'),
        assigned(128, 'C'),
        resolved(130),
      ),
    ),
  );

  it('answered only after a transfer: FRT runs from the clock start, not the transfer, and goes to the replier', () => {
    expect(cycle.first_response_seconds).toBe(90); // 100 − 10 (not 100 − 76)
    expect(cycle.first_response_agent_id).toBe('B');
    expect(responses(cycle)).toEqual([90, 15]); // 10→100, 110→125
    expect(cycle.missed).toBe(false);
  });

  it('counts manual and automatic transfers and keeps queue and handle from the first assignment', () => {
    expect(cycle.transfers_auto).toBe(1);
    expect(cycle.transfers_manual).toBe(1);
    expect(cycle.queue_seconds).toBe(15); // 15 − 0
    expect(cycle.handle_seconds).toBe(115); // 130 − 15
    expect(cycle.assigned_agent_ids).toEqual(['A', 'B', 'C']);
  });
});

describe('cyclesOf: missed chats', () => {
  it('left_in_queue: the customer closed while queued', () => {
    const cycle = only(cyclesOf(stream(started(0), queued(1), customer(2), closed(90))));
    expect(cycle.missed).toBe(true);
    expect(cycle.missed_reason).toBe('left_in_queue');
    expect(cycle.end_reason).toBe('closed');
    expect(cycle.queue_seconds).toBeNull(); // ended unassigned
    expect(cycle.handle_seconds).toBeNull();
    expect(cycle.first_response_seconds).toBeNull();
  });

  it('takes the reason from a ConversationMissed that follows the close', () => {
    const cycle = only(cyclesOf(stream(started(0), queued(0), customer(1), closed(60), missed(60, 'left_in_queue'))));
    expect(cycle.end_reason).toBe('closed');
    expect(cycle.missed_reason).toBe('left_in_queue');
  });

  it('unanswered: assigned, never answered', () => {
    const cycle = only(
      cyclesOf(stream(started(0), queued(0), customer(5), assigned(10, 'A'), missed(130, 'unanswered'))),
    );
    expect(cycle.end_reason).toBe('missed');
    expect(cycle.missed_reason).toBe('unanswered');
    expect(cycle.queue_seconds).toBe(10);
    expect(cycle.handle_seconds).toBe(120); // 130 − 10
  });

  it('unanswered without a ConversationMissed: assigned, then the customer closed', () => {
    const cycle = only(cyclesOf(stream(started(0), queued(0), customer(5), assigned(10, 'A'), closed(50))));
    expect(cycle.missed_reason).toBe('unanswered');
  });

  it('left_in_queue: re-queued after a transfer to a group, then the customer closed', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          queued(0),
          customer(5),
          assigned(10, 'A'),
          transferred(40, 'manual', 'A', 'g2'),
          queued(40),
          closed(100),
        ),
      ),
    );
    expect(cycle.missed_reason).toBe('left_in_queue');
    expect(cycle.queued_at).toEqual(at(0)); // the first queueing counts for queue_seconds
    expect(cycle.queue_seconds).toBe(10); // 10 − 0
    expect(cycle.transfers_manual).toBe(1);
  });

  it('no_agents: nobody could take the chat', () => {
    const cycle = only(cyclesOf(stream(started(0), queued(0), customer(3), missed(4, 'no_agents'))));
    expect(cycle.missed).toBe(true);
    expect(cycle.missed_reason).toBe('no_agents');
    expect(cycle.queue_seconds).toBeNull();
  });

  it('customer_left: the customer had no socket while queued (missed left_in_queue, then closed by routing)', () => {
    const cycle = only(
      cyclesOf(
        stream(started(0), queued(0), customer(1), missed(70, 'left_in_queue'), closedBySystem(70, 'customer_left')),
      ),
    );
    expect(cycle).toMatchObject({
      missed: true,
      missed_reason: 'left_in_queue',
      end_reason: 'missed',
      ended_at: at(70),
    });
    expect(cycle.queue_seconds).toBeNull();
    expect(cycle.resolution_seconds).toBeNull();
  });

  it('inactive after an agent answered: closed, not missed, no resolution time', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          queued(0),
          customer(1),
          assigned(5, 'A'),
          agent(20, 'A'),
          customer(30),
          agent(40, 'A'),
          closedBySystem(640, 'inactive'),
        ),
      ),
    );
    expect(cycle).toMatchObject({ missed: false, missed_reason: null, end_reason: 'closed', ended_at: at(640) });
    expect(cycle.first_response_seconds).toBe(19); // 20 − 1
    expect(cycle.resolution_seconds).toBeNull();
    expect(cycle.handle_seconds).toBe(635); // 640 − 5: the agent held it until the close
  });

  it('inactive with no human reply (a bot held it, or the agent never wrote): missed like any cycle that ends unanswered', () => {
    const cycle = only(
      cyclesOf(stream(started(0), queued(0), customer(1), assigned(5, 'A'), closedBySystem(605, 'inactive'))),
    );
    expect(cycle).toMatchObject({ missed: true, missed_reason: 'unanswered', end_reason: 'closed' });
  });

  it('an open cycle is not missed yet', () => {
    const cycle = only(cyclesOf(stream(started(0), queued(0), customer(3))));
    expect(cycle.ended_at).toBeNull();
    expect(cycle.missed).toBe(false);
    expect(cycle.exchanges).toEqual([]); // the open exchange is not stored until the cycle ends or it is answered
  });
});

describe('cyclesOf: business time', () => {
  /** Warsaw, Mon–Fri 09:00–12:00 and 13:00–17:00 (CET, +01:00, in March before the 29th). */
  const office = BusinessCalendar.parse({
    time_zone: 'Europe/Warsaw',
    weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).flatMap((day) => [
      { day, from: '09:00', to: '12:00' },
      { day, from: '13:00', to: '17:00' },
    ]),
  });
  // t0 = Mon 2026-03-02 10:00Z. Fri 2026-03-06 15:50Z = 16:50 local = t0 + 4 d 5 h 50 min = 366600 s.
  const friday = 366600;
  // Mon 2026-03-09 08:10Z = 09:10 local = Fri 15:50Z + 2 d 16 h 20 min (231600 s).
  const monday = friday + 231600;
  const cycle = only(
    cyclesOf(
      stream(
        started(friday),
        queued(friday),
        customer(friday),
        assigned(friday + 900, 'A'), // 17:05 local, after closing
        agent(monday, 'A'),
        resolved(monday + 600), // 09:20 local
      ),
      office,
    ),
  );

  it('stores calendar and business seconds side by side', () => {
    // queue: 900 calendar; business 16:50–17:00 = 600
    expect([cycle.queue_seconds, cycle.queue_business_seconds]).toEqual([900, 600]);
    // FRT: 231600 calendar; business Fri 16:50–17:00 (600) + Mon 09:00–09:10 (600) = 1200
    expect([cycle.first_response_seconds, cycle.first_response_business_seconds]).toEqual([231600, 1200]);
    // resolution: 232200 calendar; business 600 + Mon 09:00–09:20 (1200) = 1800
    expect([cycle.resolution_seconds, cycle.resolution_business_seconds]).toEqual([232200, 1800]);
    // handle: from 17:05 Fri = 232200 − 900 = 231300 calendar; business Mon 09:00–09:20 = 1200
    expect([cycle.handle_seconds, cycle.handle_business_seconds]).toEqual([231300, 1200]);
    expect([cycle.longest_wait_seconds, cycle.longest_wait_business_seconds]).toEqual([231600, 1200]);
  });
});

describe('cyclesOf: who held the chat', () => {
  it('records each assignment and how it ended: bot, transfer to a group, requeue, transfer to an agent, end', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          queued(0),
          customer(1),
          assigned(2, 'bot1', 'bot'),
          transferred(10, 'manual', 'bot1', 'g2'), // the bot hands over to another group's queue
          queued(10, 'g2'),
          assigned(20, 'A'),
          transferred(60, 'manual', 'A', 'B'),
          assigned(60, 'B'),
          resolved(100),
        ),
      ),
    );
    expect(cycle.assignments).toEqual([
      { agent_id: 'bot1', agent_kind: 'bot', from: at(2), to: at(10), via: 'routing', released_by: 'transfer' },
      { agent_id: 'A', agent_kind: 'human', from: at(20), to: at(60), via: 'routing', released_by: 'transfer' },
      { agent_id: 'B', agent_kind: 'human', from: at(60), to: at(100), via: 'transfer', released_by: 'resolved' },
    ]);
    expect(cycle.group_id).toBe('g2'); // the group the chat was transferred to
  });

  it('releases the holder on a requeue without a transfer (routing sending the chat back) and on a miss', () => {
    const requeued = only(
      cyclesOf(
        stream(
          started(0),
          queued(0),
          customer(1),
          assigned(5, 'A'),
          queued(30),
          assigned(40, 'B'),
          missed(200, 'unanswered'),
        ),
      ),
    );
    expect(requeued.assignments.map((a) => [a.agent_id, a.to, a.released_by])).toEqual([
      ['A', at(30), 'requeued'],
      ['B', at(200), 'missed'],
    ]);
  });
});

describe('cyclesOf: feedback, goals and priority', () => {
  const nps = (s: number, score: number) => ({ type: 'NpsAnswered' as const, data: { score }, occurredAt: at(s) });
  const goal = (s: number, name: string, value?: number) => ({
    type: 'GoalReported' as const,
    data: { goal: name, ...(value === undefined ? {} : { value }) },
    occurredAt: at(s),
  });
  const priority = (s: number, level: 'low' | 'normal' | 'high' | 'urgent') => ({
    type: 'PrioritySet' as const,
    data: { priority: level },
    occurredAt: at(s),
  });

  it('keeps the last NPS answer and rating with their times, each goal once with the values summed', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          customer(1),
          assigned(2, 'A'),
          agent(3, 'A'),
          resolved(10),
          nps(11, 6),
          nps(12, 10),
          rated(13, 5),
          goal(14, 'purchase', 40),
          goal(15, 'purchase', 99),
          goal(16, 'signup'),
        ),
      ),
    );
    expect(cycle).toMatchObject({
      nps_score: 10,
      nps_at: at(12),
      csat_score: 5,
      rated_at: at(13),
      converted: true,
      converted_at: at(14),
      goals: ['purchase', 'signup'],
      goal_value: 40,
    });
  });

  it('keeps the last CES answer of the survey with its time; a survey without CES leaves it as it was', () => {
    const survey = (s: number, answers: Record<string, number | string>) => ({
      type: 'SurveyAnswered' as const,
      data: { answers },
      occurredAt: at(s),
    });
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          customer(1),
          assigned(2, 'A'),
          agent(3, 'A'),
          resolved(10),
          survey(11, { ces: 2 }),
          survey(12, { ces: 6, topic: 'billing' }),
          survey(13, { topic: 'shipping' }),
        ),
      ),
    );
    expect(cycle).toMatchObject({ ces_score: 6, ces_at: at(12) });
    const unanswered = only(
      cyclesOf(
        stream(
          started(0),
          customer(1),
          assigned(2, 'A'),
          agent(3, 'A'),
          resolved(10),
          survey(11, { topic: 'billing' }),
        ),
      ),
    );
    expect(unanswered).toMatchObject({ ces_score: null, ces_at: null });
  });

  it('keeps a finite goal value when two goals stored near Number.MAX_VALUE would sum to Infinity (frozen chat metrics)', () => {
    const cycle = only(
      cyclesOf(
        stream(
          started(0),
          customer(1),
          assigned(2, 'A'),
          agent(3, 'A'),
          goal(4, 'purchase', 1.7e308),
          goal(5, 'signup', 1.7e308),
          resolved(10),
        ),
      ),
    );
    expect(cycle.goal_value).toBe(Number.MAX_VALUE);
    expect(cycle.goals).toEqual(['purchase', 'signup']);
  });

  it('carries the priority and the group into a reopened cycle', () => {
    const cycles = cyclesOf(
      stream(
        started(0),
        queued(0),
        customer(1),
        priority(2, 'urgent'),
        assigned(3, 'A'),
        agent(4, 'A'),
        resolved(5),
        reopened(50),
        customer(50),
      ),
    );
    expect(cycles.map((cycle) => [cycle.cycle, cycle.priority, cycle.group_id, cycle.converted])).toEqual([
      [1, 'urgent', 'g1', false],
      [2, 'urgent', 'g1', false],
    ]);
  });
});
