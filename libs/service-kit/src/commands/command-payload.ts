import type { PipeTransform } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CommandError } from '@livedesk/messaging';
import { z } from 'zod';

/** Parses a command's payload with its contract's schema; a payload that does not parse is refused as `validation` / `invalid_command`. */
export class ContractPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(payload: unknown): z.output<S> {
    const parsed = this.schema.safeParse(payload);
    if (!parsed.success) throw new CommandError('validation', z.prettifyError(parsed.error), 'invalid_command');
    return parsed.data;
  }
}

/**
 * A NATS command handler's payload, parsed with the contract's request schema before the
 * handler runs: `@CommandPayload(routingCommands.room.request) command: RoutingCommand<'room'>`.
 */
export function CommandPayload(schema: z.ZodType): ParameterDecorator {
  return Payload(new ContractPipe(schema));
}
