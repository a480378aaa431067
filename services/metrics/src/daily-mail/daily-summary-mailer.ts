import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { PinoLogger } from 'nestjs-pino';
import {
  directoryPattern,
  directoryQueries,
  ticketingCommands,
  ticketingPattern,
  type DirectoryAgentRecord,
  type DirectoryQuery,
  type DirectoryQueryName,
  type DirectoryQueryReply,
} from '@livedesk/contracts';
import { CommandClient, sendCommand } from '@livedesk/messaging';
import { CLOCK, DATABASE, SERVICE_CONFIG, type Clock } from '@livedesk/service-kit';
import { dayWindow, reportZone, yesterday } from '../domain/local-windows.js';
import type { MetricsConfig } from '../metrics-config.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { overviewReport } from '../reports/overview-report.js';
import { dailySummaryMail, type SummarySection } from './daily-summary-mail.js';

/** A replica writing an agent's mail holds it this long; after it (a crash), another replica may. */
const CLAIM_SECONDS = 120;
const COMMAND_TIMEOUT_MS = 5000;

interface DueOrganization {
  organization_id: string;
  name: string;
  time_zone: string;
}

/**
 * The daily summary by email (docs/metrics.md): from `DAILY_SUMMARY_HOUR` (08:00) in each
 * organization's time zone, every agent who opted in (`daily_summary`, the identity service's
 * directory) gets the day before's figures of their scope — an agent their own, a supervisor
 * their groups' (the organization's when they have none), an admin the organization's — by the
 * overview report's definitions, through the ticketing service's outbox (`queue_email`).
 *
 * Every replica polls. An agent's mail of a day is claimed in `metrics.daily_summary_mails` (one
 * row per organization, agent and day) for a while, queued, then marked queued; the ticketing
 * outbox keys the mail by organization, agent and day too, so a replica that died between the
 * two, and another that takes the claim over, still leave one mail. Once every opted-in agent's
 * mail of the day is queued, the organization's day is done and not looked at again.
 */
@Injectable()
export class DailySummaryMailer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<unknown> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<MetricsDatabase>,
    @Inject(SERVICE_CONFIG) private readonly config: MetricsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly client: CommandClient,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('DailySummaryMailer');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.polling ??= this.sendDue().finally(() => (this.polling = undefined));
    }, this.config.DAILY_SUMMARY_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** Queues every mail due now; answers how many this replica queued. */
  async sendDue(): Promise<number> {
    const now = this.clock.now();
    let queued = 0;
    for (const organization of await this.dueOrganizations(now)) {
      try {
        queued += await this.sendForOrganization(organization, now);
      } catch (error) {
        this.logger.warn(
          { err: error, organizationId: organization.organization_id },
          'daily summaries not sent; retrying at the next poll',
        );
      }
    }
    return queued;
  }

  /** The organizations past the sending hour whose day is not done yet. */
  private async dueOrganizations(now: Date): Promise<DueOrganization[]> {
    const organizations = await this.db
      .selectFrom('metrics.organizations')
      .select(['organization_id', 'name', 'time_zone'])
      .execute();
    const due = organizations.filter(
      (organization) =>
        DateTime.fromJSDate(now, { zone: reportZone(organization.time_zone) }).hour >= this.config.DAILY_SUMMARY_HOUR,
    );
    if (due.length === 0) return [];
    const done = await this.db
      .selectFrom('metrics.daily_summary_days')
      .select(['organization_id', sql<string>`date::text`.as('date')])
      .where(
        'organization_id',
        'in',
        due.map((organization) => organization.organization_id),
      )
      .execute();
    const doneKeys = new Set(done.map((row) => `${row.organization_id}/${row.date}`));
    return due.filter(
      (organization) => !doneKeys.has(`${organization.organization_id}/${localDate(now, organization.time_zone)}`),
    );
  }

  private async sendForOrganization(organization: DueOrganization, now: Date): Promise<number> {
    const zone = reportZone(organization.time_zone);
    const today = localDate(now, zone);
    const day = yesterday(now, zone);
    const { agents } = await this.directory('agents', {
      organization_id: organization.organization_id,
      enabled_only: true,
    });
    const recipients = agents.filter((agent) => agent.daily_summary);
    let queued = 0;
    let pending = 0;
    let groupNames: Map<string, string> | undefined;
    for (const agent of recipients) {
      if (!(await this.claim(organization.organization_id, agent.agent_id, today, now))) {
        if (!(await this.isQueued(organization.organization_id, agent.agent_id, today))) pending++;
        continue;
      }
      try {
        groupNames ??= await this.groupNames(organization.organization_id);
        const sections = await this.sectionsFor(organization.organization_id, agent, day, zone, groupNames);
        const mail = dailySummaryMail({
          organizationName: organization.name,
          recipientName: agent.display_name ?? agent.name,
          date: day,
          timeZone: zone,
          sections,
        });
        await sendCommand(
          this.client,
          ticketingPattern('queue_email'),
          {
            organization_id: organization.organization_id,
            key: `daily-summary/${agent.agent_id}/${today}`,
            kind: 'daily_summary',
            to: agent.email,
            subject: mail.subject,
            text: mail.text,
            expires_at: Date.now() + COMMAND_TIMEOUT_MS,
          },
          { timeoutMs: COMMAND_TIMEOUT_MS, parseReply: (value) => ticketingCommands.queue_email.reply.parse(value) },
        );
        await this.db
          .updateTable('metrics.daily_summary_mails')
          .set({ queued_at: now, claimed_until: null })
          .where('organization_id', '=', organization.organization_id)
          .where('agent_id', '=', agent.agent_id)
          .where('date', '=', today)
          .execute();
        queued++;
      } catch (error) {
        pending++;
        await this.release(organization.organization_id, agent.agent_id, today);
        this.logger.warn(
          { err: error, organizationId: organization.organization_id, agentId: agent.agent_id },
          'daily summary not queued; retrying at the next poll',
        );
      }
    }
    if (pending === 0) {
      await this.db
        .insertInto('metrics.daily_summary_days')
        .values({ organization_id: organization.organization_id, date: today, done_at: now })
        .onConflict((oc) => oc.columns(['organization_id', 'date']).doNothing())
        .execute();
    }
    return queued;
  }

  /** The agent's mail of the day for this replica: not queued yet, and nobody else's claim running. */
  private async claim(organizationId: string, agentId: string, date: string, now: Date): Promise<boolean> {
    const { rows } = await sql<{ agent_id: string }>`
      INSERT INTO metrics.daily_summary_mails AS m (organization_id, agent_id, date, claimed_until)
      VALUES (${organizationId}, ${agentId}, ${date}::date, ${now}::timestamptz + make_interval(secs => ${CLAIM_SECONDS}))
      ON CONFLICT (organization_id, agent_id, date) DO UPDATE
        SET claimed_until = excluded.claimed_until
        WHERE m.queued_at IS NULL AND (m.claimed_until IS NULL OR m.claimed_until < ${now}::timestamptz)
      RETURNING m.agent_id`.execute(this.db);
    return rows.length === 1;
  }

  private async release(organizationId: string, agentId: string, date: string): Promise<void> {
    await this.db
      .updateTable('metrics.daily_summary_mails')
      .set({ claimed_until: null })
      .where('organization_id', '=', organizationId)
      .where('agent_id', '=', agentId)
      .where('date', '=', date)
      .where('queued_at', 'is', null)
      .execute();
  }

  private async isQueued(organizationId: string, agentId: string, date: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('metrics.daily_summary_mails')
      .select('queued_at')
      .where('organization_id', '=', organizationId)
      .where('agent_id', '=', agentId)
      .where('date', '=', date)
      .executeTakeFirst();
    return row?.queued_at != null;
  }

  /** An agent's own figures; a supervisor's groups' (the organization's without groups); an admin's the organization's. */
  private async sectionsFor(
    organizationId: string,
    agent: DirectoryAgentRecord,
    date: string,
    zone: string,
    groupNames: Map<string, string>,
  ): Promise<SummarySection[]> {
    const { from, to } = dayWindow(date, zone);
    const report = (filter: { groupId?: string; agentId?: string }) =>
      overviewReport(this.db, {
        organizationId,
        from,
        to,
        groupId: filter.groupId ?? null,
        agentId: filter.agentId ?? null,
        time: 'calendar',
      });
    if (agent.role === 'agent')
      return [
        {
          scope: { kind: 'agent', name: agent.display_name ?? agent.name },
          report: await report({ agentId: agent.agent_id }),
        },
      ];
    if (agent.role === 'supervisor' && agent.group_ids.length > 0) {
      const sections: SummarySection[] = [];
      for (const groupId of agent.group_ids) {
        sections.push({
          scope: { kind: 'group', name: groupNames.get(groupId) ?? groupId },
          report: await report({ groupId }),
        });
      }
      return sections;
    }
    return [{ scope: { kind: 'organization' }, report: await report({}) }];
  }

  private async groupNames(organizationId: string): Promise<Map<string, string>> {
    const { groups } = await this.directory('groups', { organization_id: organizationId });
    return new Map(groups.map((group) => [group.group_id, group.name]));
  }

  private directory<N extends DirectoryQueryName>(name: N, query: DirectoryQuery<N>): Promise<DirectoryQueryReply<N>> {
    const reply = directoryQueries[name].reply;
    return sendCommand(this.client, directoryPattern(name), query, {
      timeoutMs: COMMAND_TIMEOUT_MS,
      parseReply: (value) => reply.parse(value) as DirectoryQueryReply<N>,
    });
  }
}

/** The local date `now` falls on in `zone`. */
function localDate(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone: reportZone(zone) }).toISODate()!;
}
