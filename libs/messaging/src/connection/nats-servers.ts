import type { ConnectionOptions } from '@nats-io/transport-node';

/** What `connect()` needs of a `NATS_URL`: the servers, and the credentials some of them carry. */
export type NatsServerOptions = Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'token'>;

/**
 * Splits `NATS_URL` (one URL or a comma-separated list) into the servers and their credentials.
 * nats.js ignores a user and password written in a server URL, so they are taken out of the URLs
 * and passed as `user`/`pass` (`nats://user:password@host:4222`); a user name without a password
 * is a token (`nats://token@host:4222`), as the `nats` command line reads it. Reserved characters
 * of a password are percent-encoded in the URL (`%40` for `@`). When several URLs carry
 * credentials they must be the same: one connection authenticates one way with every server.
 */
export function natsServerOptions(natsUrl: string): NatsServerOptions {
  const servers: string[] = [];
  let credentials: { user?: string; pass?: string; token?: string } | undefined;
  let credentialsKey: string | undefined;
  for (const entry of natsUrl
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf('@');
    const scheme = entry.indexOf('://');
    if (at === -1 || scheme === -1 || at < scheme) {
      servers.push(entry);
      continue;
    }
    const userInfo = entry.slice(scheme + 3, at);
    servers.push(entry.slice(0, scheme + 3) + entry.slice(at + 1));
    const colon = userInfo.indexOf(':');
    const found =
      colon === -1
        ? { token: decodeURIComponent(userInfo) }
        : { user: decodeURIComponent(userInfo.slice(0, colon)), pass: decodeURIComponent(userInfo.slice(colon + 1)) };
    const key = JSON.stringify(found);
    if (credentialsKey !== undefined && key !== credentialsKey) {
      throw new Error(
        'NATS_URL: the servers carry different credentials; one connection uses one user for every server',
      );
    }
    credentials = found;
    credentialsKey = key;
  }
  return { servers, ...credentials };
}
