import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { ApiCallers } from '@livedesk/auth';
import { allEvents, streamId } from '@livedesk/contracts';
import { EventStore, StreamOwnershipError } from '@livedesk/event-store';
import { ApiError, CLOCK, DATABASE, EVENT_STORE, parseBody, parseOrRefuse, type Clock } from '@livedesk/service-kit';
import type { MetricsDatabase, SlaPoliciesRow } from '../projection/metrics-tables.js';
import { PolicyIdParam, SlaPolicyRequest, type SlaPolicyList, type SlaPolicyWritten } from './sla-policy-schemas.js';

/**
 * SLA policies (metrics.md, SLA), set by supervisors and admins of the organization (or the
 * installation admin). Each change is an event of the policy's stream `slapolicy-<policy_id>`,
 * so past cycles can be judged again by the policy as it was, or as it is said to have been
 * from an earlier `effective_from`; the list answers what the projection has recorded.
 */
@Controller('v1/organizations/:organization_id/sla_policies')
export class SlaPoliciesController {
  constructor(
    @Inject(ApiCallers) private readonly callers: ApiCallers,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<MetricsDatabase>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Headers('authorization') authorization: string | undefined, @Param('organization_id') organizationId: string): Promise<z.infer<typeof SlaPolicyList>> {
    await this.callers.requireSupervisor(authorization, organizationId);
    const rows = await this.db
      .selectFrom('metrics.sla_policies')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .orderBy('policy_id')
      .orderBy('version', 'desc')
      .execute();
    const latest = new Map<string, SlaPoliciesRow>();
    for (const row of rows) if (!latest.has(row.policy_id)) latest.set(row.policy_id, row);
    const policies = [...latest.values()]
      .filter((row) => !row.removed)
      .map((row) => ({
        policy_id: row.policy_id,
        version: row.version,
        effective_from: row.effective_from.toISOString(),
        name: row.name!,
        position: row.position!,
        match: row.match as never,
        targets: row.targets as never,
        calendar: row.calendar as never,
      }))
      .sort((a, b) => a.position - b.position || a.policy_id.localeCompare(b.policy_id));
    return { policies };
  }

  @Put(':policy_id')
  async put(
    @Headers('authorization') authorization: string | undefined,
    @Param('organization_id') organizationId: string,
    @Param('policy_id') policyIdParam: string,
    @Body() body: unknown,
  ): Promise<z.infer<typeof SlaPolicyWritten>> {
    await this.callers.requireSupervisor(authorization, organizationId);
    const policyId = parseOrRefuse(PolicyIdParam, policyIdParam, 'policy_id');
    const request = parseBody(SlaPolicyRequest, body);
    const { effective_from: given, ...policy } = request;
    // The same definition again (a retried request) stores nothing new.
    const last = (await this.store.readStream(policyStream(organizationId, policyId))).at(-1);
    if (last?.type === 'SlaPolicySet') {
      const stored = allEvents.decode(last.type, last.schemaVersion, last.data) as { effective_from: string; policy: unknown };
      if (JSON.stringify(stored.policy) === JSON.stringify(policy) && (given === undefined || given === stored.effective_from)) {
        return { policy_id: policyId, version: last.streamVersion, effective_from: stored.effective_from };
      }
    }
    const effectiveFrom = given ?? this.clock.now().toISOString();
    const data = { policy_id: policyId, effective_from: effectiveFrom, policy };
    return this.append(organizationId, policyId, 'SlaPolicySet', data, effectiveFrom);
  }

  @Delete(':policy_id')
  @HttpCode(200)
  async remove(
    @Headers('authorization') authorization: string | undefined,
    @Param('organization_id') organizationId: string,
    @Param('policy_id') policyIdParam: string,
  ): Promise<z.infer<typeof SlaPolicyWritten>> {
    await this.callers.requireSupervisor(authorization, organizationId);
    const policyId = parseOrRefuse(PolicyIdParam, policyIdParam, 'policy_id');
    const version = await this.store.streamVersion(policyStream(organizationId, policyId));
    if (version === undefined) throw new ApiError('not_found', `no SLA policy "${policyId}"`, 'policy_not_found');
    const effectiveFrom = this.clock.now().toISOString();
    return this.append(organizationId, policyId, 'SlaPolicyRemoved', { policy_id: policyId, effective_from: effectiveFrom }, effectiveFrom);
  }

  private async append(organizationId: string, policyId: string, type: 'SlaPolicySet' | 'SlaPolicyRemoved', data: unknown, effectiveFrom: string) {
    try {
      const encoded = allEvents.encode(type, data);
      const result = await this.store.appendToStream(policyStream(organizationId, policyId), [{ eventId: randomUUID(), ...encoded, occurredAt: this.clock.now() }], 'any', {
        organizationId,
      });
      return { policy_id: policyId, version: result.nextExpectedVersion, effective_from: effectiveFrom };
    } catch (error) {
      // The stream id carries the organization, so only a forged id could name another's stream.
      if (error instanceof StreamOwnershipError) throw new ApiError('not_found', `no SLA policy "${policyId}"`, 'policy_not_found');
      throw error;
    }
  }
}

/** `slapolicy-<organization>:<policy>`: policy ids are the organization's own names. */
export function policyStream(organizationId: string, policyId: string): string {
  return streamId('slapolicy', `${organizationId}:${policyId}`);
}
