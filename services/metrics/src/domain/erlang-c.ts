/**
 * Erlang C (the M/M/N queue): arrivals at random (Poisson), handle times exponential, N servers,
 * one queue served first come, first served. Staffing (docs/metrics.md) uses it over chat slots: each
 * of an agent's concurrent-chat slots is one server.
 *
 * The probability of waiting is computed from the Erlang B recursion, B(0) = 1,
 * B(n) = A·B(n−1) / (n + A·B(n−1)), and C = N·B / (N − A·(1 − B)). The textbook formula divides
 * A^N/N! by a sum of such terms, which overflows a double past N ≈ 170; the recursion only ever
 * holds numbers between 0 and 1, so it is exact enough for any N a contact centre has.
 */

/** P(an arrival waits) with `servers` servers and `traffic` erlangs (arrival rate × handle time). */
export function erlangC(servers: number, traffic: number): number {
  checkServers(servers);
  checkTraffic(traffic);
  if (traffic === 0) return 0;
  // At or over capacity the queue grows without bound: everyone waits.
  if (servers <= traffic) return 1;
  return fromErlangB(servers, traffic, erlangB(servers, traffic));
}

/**
 * P(wait ≤ `targetSeconds`) = 1 − C · e^(−(N − A) · t / AHT): the service level of `servers`
 * servers, `traffic` erlangs and an average handle time of `handleSeconds`.
 */
export function serviceLevel(servers: number, traffic: number, targetSeconds: number, handleSeconds: number): number {
  checkTarget(targetSeconds, handleSeconds);
  const waits = erlangC(servers, traffic);
  if (waits === 0) return 1;
  if (waits === 1) return 0;
  return 1 - waits * Math.exp((-(servers - traffic) * targetSeconds) / handleSeconds);
}

export interface ServersNeededInput {
  /** erlangs: arrivals per second × handle seconds */
  traffic: number;
  handleSeconds: number;
  /** the wait a served arrival should not exceed */
  targetSeconds: number;
  /** the share of arrivals to serve within the target, in (0, 1) */
  serviceLevel: number;
}

/** The fewest servers whose service level reaches the goal; 0 when there is no traffic. */
export function serversNeeded(input: ServersNeededInput): number {
  const { traffic, handleSeconds, targetSeconds } = input;
  checkTraffic(traffic);
  checkTarget(targetSeconds, handleSeconds);
  if (!(input.serviceLevel > 0 && input.serviceLevel < 1))
    throw new RangeError(`the service level must be in (0, 1), not ${input.serviceLevel}`);
  if (traffic === 0) return 0;
  // B(n) one step at a time, so the search costs one recursion, not one per candidate.
  let b = 1;
  for (let n = 1; n <= MAX_SERVERS; n++) {
    b = (traffic * b) / (n + traffic * b);
    if (n <= traffic) continue;
    const level = 1 - fromErlangB(n, traffic, b) * Math.exp((-(n - traffic) * targetSeconds) / handleSeconds);
    if (level >= input.serviceLevel) return n;
  }
  throw new RangeError(`more than ${MAX_SERVERS} servers would be needed for ${traffic} erlangs`);
}

/** Far beyond any contact centre; a guard against a runaway loop on absurd input. */
const MAX_SERVERS = 1_000_000;

function erlangB(servers: number, traffic: number): number {
  let b = 1;
  for (let n = 1; n <= servers; n++) b = (traffic * b) / (n + traffic * b);
  return b;
}

function fromErlangB(servers: number, traffic: number, b: number): number {
  return (servers * b) / (servers - traffic * (1 - b));
}

function checkServers(servers: number): void {
  if (!Number.isInteger(servers) || servers < 0)
    throw new RangeError(`servers must be a whole number ≥ 0, not ${servers}`);
}

function checkTraffic(traffic: number): void {
  if (!Number.isFinite(traffic) || traffic < 0)
    throw new RangeError(`traffic must be a finite number of erlangs ≥ 0, not ${traffic}`);
}

function checkTarget(targetSeconds: number, handleSeconds: number): void {
  if (!Number.isFinite(targetSeconds) || targetSeconds < 0)
    throw new RangeError(`the target must be ≥ 0 seconds, not ${targetSeconds}`);
  if (!Number.isFinite(handleSeconds) || handleSeconds <= 0)
    throw new RangeError(`the handle time must be > 0 seconds, not ${handleSeconds}`);
}
