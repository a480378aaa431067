import { normalizeOrigin } from '@livedesk/contracts';

/**
 * The origins of the agent desk: the gateway's own (it serves the desk at `/desk/`), recognized
 * as an `Origin` whose host and port are the request's `Host`, plus the installation's
 * `DESK_ORIGINS`. A browser cannot forge either header, which is what the check is about: a
 * page of another site must not log agents in or open agent sockets with their credentials.
 * (A reverse proxy that rewrites `Host` needs the public origin in `DESK_ORIGINS`.)
 */
export class DeskOrigins {
  private readonly listed: ReadonlySet<string>;

  constructor(deskOrigins: readonly string[]) {
    this.listed = new Set(deskOrigins);
  }

  allows(origin: string, host: string | undefined): boolean {
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) return false;
    return this.listed.has(normalized) || (host !== undefined && isSameHost(normalized, host));
  }
}

function isSameHost(origin: string, host: string): boolean {
  const url = new URL(origin);
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const hostHeader = host.trim().toLowerCase();
  return hostHeader === url.host || hostHeader === `${url.hostname}:${url.port || defaultPort}`;
}

/** `DESK_ORIGINS`: a comma-separated list of origins; answers the origins, or the first entry that is not one. */
export function parseDeskOrigins(value: string): { origins: string[] } | { invalid: string } {
  const origins: string[] = [];
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)) {
    const origin = normalizeOrigin(entry);
    if (origin === undefined) return { invalid: entry };
    origins.push(origin);
  }
  return { origins };
}
