import type { Window } from '../domain/local-windows.js';

/**
 * Windows as the reports' SQL takes them: two arrays of ISO instants (unnested `WITH ORDINALITY`,
 * so row `n` of the answer is `windows[n]`), and the span of them all, which bounds the scans.
 */
export function windowParams(windows: readonly Window[]): {
  starts: string[];
  ends: string[];
  since: Date;
  until: Date;
} {
  if (windows.length === 0) throw new Error('at least one window is needed');
  return {
    starts: windows.map((w) => w.from.toISOString()),
    ends: windows.map((w) => w.to.toISOString()),
    since: new Date(Math.min(...windows.map((w) => w.from.getTime()))),
    until: new Date(Math.max(...windows.map((w) => w.to.getTime()))),
  };
}
