import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Inject, Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { createTestNats, waitFor, type TestNats } from '@livedesk/testing';
import { CommandClient } from './command-client.js';
import { CommandError, CommandFailedError, CommandTimeoutError, NoRespondersError } from './command-errors.js';
import { CommandServer } from './command-server.js';
import { sendCommand } from './send-command.js';

const REPLICA = Symbol('REPLICA');

interface Replica {
  id: string;
  handled: string[];
  started: string[];
}

@Controller()
class TestCommandsController {
  constructor(@Inject(REPLICA) private readonly replica: Replica) {}

  @MessagePattern('cmd.echo')
  echo(@Payload() data: { n: number }): { n: number; replica: string } {
    this.replica.handled.push(String(data.n));
    return { n: data.n, replica: this.replica.id };
  }

  @MessagePattern('cmd.refuse')
  refuse(): never {
    throw new CommandError('conversation_not_found', 'conversation c-1 does not exist');
  }

  @MessagePattern('cmd.crash')
  crash(): never {
    throw new Error('secret internal detail');
  }

  @MessagePattern('cmd.huge')
  huge(@Payload() data: { bytes: number }): { blob: string } {
    return { blob: 'x'.repeat(data.bytes) };
  }

  @MessagePattern('cmd.slow')
  async slow(@Payload() data: { ms: number; tag: string }): Promise<{ tag: string }> {
    this.replica.started.push(data.tag);
    await new Promise((resolve) => setTimeout(resolve, data.ms));
    return { tag: data.tag };
  }
}

@Module({})
class TestCommandsModule {
  static forReplica(replica: Replica): DynamicModule {
    return {
      module: TestCommandsModule,
      controllers: [TestCommandsController],
      providers: [{ provide: REPLICA, useValue: replica }],
    };
  }
}

async function startReplica(nats: TestNats, id: string): Promise<{ app: INestMicroservice; replica: Replica }> {
  const replica: Replica = { id, handled: [], started: [] };
  const app = await NestFactory.createMicroservice(TestCommandsModule.forReplica(replica), {
    strategy: new CommandServer({
      url: nats.url,
      name: `test-${id}`,
      subjectPrefix: nats.subjectPrefix,
      queue: 'test-commands',
      drainTimeoutMs: 5000,
    }),
    logger: false,
  });
  await app.listen();
  return { app, replica };
}

describe('commands over the Nest NATS transport', () => {
  let nats: TestNats;
  let client: CommandClient;
  const replicas: Array<{ app: INestMicroservice; replica: Replica }> = [];

  beforeAll(async () => {
    nats = await createTestNats();
    replicas.push(await startReplica(nats, 'a'), await startReplica(nats, 'b'));
    client = new CommandClient({ connection: nats.connection, subjectPrefix: nats.subjectPrefix });
  });

  afterAll(async () => {
    await client?.close();
    for (const { app } of replicas) await app.close();
    await nats?.cleanup();
  });

  it('answers a command on the prefixed subject', async () => {
    const reply = await sendCommand<{ n: number; replica: string }>(client, 'cmd.echo', { n: 7 });
    expect(reply.n).toBe(7);
    expect(client.subjectOf('cmd.echo')).toBe(`${nats.subjectPrefix}.cmd.echo`);
  });

  it('never answers a client that uses another prefix', async () => {
    const stranger = new CommandClient({ connection: nats.connection, subjectPrefix: `${nats.subjectPrefix}x` });
    await expect(sendCommand(stranger, 'cmd.echo', { n: 1 }, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
      NoRespondersError,
    );
  });

  it('hands each command to exactly one replica of the queue group', async () => {
    for (const { replica } of replicas) replica.handled.length = 0;
    const count = 200;
    const replies = await Promise.all(
      Array.from({ length: count }, (_, n) => sendCommand<{ n: number; replica: string }>(client, 'cmd.echo', { n })),
    );
    expect(replies.map((reply) => reply.n).sort((x, y) => x - y)).toEqual(Array.from({ length: count }, (_, n) => n));
    const handled = replicas.flatMap(({ replica }) => replica.handled);
    expect(handled).toHaveLength(count);
    expect(new Set(handled).size).toBe(count);
    for (const { replica } of replicas) expect(replica.handled.length).toBeGreaterThan(0);
  });

  it('turns a missing reply into CommandTimeoutError with the subject and the timeout', async () => {
    const error = await sendCommand(client, 'cmd.slow', { ms: 1000, tag: 'late' }, { timeoutMs: 100 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect(error).toMatchObject({ subject: `${nats.subjectPrefix}.cmd.slow`, timeoutMs: 100 });
  });

  it('fails at once with NoRespondersError when no service listens', async () => {
    const startedAt = Date.now();
    const error = await sendCommand(client, 'cmd.nobody', {}, { timeoutMs: 5000 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoRespondersError);
    expect(error).toMatchObject({ subject: `${nats.subjectPrefix}.cmd.nobody` });
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });

  it("brings a handler's CommandError to the caller with its code and message", async () => {
    const error = await sendCommand(client, 'cmd.refuse', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error).toMatchObject({ code: 'conversation_not_found', message: 'conversation c-1 does not exist' });
  });

  it('answers reply_too_large at once when a reply would exceed max_payload (the caller waited for its timeout)', async () => {
    const maxPayload = nats.connection.info!.max_payload;
    const startedAt = Date.now();
    const error = await sendCommand(client, 'cmd.huge', { bytes: maxPayload + 1 }, { timeoutMs: 4000 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error).toMatchObject({ code: 'internal', reason: 'reply_too_large' });
    expect((error as Error).message).toContain(`max_payload ${maxPayload} bytes`);
    expect(Date.now() - startedAt).toBeLessThan(3000);
    // The replica answers the next command as usual.
    await expect(sendCommand<{ n: number }>(client, 'cmd.echo', { n: 3 })).resolves.toMatchObject({ n: 3 });
  });

  it('reports an unexpected handler error as internal_error without its detail', async () => {
    const error = await sendCommand(client, 'cmd.crash', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error).toMatchObject({ code: 'internal_error' });
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('starting and closing a command server', () => {
  let nats: TestNats;
  let client: CommandClient;

  beforeAll(async () => {
    nats = await createTestNats();
    client = new CommandClient({ connection: nats.connection, subjectPrefix: nats.subjectPrefix });
  });

  afterAll(async () => {
    await client?.close();
    await nats?.cleanup();
  });

  it('still sends the reply of a command that was running, then takes no more', async () => {
    const { app, replica } = await startReplica(nats, 'closing');
    const inFlight = sendCommand<{ tag: string }>(
      client,
      'cmd.slow',
      { ms: 500, tag: 'in-flight' },
      { timeoutMs: 5000 },
    );
    await waitFor(() => replica.started.includes('in-flight'), { what: 'the slow command to start' });
    const closing = app.close();
    await expect(inFlight).resolves.toEqual({ tag: 'in-flight' });
    await closing;
    await expect(sendCommand(client, 'cmd.echo', { n: 1 }, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
      NoRespondersError,
    );
  });

  it('answers a command sent over another connection the moment listen() resolves', async () => {
    // NATS handles each connection's protocol on its own, so a SUB still on its way from the
    // replica is no guarantee for a PUB from the client; only listen() waiting for it is.
    for (let round = 0; round < 100; round++) {
      const { app } = await startReplica(nats, `starting-${round}`);
      try {
        await expect(
          sendCommand<{ n: number }>(client, 'cmd.echo', { n: round }, { timeoutMs: 2000 }),
        ).resolves.toMatchObject({ n: round });
      } finally {
        await app.close();
      }
    }
  });
});
