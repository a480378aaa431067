/**
 * How long a login is locked out after `failures` wrong passwords counted in the window:
 * nothing for the first `free` ones, then 1, 2, 4, 8 … seconds, never more than `maxSeconds`.
 * A guesser's pace halves with every miss; a person who mistyped a few times waits seconds.
 */
export function lockoutSeconds(failures: number, free: number, maxSeconds: number): number {
  if (failures <= free) return 0;
  return Math.min(maxSeconds, 2 ** Math.min(failures - free - 1, 30));
}
