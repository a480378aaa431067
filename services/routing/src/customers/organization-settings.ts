import { Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_CHAT_INACTIVITY_SECONDS,
  directoryPattern,
  directoryQueries,
  type DirectoryQueryReply,
} from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';

/** How long an organization's setting is kept: a change reaches routing within this (from the chat's next message on). */
const SETTINGS_TTL_MS = 30_000;

/**
 * The organization's `chat_inactivity_seconds`, as the identity service's directory says
 * (`organization` query), kept SETTINGS_TTL_MS per organization. An organization the directory
 * does not know, or an identity service of an earlier version, answers the default; a directory
 * that does not answer, the value last known.
 */
@Injectable()
export class OrganizationSettings {
  private readonly logger = new Logger(OrganizationSettings.name);
  private readonly kept = new Map<string, { inactivitySeconds: number; expiresAtMs: number }>();

  constructor(private readonly client: CommandClient) {}

  async inactivitySeconds(organizationId: string): Promise<number> {
    const now = Date.now();
    const kept = this.kept.get(organizationId);
    if (kept && kept.expiresAtMs > now) return kept.inactivitySeconds;
    let organization: DirectoryQueryReply<'organization'>['organization'];
    try {
      ({ organization } = await sendCommand(
        this.client,
        directoryPattern('organization'),
        { organization_id: organizationId },
        {
          parseReply: (reply) => directoryQueries.organization.reply.parse(reply),
        },
      ));
    } catch (error) {
      // The directory does not answer: what was known (or the default), asked again after the
      // same time, so that the events routing follows do not each wait for a directory that is away.
      this.logger.warn({ err: error, organizationId }, 'could not read the organization settings');
      const inactivitySeconds = kept?.inactivitySeconds ?? DEFAULT_CHAT_INACTIVITY_SECONDS;
      this.kept.set(organizationId, { inactivitySeconds, expiresAtMs: now + SETTINGS_TTL_MS });
      return inactivitySeconds;
    }
    const inactivitySeconds = organization?.chat_inactivity_seconds ?? DEFAULT_CHAT_INACTIVITY_SECONDS;
    if (this.kept.size > 10_000) this.kept.clear();
    this.kept.set(organizationId, { inactivitySeconds, expiresAtMs: now + SETTINGS_TTL_MS });
    return inactivitySeconds;
  }
}
