/** Seconds in a multirange of tstzranges (SQL): agent_daily's and the agents report's chatting and idle time. */
export const multirangeSeconds = (expression: string): string =>
  `(SELECT coalesce(sum(extract(epoch FROM upper(r) - lower(r))), 0)::float8 FROM unnest(${expression}) AS r)`;
