import { describe, expect, it } from '@jest/globals';
import type { CannedResponse } from '@livedesk/client';
import { cannedToken, insertCanned, matchCanned } from './canned-match.js';

const response = (shortcut: string, text: string): CannedResponse => ({
  canned_response_id: shortcut,
  shortcut,
  text,
  scope: 'shared',
});
const RESPONSES = [
  response('#refund', 'Your refund is on its way.'),
  response('#hello', 'Hi! How can I help?'),
  response('#bye', 'Have a nice day.'),
  response('#shipping', 'Orders ship within two days; a refund takes longer.'),
];

describe('cannedToken', () => {
  it('finds the #word the caret ends, at the start or after white space', () => {
    expect(cannedToken('#', 1)).toEqual({ start: 0, query: '' });
    expect(cannedToken('Sure, #re', 9)).toEqual({ start: 6, query: 're' });
    expect(cannedToken('line one\n#he', 12)).toEqual({ start: 9, query: 'he' });
  });

  it('offers nothing inside a word, after a space following the word, or before the caret reaches it', () => {
    expect(cannedToken('issue#4', 7)).toBeUndefined();
    expect(cannedToken('#refund ', 8)).toBeUndefined();
    expect(cannedToken('#refund please', 3)).toEqual({ start: 0, query: 're' });
    expect(cannedToken('plain text', 10)).toBeUndefined();
    expect(cannedToken('', 0)).toBeUndefined();
  });
});

describe('matchCanned', () => {
  it('ranks shortcut prefixes first, then shortcut and text matches, case-insensitively', () => {
    expect(matchCanned(RESPONSES, 'RE').map((r) => r.shortcut)).toEqual(['#refund', '#shipping']);
    expect(matchCanned(RESPONSES, 'h').map((r) => r.shortcut)).toEqual(['#hello', '#shipping', '#bye']);
  });

  it('offers all (alphabetically) for a bare #, none for a query nothing contains, at most the limit', () => {
    expect(matchCanned(RESPONSES, '').map((r) => r.shortcut)).toEqual(['#bye', '#hello', '#refund', '#shipping']);
    expect(matchCanned(RESPONSES, 'zzz')).toEqual([]);
    expect(matchCanned(RESPONSES, '', 2)).toHaveLength(2);
  });
});

describe('insertCanned', () => {
  it('replaces the #word with the text and puts the caret after it, keeping what follows', () => {
    const text = 'Sure, #ref and more';
    expect(insertCanned(text, { start: 6, query: 'ref' }, 10, 'Your refund is on its way.')).toEqual({
      text: 'Sure, Your refund is on its way. and more',
      caret: 32,
    });
  });
});
