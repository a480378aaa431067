/**
 * Every NATS subject livedesk uses is `<prefix>.<subject>`: `livedesk` in production, a unique
 * id per test run, so that two runs (or two spec files) on one NATS server never see each
 * other's commands or events.
 */
export function prefixSubject(prefix: string, subject: string): string {
  assertSubjectTokens(prefix, 'subject prefix');
  assertSubjectTokens(subject, 'subject');
  return `${prefix}.${subject}`;
}

// A token may not be empty and may not hold whitespace; wildcards are allowed in the subject
// (a handler may listen on `cmd.conversation.*`) but never in the prefix.
const TOKEN = /^[^\s.*>]+$/;
const WILDCARD_TOKEN = /^(\*|>|[^\s.*>]+)$/;

function assertSubjectTokens(value: string, what: 'subject prefix' | 'subject'): void {
  const pattern = what === 'subject prefix' ? TOKEN : WILDCARD_TOKEN;
  const tokens = value.split('.');
  if (value.length === 0 || !tokens.every((token) => pattern.test(token))) {
    throw new Error(`invalid NATS ${what} "${value}"`);
  }
}
