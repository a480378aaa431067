import { TrustedHops } from '@livedesk/auth';
import { z } from 'zod';

/**
 * The throttles of the token endpoints (docs/security.md): wrong passwords per account
 * and per client address, with a lockout that doubles with every further failure; how many
 * password verifications (argon2, 64 MiB and a few hundred milliseconds each) run at once; customer
 * tokens and widget settings per client address; and which proxies may tell the client's address.
 */
export const throttleConfigShape = {
  /**
   * The gateways that forward the public URLs to this service: their `X-Forwarded-For` (the
   * client's address as the gateway saw it) is believed, like a trusted proxy's. Addresses, CIDR
   * subnets, `loopback`, `linklocal` or `uniquelocal`, comma-separated; `loopback` by default
   * (`pnpm start`, the tests); a private network (`uniquelocal`) where the gateway runs in
   * another container, which only the gateway (or the ingress) should reach.
   */
  TRUSTED_GATEWAYS: TrustedHops.default(['loopback']),
  /**
   * Proxies whose `X-Forwarded-For` is believed: addresses, CIDR subnets, or `loopback`,
   * `linklocal`, `uniquelocal`, comma-separated. Empty (the default): the socket's peer is the
   * client, and X-Forwarded-For is ignored (anyone could write it).
   */
  TRUSTED_PROXIES: TrustedHops.default([]),
  /** Wrong passwords for one account (email), and from one client address, before lockouts start. */
  LOGIN_FREE_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_FREE_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(20),
  /** Failures are counted over this window from the first one. */
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Each failure past the free ones locks out for 1, 2, 4 … seconds, up to this. */
  LOGIN_LOCKOUT_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Password verifications running at once in one identity replica; others wait their turn. */
  LOGIN_MAX_CONCURRENT_VERIFICATIONS: z.coerce.number().int().min(1).max(64).default(2),
  /** Attempts of one account that may wait (one runs at a time), and of one address in all; more answer 429. */
  LOGIN_MAX_WAITING_PER_ACCOUNT: z.coerce.number().int().min(0).max(1000).default(2),
  LOGIN_MAX_WAITING_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(8),
  /** Customer tokens (`POST /v1/customer/token`) one client address may take per minute. */
  CUSTOMER_TOKENS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /**
   * Widget settings (`GET /v1/customer/widget-settings`) one client address may read per minute:
   * one per page view; an office behind one address opens many pages.
   */
  WIDGET_SETTINGS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
};

export type ThrottleConfig = z.infer<z.ZodObject<typeof throttleConfigShape>>;
