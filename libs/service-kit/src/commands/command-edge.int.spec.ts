import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module, UseFilters, type INestApplication } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { DomainError } from '@livedesk/contracts';
import { CommandClient, CommandError, CommandFailedError, CommandServer, sendCommand } from '@livedesk/messaging';
import { createTestNats, type TestNats } from '@livedesk/testing';
import { z } from 'zod';
import { ApiErrorFilter } from '../http/api-error.filter.js';
import { CommandErrorFilter } from './command-error.filter.js';
import { CommandPayload } from './command-payload.js';

const Echo = z.object({ name: z.string().min(1), times: z.number().int().positive().default(1) });
const handled: unknown[] = [];

@Controller()
@UseFilters(CommandErrorFilter)
class EdgeController {
  @MessagePattern('cmd.edge.echo')
  echo(@CommandPayload(Echo) command: z.infer<typeof Echo>): { echoed: string } {
    handled.push(command);
    return { echoed: command.name.repeat(command.times) };
  }

  @MessagePattern('cmd.edge.rule')
  async rule(): Promise<never> {
    throw new DomainError('conflict', 'chat_closed', 'the chat is closed');
  }

  @MessagePattern('cmd.edge.refuse')
  refuse(): never {
    throw new CommandError('unavailable', 'the command waited longer than its caller', 'expired');
  }

  @MessagePattern('cmd.edge.crash')
  crash(): never {
    throw new Error('secret internal detail');
  }
}

/** A command controller that forgot its filter: the application's global ApiErrorFilter hands its failures over. */
@Controller()
class ForgetfulController {
  @MessagePattern('cmd.edge.forgot')
  forgot(@CommandPayload(Echo) command: z.infer<typeof Echo>): never {
    throw new DomainError('not_found', 'chat_not_found', `no chat ${command.name}`);
  }
}

// As in a service: the HTTP application's global ApiErrorFilter, the commands in a hybrid app
// that inherits its configuration (bootstrapService).
@Module({
  controllers: [EdgeController, ForgetfulController],
  providers: [{ provide: APP_FILTER, useClass: ApiErrorFilter }],
})
class EdgeModule {}

describe('a NATS command handler behind CommandErrorFilter and CommandPayload', () => {
  let nats: TestNats;
  let app: INestApplication;
  let client: CommandClient;
  const failureOf = (pattern: string, payload: unknown) =>
    sendCommand(client, pattern, payload).then(
      () => {
        throw new Error(`${pattern} was not refused`);
      },
      (error: unknown) => error as CommandFailedError,
    );

  beforeAll(async () => {
    nats = await createTestNats();
    app = await NestFactory.create(EdgeModule, { logger: false });
    app.connectMicroservice(
      {
        strategy: new CommandServer({
          url: nats.url,
          name: 'edge-test',
          subjectPrefix: nats.subjectPrefix,
          queue: 'edge',
        }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    client = new CommandClient({ connection: nats.connection, subjectPrefix: nats.subjectPrefix });
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await nats?.cleanup();
  });

  it('hands the handler the payload as its contract parses it (defaults filled in)', async () => {
    await expect(sendCommand(client, 'cmd.edge.echo', { name: 'ab' })).resolves.toEqual({ echoed: 'ab' });
    expect(handled.at(-1)).toEqual({ name: 'ab', times: 1 });
  });

  it('refuses a payload that does not parse as validation / invalid_command, naming the field, without running the handler', async () => {
    const before = handled.length;
    for (const payload of [{ name: '' }, { name: 'ab', times: -1 }, 'not an object', [1, 2]]) {
      const error = await failureOf('cmd.edge.echo', payload);
      expect(error).toBeInstanceOf(CommandFailedError);
      expect(error).toMatchObject({ code: 'validation', reason: 'invalid_command' });
    }
    expect((await failureOf('cmd.edge.echo', { name: 'ab', times: 'x' })).message).toContain('times');
    expect(handled).toHaveLength(before);
  });

  it("answers a domain rule's refusal with its code and reason", async () => {
    expect(await failureOf('cmd.edge.rule', {})).toMatchObject({
      code: 'conflict',
      reason: 'chat_closed',
      message: 'the chat is closed',
    });
  });

  it("answers a handler's CommandError as it is", async () => {
    expect(await failureOf('cmd.edge.refuse', {})).toMatchObject({ code: 'unavailable', reason: 'expired' });
  });

  it("answers the refusals of a controller without the filter too (the global ApiErrorFilter's, not a timeout)", async () => {
    expect(await failureOf('cmd.edge.forgot', { name: 'c1' })).toMatchObject({
      code: 'not_found',
      reason: 'chat_not_found',
    });
    expect(await failureOf('cmd.edge.forgot', {})).toMatchObject({ code: 'validation', reason: 'invalid_command' });
  });

  it('answers anything else as an internal error that tells nothing of it', async () => {
    const error = await failureOf('cmd.edge.crash', {});
    expect(error).toMatchObject({ code: 'internal_error' });
    expect(error.message).not.toContain('secret');
  });
});
