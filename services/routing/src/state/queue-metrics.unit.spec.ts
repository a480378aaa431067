import { describe, expect, it } from '@jest/globals';
import { parseQueueKey } from './queue-metrics.js';
import { routingKey } from './routing-keys.js';

describe('parseQueueKey', () => {
  it("reads a group queue's organization and group, whatever characters the group id holds", () => {
    expect(parseQueueKey(routingKey('org-1', 'queue', 'grp-1'))).toEqual({ organizationId: 'org-1', groupId: 'grp-1' });
    expect(parseQueueKey(routingKey('org-1', 'queue', 'a:queue:}b'))).toEqual({
      organizationId: 'org-1',
      groupId: 'a:queue:}b',
    });
  });

  it('refuses the other keys the SCAN pattern matches: a chat whose id spells a queue, other tags', () => {
    expect(parseQueueKey(routingKey('org-1', 'chat', 'x}:queue:y'))).toBeNull();
    expect(parseQueueKey(routingKey('org-1', 'drained', 'grp-1'))).toBeNull();
    expect(parseQueueKey(routingKey('org-1', 'queue', ''))).toBeNull();
    expect(parseQueueKey('other:{org-1}:queue:grp-1')).toBeNull();
  });
});
