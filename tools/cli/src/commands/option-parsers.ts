import { MAX_WELCOME_MESSAGE_LENGTH } from '@livedesk/contracts';
import { InvalidArgumentError } from 'commander';

export function positiveInteger(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a whole number above 0');
  return Number(value);
}

export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  return value;
}

export function nonNegativeInteger(value: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return Number(value);
}

/** A JSON value given on the command line (the gateway validates its shape). */
export function json(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new InvalidArgumentError('expected JSON');
  }
}

/** An organization's welcome message: 1 to MAX_WELCOME_MESSAGE_LENGTH characters once trimmed, as the gateway takes it. */
export function welcomeMessage(value: string): string {
  const text = value.trim();
  if (text === '' || text.length > MAX_WELCOME_MESSAGE_LENGTH)
    throw new InvalidArgumentError(`expected 1 to ${MAX_WELCOME_MESSAGE_LENGTH} characters`);
  return text;
}
