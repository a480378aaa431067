import { z } from 'zod';
import { Channel, Id, Priority, SafeString, SlaTargets, Timestamp } from '@livedesk/contracts';
import { BusinessCalendar } from '../domain/business-calendar.js';

/** `PUT /v1/organizations/:organization_id/sla_policies/:policy_id`: a policy, new or changed. */
export const SlaPolicyRequest = z
  .object({
    name: SafeString.min(1).max(255),
    position: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(100)
      .describe('Policies are tried lowest first; the first that matches applies.'),
    match: z
      .object({
        group_ids: z.array(Id).max(1000).optional(),
        channels: z.array(Channel).optional(),
        priorities: z.array(Priority).optional(),
      })
      .strict()
      .default({})
      .describe('Every condition given must hold; an absent or empty list matches anything.'),
    targets: SlaTargets.strict().refine(
      (targets) => Object.values(targets).some((seconds) => seconds !== undefined),
      'give at least one target',
    ),
    calendar: BusinessCalendar.nullable().default(null).describe('Business hours the targets count in; null: 24/7.'),
    effective_from: Timestamp.optional().describe(
      'Cycles starting from this instant are judged by this definition (default: now); an earlier instant re-evaluates past cycles.',
    ),
  })
  .strict();
export type SlaPolicyRequest = z.infer<typeof SlaPolicyRequest>;

export const PolicyIdParam = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'a policy id is 1-64 letters, digits, - and _');

/** A policy as the API answers it: its latest definition. */
export const SlaPolicyView = z.object({
  policy_id: z.string(),
  version: z.number().int(),
  effective_from: Timestamp,
  name: z.string(),
  position: z.number().int(),
  match: SlaPolicyRequest.shape.match.unwrap(),
  targets: SlaTargets,
  calendar: BusinessCalendar.nullable(),
});

export const SlaPolicyList = z.object({ policies: z.array(SlaPolicyView) });
export const SlaPolicyWritten = z.object({
  policy_id: z.string(),
  version: z.number().int(),
  effective_from: Timestamp,
});
