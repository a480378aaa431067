import type { Command } from 'commander';
import type { CreateOrganizationRequest } from '@livedesk/contracts';
import { CliError } from '../cli-error.js';
import { clientOf, type CommandContext } from './context.js';
import { json, nonNegativeInteger } from './option-parsers.js';

type Body = ReturnType<typeof CreateOrganizationRequest.parse>;
/** `UpdateOrganizationRequest` as sent: the gateway validates and normalizes it. */
type Changes = {
  name?: string;
  allowed_origins?: string[];
  welcome_message?: string | null;
  business_hours?: unknown;
  widget_open_delay_seconds?: number | null;
  search_language?: string;
  transcript_on_close?: boolean;
  chat_inactivity_seconds?: number;
};

interface SetOptions {
  org: string;
  name?: string;
  allowedOrigin?: string[];
  clearAllowedOrigins?: boolean;
  welcomeMessage?: string;
  clearWelcomeMessage?: boolean;
  businessHours?: unknown;
  alwaysOpen?: boolean;
  openDelay?: number;
  /** false with --no-auto-open (commander's negated option; true otherwise). */
  autoOpen?: boolean;
  searchLanguage?: string;
  /** true with --transcript-on-close, false with --no-transcript-on-close, else unset. */
  transcriptOnClose?: boolean;
  chatInactivity?: number;
}

/** Two options that set one field two ways: at most one of them. */
function oneOf(options: SetOptions, a: keyof SetOptions, b: keyof SetOptions, names: string): void {
  if (options[a] !== undefined && options[b] !== undefined) throw new CliError('validation', `give ${names}, not both`);
}

/**
 * `livedesk org create --name <name> [--time-zone <tz>]`,
 * `livedesk org get --org <id>`,
 * `livedesk org set --org <id> [--name <name>] [--allowed-origin <origin>...] [--clear-allowed-origins]
 *   [--welcome-message <text> | --clear-welcome-message] [--business-hours <json> | --always-open]
 *   [--open-delay <seconds> | --no-auto-open] [--search-language <config>]
 *   [--transcript-on-close | --no-transcript-on-close]`.
 */
export function addOrganizationCommands(program: Command, context: CommandContext): void {
  const org = program.command('org').description('organizations');
  org
    .command('create')
    .description('create an organization (installation admin only)')
    .requiredOption('--name <name>', 'organization name')
    .option('--time-zone <tz>', 'IANA time zone, e.g. Europe/Warsaw (default UTC)')
    .action(async (options: { name: string; timeZone?: string }, command: Command) => {
      const body: Body = {
        name: options.name,
        ...(options.timeZone === undefined ? {} : { time_zone: options.timeZone }),
      };
      context.print(await clientOf(command).post('v1/organizations', body));
    });
  org
    .command('get')
    .description("print an organization's settings, its allowed origins among them")
    .requiredOption('--org <id>', 'organization id')
    .action(async (options: { org: string }, command: Command) => {
      context.print(await clientOf(command).request('GET', `v1/organizations/${encodeURIComponent(options.org)}`));
    });
  org
    .command('set')
    .description("change an organization's settings; --allowed-origin replaces the whole list")
    .requiredOption('--org <id>', 'organization id')
    .option('--name <name>', 'organization name')
    .option(
      '--allowed-origin <origin...>',
      'an origin whose pages may run the widget, e.g. https://shop.example (repeat or list several)',
    )
    .option('--clear-allowed-origins', 'allow no browser origin at all')
    .option('--welcome-message <text>', 'shown at the top of the widget before the visitor writes')
    .option('--clear-welcome-message', 'no welcome message')
    .option(
      '--business-hours <json>',
      'when the widget takes chats, e.g. \'{"time_zone":"Europe/Warsaw","weekly":[{"day":"mon","from":"09:00","to":"17:00"}],"holidays":["2026-12-25"]}\'; outside them it offers to leave a message',
      json,
    )
    .option('--always-open', 'no business hours: the widget always takes chats')
    .option(
      '--open-delay <seconds>',
      'the widget opens by itself this many seconds after a page loads',
      nonNegativeInteger,
    )
    .option('--no-auto-open', 'the widget never opens by itself')
    .option(
      '--search-language <config>',
      "the archive search's text search configuration: simple (default), english, german, french, …",
    )
    .option('--transcript-on-close', "email the chat's transcript to the customer when a chat ends")
    .option('--no-transcript-on-close', 'no transcript when a chat ends (customers may still ask for one)')
    .option(
      '--chat-inactivity <seconds>',
      'an active chat with no message this long is closed as inactive (default 600)',
      nonNegativeInteger,
    )
    .action(async (options: SetOptions, command: Command) => {
      if (options.clearAllowedOrigins && options.allowedOrigin !== undefined) {
        throw new CliError('validation', 'give --allowed-origin or --clear-allowed-origins, not both');
      }
      oneOf(options, 'welcomeMessage', 'clearWelcomeMessage', '--welcome-message or --clear-welcome-message');
      oneOf(options, 'businessHours', 'alwaysOpen', '--business-hours or --always-open');
      const noAutoOpen = options.autoOpen === false;
      if (noAutoOpen && options.openDelay !== undefined)
        throw new CliError('validation', 'give --open-delay or --no-auto-open, not both');
      const body: Changes = {
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.allowedOrigin === undefined ? {} : { allowed_origins: options.allowedOrigin }),
        ...(options.clearAllowedOrigins ? { allowed_origins: [] } : {}),
        ...(options.welcomeMessage === undefined ? {} : { welcome_message: options.welcomeMessage }),
        ...(options.clearWelcomeMessage ? { welcome_message: null } : {}),
        ...(options.businessHours === undefined ? {} : { business_hours: options.businessHours }),
        ...(options.alwaysOpen ? { business_hours: null } : {}),
        ...(options.openDelay === undefined ? {} : { widget_open_delay_seconds: options.openDelay }),
        ...(noAutoOpen ? { widget_open_delay_seconds: null } : {}),
        ...(options.searchLanguage === undefined ? {} : { search_language: options.searchLanguage }),
        ...(options.transcriptOnClose === undefined ? {} : { transcript_on_close: options.transcriptOnClose }),
        ...(options.chatInactivity === undefined ? {} : { chat_inactivity_seconds: options.chatInactivity }),
      };
      context.print(
        await clientOf(command).request('PATCH', `v1/organizations/${encodeURIComponent(options.org)}`, body),
      );
    });
}
