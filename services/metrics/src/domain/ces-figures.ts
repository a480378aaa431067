import { ratio, total, type FigureSpec } from './figures.js';

/** The totals CES is read off: the answers, their sum, and the answers of each value. */
export type CesTotalKey =
  | 'ces_answers'
  | 'ces_sum'
  | 'ces_1'
  | 'ces_2'
  | 'ces_3'
  | 'ces_4'
  | 'ces_5'
  | 'ces_6'
  | 'ces_7';

/**
 * CES (docs/metrics.md): the mean of the 1–7 answers to "how easy was it to get your issue
 * handled?", and its distribution, the number of answers of each value — for agents and teams alike.
 */
export const CES_FIGURES = {
  ces_answers: total('ces_answers'),
  ces_average: ratio('ces_sum', 'ces_answers'),
  ces_1: total('ces_1'),
  ces_2: total('ces_2'),
  ces_3: total('ces_3'),
  ces_4: total('ces_4'),
  ces_5: total('ces_5'),
  ces_6: total('ces_6'),
  ces_7: total('ces_7'),
} as const satisfies Record<string, FigureSpec<CesTotalKey>>;

export const CES_FIGURE_DESCRIPTIONS: Record<keyof typeof CES_FIGURES, string> = {
  ces_answers: 'CES answers (post-chat survey, 1 to 7)',
  ces_average: 'CES: the mean answer, 1 (very hard) to 7 (very easy)',
  ces_1: 'CES answers of 1',
  ces_2: 'CES answers of 2',
  ces_3: 'CES answers of 3',
  ces_4: 'CES answers of 4',
  ces_5: 'CES answers of 5',
  ces_6: 'CES answers of 6',
  ces_7: 'CES answers of 7',
};

/** SQL aggregates of the CES totals over a column of 1–7 scores (nulls are not answers). */
export function cesTotalsSql(score: string): string {
  return [
    `count(${score})::int AS ces_answers`,
    `coalesce(sum(${score}), 0)::int AS ces_sum`,
    ...[1, 2, 3, 4, 5, 6, 7].map((value) => `count(*) FILTER (WHERE ${score} = ${value})::int AS ces_${value}`),
  ].join(',\n             ');
}
