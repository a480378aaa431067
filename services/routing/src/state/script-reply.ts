/**
 * Readers of the replies of the routing scripts. The scripts are ours, so a reply of another
 * shape is a bug (or a script from another version answering under the same SHA, which cannot
 * happen): fail loudly rather than route on a misread value.
 */
export class ScriptReplyError extends Error {
  constructor(script: string, reply: unknown) {
    super(`routing state: unexpected reply of ${script}: ${JSON.stringify(reply)}`);
    this.name = 'ScriptReplyError';
  }
}

export function replyArray(script: string, reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new ScriptReplyError(script, reply);
  return reply;
}

export function replyString(script: string, reply: unknown): string {
  if (typeof reply !== 'string') throw new ScriptReplyError(script, reply);
  return reply;
}

export function replyNumber(script: string, reply: unknown): number {
  const value = typeof reply === 'string' ? Number(reply) : reply;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ScriptReplyError(script, reply);
  return value;
}

/** An empty string stands for "none" in replies (Lua cannot put nil in an array). */
export function replyOptionalString(script: string, reply: unknown): string | null {
  const value = replyString(script, reply);
  return value === '' ? null : value;
}
