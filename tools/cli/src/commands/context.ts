import type { Command } from 'commander';
import { SetupClient } from '../setup-client.js';

export interface CommandContext {
  /** Writes the command's result (JSON) to stdout. */
  print(result: unknown): void;
}

/** The client for the global `--url` and `--token` of the command being run. */
export function clientOf(command: Command): SetupClient {
  const { url, token } = command.optsWithGlobals<{ url: string; token?: string }>();
  return new SetupClient({ url, token });
}
