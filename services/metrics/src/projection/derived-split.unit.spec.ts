import { describe, expect, it } from '@jest/globals';
import { KEY_SEPARATOR } from './derived-keys.js';
import { splitDerivedMarks, type DirtyMark } from './derived-split.js';

const S = KEY_SEPARATOR;
const groupHour = (org: string, group: string, hour: number) => `g${org}${S}${group}${S}${hour * 3_600_000}`;
const agentDay = (org: string, agent: string, day: number) =>
  `a${org}${S}${agent}${S}2026-03-${String(day).padStart(2, '0')}`;

/** Marks as flushes leave them: every key marked by three flushes, interleaved. */
function marksOf(keys: string[]): DirtyMark[] {
  const marks: DirtyMark[] = [];
  for (let round = 0; round < 3; round++) for (const key of keys) marks.push({ id: String(marks.length + 1), key });
  return marks;
}

const keysOf = (org: string, agents: number, groups: number): string[] => [
  ...Array.from({ length: agents * 4 }, (_, i) => agentDay(org, `agent-${i % agents}`, 1 + Math.floor(i / agents))),
  ...Array.from({ length: groups * 6 }, (_, i) => groupHour(org, `group-${i % groups}`, Math.floor(i / groups))),
];

describe('splitDerivedMarks', () => {
  const keys = [...keysOf('org-a', 5, 2), ...keysOf('org-b', 2, 1), ...keysOf('org-c', 1, 1)];
  const marks = marksOf(keys);

  it('puts every mark in exactly one part, and the marks of one key in the same part', () => {
    for (const count of [1, 2, 3, 7]) {
      const parts = splitDerivedMarks(marks, count);
      expect(parts.length).toBe(Math.min(count, new Set(keys).size));
      expect(parts.flatMap((part) => part.ids).sort()).toEqual(marks.map((mark) => mark.id).sort());
      const partOfKey = new Map<string, number>();
      parts.forEach((part, i) => {
        for (const id of part.ids) {
          const key = marks[Number(id) - 1]!.key;
          expect(partOfKey.get(key) ?? i).toBe(i);
          partOfKey.set(key, i);
          const stored = key.slice(1);
          expect(key.startsWith('g') ? part.keys.groupHours.has(stored) : part.keys.agentDays.has(stored)).toBe(true);
        }
        expect(part.keys.size).toBe(new Set(part.ids.map((id) => marks[Number(id) - 1]!.key)).size);
      });
    }
  });

  it('deals each kind of key out evenly, whatever organization it is of', () => {
    const parts = splitDerivedMarks(marks, 2);
    const agentDays = parts.map((part) => part.keys.agentDays.size);
    const groupHours = parts.map((part) => part.keys.groupHours.size);
    expect(agentDays.reduce((a, b) => a + b)).toBe(32);
    expect(Math.abs(agentDays[0]! - agentDays[1]!)).toBeLessThanOrEqual(1);
    expect(Math.abs(groupHours[0]! - groupHours[1]!)).toBeLessThanOrEqual(1);
  });

  it('keeps every mark of an organization marked whole in one part, the others dealt out', () => {
    const withWhole = [
      ...marks,
      { id: String(marks.length + 1), key: 'oorg-a' },
      ...marksOf([agentDay('org-a', 'x', 9)]),
    ];
    withWhole.forEach((mark, i) => {
      mark.id = String(i + 1);
    });
    const parts = splitDerivedMarks(withWhole, 3);
    const holding = parts.filter((part) => part.keys.wholeOrganizations.has('org-a'));
    expect(holding).toHaveLength(1);
    const [whole] = holding;
    for (const mark of withWhole) {
      if (!mark.key.startsWith('oorg-a') && !mark.key.slice(1).startsWith(`org-a${S}`)) continue;
      expect(whole!.ids).toContain(mark.id);
    }
    // The other organizations' keys still spread over every part.
    for (const part of parts) expect(part.keys.agentDays.size + part.keys.groupHours.size).toBeGreaterThan(0);
    expect(parts.flatMap((part) => part.ids)).toHaveLength(withWhole.length);
  });

  it('answers no part for no marks, and one part for one key', () => {
    expect(splitDerivedMarks([], 2)).toEqual([]);
    const one = splitDerivedMarks(marksOf([agentDay('org-a', 'x', 1)]), 2);
    expect(one).toHaveLength(1);
    expect(one[0]!.ids).toEqual(['1', '2', '3']);
  });
});
