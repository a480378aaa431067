import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { ApiCallers } from '@livedesk/auth';
import { allEvents, streamEntityId, streamId } from '@livedesk/contracts';
import { CommandHandler, EventStore } from '@livedesk/event-store';
import { ApiError, CLOCK, DATABASE, EVENT_STORE, parseBody, parseOrRefuse, type Clock } from '@livedesk/service-kit';
import type { MetricsDatabase, SlaPoliciesRow } from '../projection/metrics-tables.js';
import {
  slaPolicyDecider,
  type SlaPolicyCommand,
  type SlaPolicyEvent,
  type SlaPolicyState,
} from '../sla/sla-policy-decider.js';

// The namespace of the ids of the policies' events (derived from a command id per request).
const SLA_POLICY_ID_NAMESPACE = '5e8a0c2d-91b4-4f36-8d7e-2a6c4b1f9e03';
import { PolicyIdParam, SlaPolicyRequest, type SlaPolicyList, type SlaPolicyWritten } from './sla-policy-schemas.js';

/**
 * SLA policies (docs/metrics.md, SLA), set by supervisors and admins of the organization (or the
 * installation admin). Each change is an event of the policy's stream `slapolicy-<policy_id>`,
 * so past cycles can be judged again by the policy as it was, or as it is said to have been
 * from an earlier `effective_from`; the list answers what the projection has recorded.
 */
@Controller('v1/organizations/:organization_id/sla_policies')
export class SlaPoliciesController {
  private readonly policies: CommandHandler<MetricsDatabase, SlaPolicyCommand, SlaPolicyEvent, SlaPolicyState>;

  constructor(
    @Inject(ApiCallers) private readonly callers: ApiCallers,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<MetricsDatabase>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.policies = new CommandHandler({
      db,
      relay: store,
      decider: slaPolicyDecider,
      codec: allEvents,
      idNamespace: SLA_POLICY_ID_NAMESPACE,
      clock,
      // The stream id carries the organization, so only a forged id could name another's stream.
      notFound: (stream) => new ApiError('not_found', `no SLA policy "${policyIdOf(stream)}"`, 'policy_not_found'),
    });
  }

  @Get()
  async list(
    @Headers('authorization') authorization: string | undefined,
    @Param('organization_id') organizationId: string,
  ): Promise<z.infer<typeof SlaPolicyList>> {
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
    return this.handle(organizationId, {
      kind: 'set',
      policyId,
      policy,
      effectiveFrom: given,
      now: this.clock.now().toISOString(),
    });
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
    return this.handle(organizationId, { kind: 'remove', policyId, now: this.clock.now().toISOString() });
  }

  /** Runs a change of a policy; a request carries no command id, so each one gets its own. */
  private async handle(organizationId: string, command: SlaPolicyCommand): Promise<z.infer<typeof SlaPolicyWritten>> {
    const result = await this.policies.handle(policyStream(organizationId, command.policyId), command, {
      organizationId,
      commandId: randomUUID(),
    });
    const effectiveFrom =
      result.status === 'appended' ? result.events[0]!.data.effective_from : result.state.current!.effective_from;
    return { policy_id: command.policyId, version: result.version, effective_from: effectiveFrom };
  }
}

/** `slapolicy-<organization>:<policy>`: policy ids are the organization's own names. */
export function policyStream(organizationId: string, policyId: string): string {
  return streamId('slapolicy', `${organizationId}:${policyId}`);
}

function policyIdOf(stream: string): string {
  const entity = streamEntityId(stream);
  return entity.slice(entity.indexOf(':') + 1);
}
