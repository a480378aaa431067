import { describe, expect, it } from '@jest/globals';
import { prefixSubject } from './subject-prefix.js';

describe('prefixSubject', () => {
  it('puts the prefix in front of the subject', () => {
    expect(prefixSubject('livedesk', 'cmd.conversation.start')).toBe('livedesk.cmd.conversation.start');
  });

  it('accepts wildcards in the subject only', () => {
    expect(prefixSubject('t1', 'events.>')).toBe('t1.events.>');
    expect(() => prefixSubject('t*', 'events')).toThrow(/subject prefix/);
  });

  it('refuses empty tokens and whitespace', () => {
    expect(() => prefixSubject('', 'cmd')).toThrow(/subject prefix ""/);
    expect(() => prefixSubject('livedesk', 'cmd..x')).toThrow(/subject "cmd..x"/);
    expect(() => prefixSubject('livedesk', 'cmd x')).toThrow(/subject/);
  });
});
