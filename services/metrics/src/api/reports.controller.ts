import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { ApiCallers } from '@livedesk/auth';
import { Id } from '@livedesk/contracts';
import { ApiError, CLOCK, DATABASE, parseOrRefuse, type Clock } from '@livedesk/service-kit';
import { isRefusal, resolvePeriod, type ReportPeriod } from '../domain/report-period.js';
import type { MetricsDatabase } from '../projection/metrics-tables.js';
import { agentsReport, type AgentsReport } from '../reports/agents-report.js';
import { dailySummary, type DailySummary } from '../reports/daily-summary.js';
import { dailySummaryCsv } from '../reports/daily-summary-csv.js';
import { overviewReport, type OverviewReport } from '../reports/overview-report.js';
import { staffingReport, type StaffingReport } from '../reports/staffing-report.js';
import { parseQuery } from './parse-query.js';
import { AgentsQuery, DailyQuery, OverviewQuery, StaffingQuery } from './report-queries.js';

/** The part of Express's response the CSV export sets (the project does not pull in Express's types). */
interface HttpResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * The reports over the metrics tables (docs/metrics.md), for supervisors and admins of the
 * organization and the installation admin. Each handler checks the caller, parses the query and
 * hands over to `reports/`, where the figures are computed.
 */
@Controller('v1/organizations/:organization_id/reports')
export class ReportsController {
  constructor(
    @Inject(ApiCallers) private readonly callers: ApiCallers,
    @Inject(DATABASE) private readonly db: Kysely<MetricsDatabase>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('overview')
  async overview(
    @Headers('authorization') authorization: string | undefined,
    @Param('organization_id') organization: string,
    @Query() query: unknown,
  ): Promise<OverviewReport> {
    const organizationId = await this.authorize(authorization, organization);
    const params = parseQuery(OverviewQuery, query);
    const period = this.period(params);
    return overviewReport(this.db, {
      organizationId,
      ...period,
      groupId: params.group_id ?? null,
      agentId: params.agent_id ?? null,
      time: params.time,
    });
  }

  @Get('agents')
  async agents(
    @Headers('authorization') authorization: string | undefined,
    @Param('organization_id') organization: string,
    @Query() query: unknown,
  ): Promise<AgentsReport> {
    const organizationId = await this.authorize(authorization, organization);
    const params = parseQuery(AgentsQuery, query);
    const period = this.period(params);
    return agentsReport(this.db, {
      organizationId,
      ...period,
      groupId: params.group_id ?? null,
      time: params.time,
      now: this.clock.now(),
    });
  }

  @Get('daily')
  async daily(
    @Headers('authorization') authorization: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Param('organization_id') organization: string,
    @Query() query: unknown,
    @Res({ passthrough: true }) response: HttpResponse,
  ): Promise<DailySummary | string> {
    const organizationId = await this.authorize(authorization, organization);
    const params = parseQuery(DailyQuery, query);
    const summary = await dailySummary(this.db, {
      organizationId,
      date: params.date ?? null,
      time: params.time,
      now: this.clock.now(),
    });
    const csv = params.format === 'csv' || (params.format === undefined && /(^|[\s,])text\/csv\b/i.test(accept ?? ''));
    if (!csv) return summary;
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', `attachment; filename="livedesk-daily-${summary.date}.csv"`);
    return dailySummaryCsv(summary);
  }

  @Get('staffing')
  async staffing(
    @Headers('authorization') authorization: string | undefined,
    @Param('organization_id') organization: string,
    @Query() query: unknown,
  ): Promise<StaffingReport> {
    const organizationId = await this.authorize(authorization, organization);
    const params = parseQuery(StaffingQuery, query);
    return staffingReport(this.db, {
      organizationId,
      groupId: params.group_id ?? null,
      weeks: params.weeks,
      concurrency: params.concurrency,
      serviceLevel: params.service_level,
      now: this.clock.now(),
    });
  }

  /** The caller first: a bad query from someone without access learns nothing about the reports. */
  private async authorize(authorization: string | undefined, organizationId: string): Promise<string> {
    await this.callers.requireSupervisor(authorization, organizationId);
    return parseOrRefuse(Id, organizationId, 'organization_id');
  }

  private period(params: { from?: string | undefined; to?: string | undefined }): ReportPeriod {
    const period = resolvePeriod(params, this.clock.now());
    if (isRefusal(period)) throw new ApiError('validation', period.message, period.reason);
    return period;
  }
}
