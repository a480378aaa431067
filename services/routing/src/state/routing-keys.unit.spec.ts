import { describe, expect, it } from '@jest/globals';
import { KEY_TAGS, organizationBaseKey, routingKey } from './routing-keys.js';

describe('routing keys', () => {
  it('puts an organization in one hash tag, so its keys share one cluster slot', () => {
    expect(organizationBaseKey('acme')).toBe('routing:{acme}:');
    expect(routingKey('acme', 'agent', 'a-1')).toBe('routing:{acme}:agent:a-1');
  });

  it('refuses an organization id with a brace, which could spell another organization’s keys', () => {
    expect(() => organizationBaseKey('a}:agent:b')).toThrow(RangeError);
    expect(() => organizationBaseKey('{a')).toThrow(RangeError);
    expect(() => organizationBaseKey('')).toThrow(RangeError);
  });

  it('has no tag that is a prefix of another, so two (tag, id) pairs never name one key', () => {
    const tags = Object.values(KEY_TAGS);
    for (const a of tags) {
      for (const b of tags) {
        if (a !== b) expect(b.startsWith(a)).toBe(false);
      }
    }
  });
});
