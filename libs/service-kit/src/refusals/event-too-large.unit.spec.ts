import { describe, expect, it } from '@jest/globals';
import { EVENT_DATA_MAX_BYTES, EventTooLargeError } from '@livedesk/event-store';
import { CommandError } from '@livedesk/messaging';
import { apiErrorOf } from '../http/api-error.filter.js';
import { toCommandError } from './to-command-error.js';

// appendToStream's bound on an event's size is the safety net behind every domain's own
// bounds: whichever way a command reaches it, the caller gets a validation refusal.
describe('an event larger than EVENT_DATA_MAX_BYTES', () => {
  const refused = new EventTooLargeError('conversation-c1', 'MessagePosted', EVENT_DATA_MAX_BYTES + 1);

  it('answers a NATS command with a validation refusal naming the rule', () => {
    const answer = toCommandError(refused);
    expect(answer).toBeInstanceOf(CommandError);
    expect(answer).toMatchObject({ code: 'validation', reason: 'event_too_large' });
    expect((answer as CommandError).message).toContain(String(EVENT_DATA_MAX_BYTES));
  });

  it('answers an HTTP request with 400 validation', () => {
    expect(apiErrorOf(refused)).toMatchObject({
      status: 400,
      body: { error: { code: 'validation', reason: 'event_too_large' } },
    });
  });
});
