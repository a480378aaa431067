import { describe, expect, it } from '@jest/globals';
import { streamCategory, streamEntityId, streamId } from './streams.js';

describe('stream ids', () => {
  it('split into the category and the entity id at the first dash', () => {
    const id = streamId('conversation', '0b6f-4e1a');
    expect(streamCategory(id)).toBe('conversation');
    expect(streamEntityId(id)).toBe('0b6f-4e1a');
    expect(streamEntityId(streamId('slapolicy', 'org-1:first-response'))).toBe('org-1:first-response');
  });

  it('answer no entity id for a string without a category', () => {
    expect(streamEntityId('conversation')).toBe('');
    expect(streamEntityId('')).toBe('');
  });
});
