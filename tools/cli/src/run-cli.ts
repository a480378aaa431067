import { Command, CommanderError, Option } from 'commander';
import { CliError } from './cli-error.js';
import { addAgentCommands } from './commands/agent.js';
import { addDemoCommand } from './commands/demo.js';
import { addDeadLetterCommands } from './commands/dead-letters.js';
import { addGroupCommands } from './commands/group.js';
import { addMetricsCommands } from './commands/metrics.js';
import { httpUrl } from './commands/option-parsers.js';
import { addOrganizationCommands } from './commands/organization.js';
import { addSecretsCommand } from './commands/secrets.js';
import { addSlaPolicyCommands } from './commands/sla-policy.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';
export const DEFAULT_METRICS_URL = 'http://127.0.0.1:8084';

/**
 * Runs `livedesk <args>` and answers the exit status: 0, 1 when the request failed
 * (`livedesk: <code>: <message>` on stderr), 2 for a usage error.
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  const program = new Command('livedesk')
    .description('set up a livedesk installation over its HTTP API')
    .addOption(new Option('--url <url>', 'gateway URL').env('LIVEDESK_URL').default(DEFAULT_URL).argParser(httpUrl))
    .addOption(
      new Option('--metrics-url <url>', 'metrics service URL')
        .env('LIVEDESK_METRICS_URL')
        .default(DEFAULT_METRICS_URL)
        .argParser(httpUrl),
    )
    .addOption(
      new Option(
        '--token <token>',
        'installation admin token, or an organization admin (or, for SLA policies, supervisor) agent token',
      ).env('LIVEDESK_ADMIN_TOKEN'),
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(`livedesk: usage: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(add --help for usage)');
  // Added after the settings above, so every command inherits them (exit override, output).
  const context = {
    print: (result: unknown) => io.stdout(`${JSON.stringify(result, null, 2)}\n`),
    progress: (line: string) => io.stderr(`${line}\n`),
  };
  addOrganizationCommands(program, context);
  addAgentCommands(program, context);
  addGroupCommands(program, context);
  addSlaPolicyCommands(program, context);
  addMetricsCommands(program, context);
  addDeadLetterCommands(program, context);
  addDemoCommand(program, context);
  addSecretsCommand(program, (text) => io.stdout(text));

  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      io.stderr(`livedesk: ${error.code}: ${error.message}\n`);
      return 1;
    }
    io.stderr(`livedesk: internal: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
