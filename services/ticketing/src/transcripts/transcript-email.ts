import type { TranscriptMessage } from '@livedesk/contracts';
import { REPLY_MARKER } from '../email/outbound/reply-marker.js';

/** The most characters of a transcript's body: a chat of thousands of long messages keeps its newest part. */
export const TRANSCRIPT_BODY_MAX_CHARS = 500_000;

export interface TranscriptEmail {
  subject: string;
  body: string;
}

const SPEAKERS: Record<TranscriptMessage['author']['kind'], string> = {
  customer: 'You',
  agent: 'Agent',
  bot: 'Bot',
  system: 'System',
};

/**
 * The email of a chat's transcript: its messages in the order they were posted, each with its
 * time (UTC) and who wrote it, and the names of its files. It is given the chat's messages only
 * (`ChatFacts.transcript`): the agents' internal notes are kept apart (`ChatFacts.notes`) and
 * never reach this function. Pure: what the customer receives is unit-tested here.
 */
export function transcriptEmail(
  messages: readonly TranscriptMessage[],
  startedAt: string | undefined,
): TranscriptEmail {
  const lines = messages.map((message) => {
    const files =
      message.attachments.length === 0 ? '' : `\n  (files: ${message.attachments.map((file) => file.name).join(', ')})`;
    const text = message.text.replace(/\r\n?/g, '\n').split('\n').join('\n  ');
    return `[${minuteOf(message.posted_at)}] ${SPEAKERS[message.author.kind]}:\n  ${text}${files}`;
  });
  let shown = lines;
  let omitted = 0;
  let size = lines.reduce((total, line) => total + line.length + 2, 0);
  while (size > TRANSCRIPT_BODY_MAX_CHARS && shown.length > 1) {
    size -= shown[0]!.length + 2;
    shown = shown.slice(1);
    omitted += 1;
  }
  const when = startedAt ?? messages[0]?.posted_at;
  const header = `${REPLY_MARKER}\n\nThe transcript of your chat${when ? ` of ${minuteOf(when)} (UTC)` : ''}.`;
  const gap =
    omitted === 0
      ? ''
      : `\n\n(${omitted} earlier message${omitted === 1 ? '' : 's'} left out: the transcript is too long for one email.)`;
  const content = shown.length === 0 ? '\n\n(No messages.)' : `${gap}\n\n${shown.join('\n\n')}`;
  return { subject: `Your chat transcript${when ? ` (${when.slice(0, 10)})` : ''}`, body: `${header}${content}\n` };
}

/** `2026-12-05 13:04`: the minute, in UTC. */
function minuteOf(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
