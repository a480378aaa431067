/**
 * The first line of every email livedesk sends about a ticket. A requester's answer is cut at
 * it (their mail client quotes the mail below what they wrote), so the ticket keeps what they
 * wrote, not the whole history again.
 */
export const REPLY_MARKER = '##- Please type your reply above this line -##';

/** The requester's own words of an inbound reply: everything above the quoted marker line. */
export function textAboveMarker(text: string): string {
  const index = text.indexOf(REPLY_MARKER);
  if (index < 0) return text.trim();
  // The quote header ("On Mon, Ann wrote:") and quote marks sit on the lines just above the marker.
  const lines = text.slice(0, index).split('\n');
  while (lines.length > 0 && /^\s*(>.*)?$|wrote:\s*$|schrieb:\s*$|a écrit\s*:\s*$/i.test(lines.at(-1)!)) lines.pop();
  return lines.join('\n').trim();
}
