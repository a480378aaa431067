import { DerivedKeys, organizationOfKey } from './derived-keys.js';

/** A mark of `metrics.projection_dirty`: `g…` a group hour, `a…` an agent day, `o…` a whole organization. */
export interface DirtyMark {
  id: string;
  key: string;
}

/** Marks to recompute together, in a transaction of their own, and the keys they stand for. */
export interface DerivedPart {
  ids: string[];
  keys: DerivedKeys;
}

/** The organization a mark is of: a whole organization's mark is its id. */
const organizationOfMark = (mark: string): string =>
  mark.startsWith('o') ? mark.slice(1) : organizationOfKey(mark.slice(1));

/**
 * Marks split into at most `count` parts that share no derived row, for parallel transactions
 * (a rebuild's end). Each group hour and agent day is its own row, so the keys are dealt out
 * one by one, each kind to the part with the fewest of that kind (an agent day costs several
 * times a group hour); the marks of one key go together. An organization marked whole has all
 * its agent days dropped and recomputed (`addWholeOrganization`), so all its marks go to one
 * part. Empty parts are left out.
 */
export function splitDerivedMarks(marks: readonly DirtyMark[], count: number): DerivedPart[] {
  const parts = Array.from({ length: Math.max(1, count) }, () => ({
    ids: [] as string[],
    keys: new DerivedKeys(),
    groupHours: 0,
    agentDays: 0,
    organizations: 0,
  }));
  const lightest = (weight: (part: (typeof parts)[number]) => number): number => {
    let best = 0;
    for (let i = 1; i < parts.length; i++) if (weight(parts[i]!) < weight(parts[best]!)) best = i;
    return best;
  };
  const partOfOrganization = new Map<string, number>();
  for (const { key } of marks) {
    if (!key.startsWith('o')) continue;
    const organizationId = key.slice(1);
    if (partOfOrganization.has(organizationId)) continue;
    const part = lightest((p) => p.organizations);
    parts[part]!.organizations += 1;
    partOfOrganization.set(organizationId, part);
  }
  const partOfKey = new Map<string, number>();
  for (const { id, key } of marks) {
    let part = partOfOrganization.get(organizationOfMark(key)) ?? partOfKey.get(key);
    if (part === undefined) {
      part = key.startsWith('g') ? lightest((p) => p.groupHours) : lightest((p) => p.agentDays);
      if (key.startsWith('g')) parts[part]!.groupHours += 1;
      else parts[part]!.agentDays += 1;
      partOfKey.set(key, part);
    }
    const { ids, keys } = parts[part]!;
    ids.push(id);
    if (key.startsWith('o')) keys.wholeOrganizations.add(key.slice(1));
    else keys.addAll([key]);
  }
  return parts.filter((part) => part.ids.length > 0).map(({ ids, keys }) => ({ ids, keys }));
}
