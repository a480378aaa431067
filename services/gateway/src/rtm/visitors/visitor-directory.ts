import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Visitor } from '@livedesk/contracts';
import { REDIS } from '@livedesk/service-kit';

/** A visitor counts as on the site this long after their last page view. */
export const VISITOR_ONLINE_MS = 5 * 60_000;

/**
 * Who is on the organization's site now, in Redis (shared by the replicas): a sorted set of
 * visitors by last page view, and their last page. Page views are not events: they need no
 * history, and they are the most frequent thing a site sends.
 */
@Injectable()
export class VisitorDirectory {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async pageViewed(organizationId: string, visitorId: string, page: { url: string; title?: string; referrer?: string }, now = new Date()): Promise<Visitor> {
    const visitor: Visitor = {
      visitor_id: visitorId,
      url: page.url,
      title: page.title ?? null,
      referrer: page.referrer ?? null,
      last_seen_at: now.toISOString(),
    };
    await this.redis
      .multi()
      .zadd(this.seenKey(organizationId), now.getTime(), visitorId)
      .hset(this.pagesKey(organizationId), visitorId, JSON.stringify(visitor))
      .exec();
    return visitor;
  }

  async online(organizationId: string, now = Date.now()): Promise<Visitor[]> {
    const cutoff = now - VISITOR_ONLINE_MS;
    const gone = await this.redis.zrangebyscore(this.seenKey(organizationId), '-inf', `(${cutoff}`);
    if (gone.length > 0) {
      await this.redis.multi().zrem(this.seenKey(organizationId), ...gone).hdel(this.pagesKey(organizationId), ...gone).exec();
    }
    const ids = await this.redis.zrevrangebyscore(this.seenKey(organizationId), '+inf', cutoff, 'LIMIT', 0, 500);
    if (ids.length === 0) return [];
    const pages = await this.redis.hmget(this.pagesKey(organizationId), ...ids);
    return pages.filter((page): page is string => page !== null).map((page) => JSON.parse(page) as Visitor);
  }

  async isOnline(organizationId: string, visitorId: string, now = Date.now()): Promise<boolean> {
    const seen = await this.redis.zscore(this.seenKey(organizationId), visitorId);
    return seen !== null && Number(seen) >= now - VISITOR_ONLINE_MS;
  }

  private seenKey(organizationId: string): string {
    return `gateway:{${organizationId}}:visitors`;
  }

  private pagesKey(organizationId: string): string {
    return `gateway:{${organizationId}}:visitor-pages`;
  }
}
