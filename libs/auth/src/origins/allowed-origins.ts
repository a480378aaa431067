import { normalizeOrigin } from '@livedesk/contracts';

/** Where the lists are read: the directory itself in the identity service, the identity service over NATS in the gateway. */
export interface AllowedOriginsSource {
  /** The organization's `allowed_origins`; undefined when there is no such organization. */
  allowedOrigins(organizationId: string): Promise<string[] | undefined>;
  /** Whether any organization lists the (normalized) origin: only the CORS of the token endpoints asks (the identity service). */
  isOriginListed?(origin: string): Promise<boolean>;
}

interface Cached<T> {
  value: T;
  expiresAt: number;
}

/** Entries kept per map: a bound against a client that sends a new `Origin` on every preflight. */
const MAX_ENTRIES = 10_000;

/**
 * Which browser origins may act as an organization's customers (`allowed_origins`), read from
 * the directory and kept for `ttlMs`: every customer token request and customer socket login
 * asks, and the list changes rarely. `PATCH /v1/organizations/:id` sends an
 * `organization_changed` signal on which every replica (of the identity service and of the
 * gateway) calls `forget`; a lost signal only waits for the expiry.
 *
 * An `Origin` header that is not an origin (`null` from a sandboxed frame or a file, anything
 * malformed) is allowed nowhere.
 */
export class AllowedOrigins {
  private readonly byOrganization = new Map<string, Cached<ReadonlySet<string> | undefined>>();
  private readonly listed = new Map<string, Cached<boolean>>();

  constructor(
    private readonly directory: AllowedOriginsSource,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the organization lists the origin; undefined when there is no such organization. */
  async allows(organizationId: string, origin: string): Promise<boolean | undefined> {
    let cached = this.fresh(this.byOrganization, organizationId);
    if (!cached) {
      const origins = await this.directory.allowedOrigins(organizationId);
      cached = this.remember(this.byOrganization, organizationId, origins && new Set(origins));
    }
    if (cached.value === undefined) return undefined;
    const normalized = normalizeOrigin(origin);
    return normalized !== undefined && cached.value.has(normalized);
  }

  /** Whether any organization lists the origin: the CORS preflight, which names no organization. */
  async isListedAnywhere(origin: string): Promise<boolean> {
    if (!this.directory.isOriginListed) throw new Error('isListedAnywhere needs a source that answers isOriginListed');
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) return false;
    const cached =
      this.fresh(this.listed, normalized) ??
      this.remember(this.listed, normalized, await this.directory.isOriginListed(normalized));
    return cached.value;
  }

  /** The organization's settings changed: read them again, and every "listed anywhere" answer with them. */
  forget(organizationId: string): void {
    this.byOrganization.delete(organizationId);
    this.listed.clear();
  }

  private fresh<T>(map: Map<string, Cached<T>>, key: string): Cached<T> | undefined {
    const cached = map.get(key);
    if (cached && cached.expiresAt > this.now()) return cached;
    map.delete(key);
    return undefined;
  }

  private remember<T>(map: Map<string, Cached<T>>, key: string, value: T): Cached<T> {
    // A Map iterates in insertion order: the first key is the oldest entry.
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
    const cached = { value, expiresAt: this.now() + this.ttlMs };
    map.set(key, cached);
    return cached;
  }
}
