import type { Command } from 'commander';
import { SetupClient } from '../setup-client.js';

export interface CommandContext {
  /** Writes the command's result (JSON) to stdout. */
  print(result: unknown): void;
  /** Writes a line of progress to stderr (stdout keeps the result alone). */
  progress(line: string): void;
}

/** The client for the global `--url` and `--token` of the command being run. */
export function clientOf(command: Command): SetupClient {
  const { url, token } = command.optsWithGlobals<{ url: string; token?: string }>();
  return new SetupClient({ url, token });
}

/** The client of the metrics service (`--metrics-url`), with the same token. */
export function metricsClientOf(command: Command): SetupClient {
  const { metricsUrl, token } = command.optsWithGlobals<{ metricsUrl: string; token?: string }>();
  return new SetupClient({ url: metricsUrl, token });
}
