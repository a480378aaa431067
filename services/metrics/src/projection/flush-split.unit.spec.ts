import { describe, expect, it } from '@jest/globals';
import { DerivedKeys, KEY_SEPARATOR } from './derived-keys.js';
import type { FlushPlan } from './flush-plan.js';
import { ORGANIZATION_LISTS, splitFlushPlan } from './flush-split.js';
import type { CycleRows } from './cycle-rows.js';

const org = (n: number) => `org-${n}`;

/** A cycle's rows with `responses` responses; only the fields the split reads are real. */
function cycle(organization_id: string, conversation_id: string, responses: number): CycleRows {
  return {
    cycle: { organization_id, conversation_id, cycle: 1 },
    responses: Array.from({ length: responses }, (_, exchange) => ({ organization_id, conversation_id, exchange })),
    assignments: [],
    outcomes: [],
    ratings: [],
    timers: [],
  } as unknown as CycleRows;
}

/** A plan with every kind of row, for organizations 1–4 of very different sizes. */
function plan(): FlushPlan {
  const keys = new DerivedKeys();
  const cycleRows: CycleRows[] = [];
  const sizes = [40, 25, 20, 5];
  for (const [i, size] of sizes.entries()) {
    const o = org(i + 1);
    for (let c = 0; c < size; c++) cycleRows.push(cycle(o, `${o}-chat-${c}`, 3));
    keys.groupHours.add([o, 'g1', '1700000000000'].join(KEY_SEPARATOR));
    keys.agentDays.add([o, 'alice', '2026-03-02'].join(KEY_SEPARATOR));
  }
  keys.wholeOrganizations.add(org(4));
  const row = (n: number, extra: object = {}) => ({ organization_id: org(n), ...extra });
  return {
    organizations: [row(4, { name: 'Four', time_zone: 'UTC' })],
    agents: [row(1, { agent_id: 'a' }), row(3, { agent_id: 'b' })],
    groups: [row(2, { group_id: 'g' })],
    cycleRows,
    replaced: [row(1, { conversation_id: 'org-1-chat-0', cycle: 1 })],
    states: cycleRows
      .slice(0, 50)
      .map((rows) => row(Number(rows.cycle.organization_id.slice(4)), { conversation_id: rows.cycle.conversation_id })),
    newStates: cycleRows
      .slice(50)
      .map((rows) => row(Number(rows.cycle.organization_id.slice(4)), { conversation_id: rows.cycle.conversation_id })),
    intervals: [row(2, { agent_id: 'c', stream_version: 3 })],
    tickets: [row(3, { ticket_id: 't' })],
    policyRows: [row(4, { policy_id: 'p' })],
    tags: [row(1, { conversation_id: 'org-1-chat-1', tag: 'vip' })],
    untagged: [row(2, { conversation_id: 'org-2-chat-1', tag: 'old' })],
    keys,
  } as unknown as FlushPlan;
}

describe('splitFlushPlan', () => {
  it('puts every row in exactly one part, each organization whole in one', () => {
    const whole = plan();
    for (const count of [2, 3, 4, 7]) {
      const parts = splitFlushPlan(whole, count);
      expect(parts).toHaveLength(Math.min(count, 4));
      const owner = new Map<string, number>();
      parts.forEach((part, i) => {
        for (const o of part.organizations) {
          expect(owner.has(o)).toBe(false);
          owner.set(o, i);
        }
      });
      expect([...owner.keys()].sort()).toEqual([org(1), org(2), org(3), org(4)]);
      const inPart = (i: number, organizationId: string) => expect(owner.get(organizationId)).toBe(i);
      parts.forEach((part, i) => {
        for (const list of ORGANIZATION_LISTS) for (const row of part.plan[list]) inPart(i, row.organization_id);
        for (const rows of part.plan.cycleRows) inPart(i, rows.cycle.organization_id);
        for (const key of [...part.plan.keys.groupHours, ...part.plan.keys.agentDays]) {
          inPart(i, key.split(KEY_SEPARATOR)[0]!);
        }
        for (const o of part.plan.keys.wholeOrganizations) inPart(i, o);
      });
      for (const list of ORGANIZATION_LISTS) {
        const rows: readonly object[] = parts.flatMap((part): readonly object[] => part.plan[list]);
        expect(rows).toEqual(expect.arrayContaining([...whole[list]]));
        expect(rows).toHaveLength(whole[list].length);
      }
      expect(parts.flatMap((part) => part.plan.cycleRows)).toHaveLength(whole.cycleRows.length);
      const keys = (pick: (k: DerivedKeys) => Set<string>) => parts.flatMap((part) => [...pick(part.plan.keys)]).sort();
      expect(keys((k) => k.groupHours)).toEqual([...whole.keys.groupHours].sort());
      expect(keys((k) => k.agentDays)).toEqual([...whole.keys.agentDays].sort());
      expect(keys((k) => k.wholeOrganizations)).toEqual([...whole.keys.wholeOrganizations].sort());
    }
  });

  it('balances the rows: the largest organization alone, the others together', () => {
    // Rows per organization: 1 → 40 cycles × 4 rows and more, 2 → 25 × 4, 3 → 20 × 4, 4 → 5 × 4.
    const parts = splitFlushPlan(plan(), 2);
    expect(parts.map((part) => [...part.organizations].sort())).toEqual([
      [org(1), org(4)],
      [org(2), org(3)],
    ]);
  });

  it('keeps the plan whole for one part, or one organization', () => {
    const whole = plan();
    const [only] = splitFlushPlan(whole, 1);
    expect(only!.plan).toBe(whole);
    expect([...only!.organizations].sort()).toEqual([org(1), org(2), org(3), org(4)]);
    const single = { ...whole, cycleRows: whole.cycleRows.slice(0, 3) } as FlushPlan;
    for (const list of ORGANIZATION_LISTS) (single as unknown as Record<string, unknown[]>)[list] = [];
    single.keys = new DerivedKeys();
    expect(splitFlushPlan(single, 2)).toEqual([{ plan: single, organizations: new Set([org(1)]) }]);
    const empty = { ...single, cycleRows: [] } as FlushPlan;
    expect(splitFlushPlan(empty, 2)).toEqual([{ plan: empty, organizations: new Set() }]);
  });
});
