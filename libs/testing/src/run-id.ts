import { randomBytes } from 'node:crypto';

/**
 * A short id that is unique for each call: time in base 36 plus random bytes. Every test
 * resource (database, JetStream stream, subject prefix, Redis key prefix) is named with one, so
 * that two runs, or two spec files of one run, never see each other's data.
 */
export function uniqueTestId(): string {
  return `t${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}
