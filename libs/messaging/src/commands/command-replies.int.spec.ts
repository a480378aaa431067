import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createTestNats, type TestNats } from '@livedesk/testing';
import { CommandTimeoutError, NoRespondersError } from './command-errors.js';
import { CommandReplies } from './command-replies.js';

describe('CommandReplies', () => {
  let nats: TestNats;
  let connection: NatsConnection;

  beforeAll(async () => {
    nats = await createTestNats();
    connection = await connect({ servers: nats.url, name: 'command-replies-test' });
  });

  afterAll(async () => {
    await connection?.close();
    await nats?.cleanup();
  });

  it('matches each reply to its command when they come back out of order, on one subscription', async () => {
    const subject = `${nats.subjectPrefix}.replies.slow-first`;
    // The first commands are answered last.
    const responder = nats.connection.subscribe(subject, {
      callback: (_error, msg) => {
        const n = Number(msg.string());
        setTimeout(() => msg.respond(`answer ${n}`), (20 - n) * 5);
      },
    });
    await nats.connection.flush();
    const subscribe = jest.spyOn(connection, 'subscribe');
    const replies = CommandReplies.of(connection);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, n) => replies.request(subject, String(n), undefined, 5_000)),
    );
    expect(answers.map((answer) => answer.string())).toEqual(Array.from({ length: 20 }, (_, n) => `answer ${n}`));
    expect(CommandReplies.of(connection)).toBe(replies);
    expect(subscribe).toHaveBeenCalledTimes(1); // when the first command was sent; none per command
    expect(replies.pending).toBe(0);
    subscribe.mockRestore();
    responder.unsubscribe();
  });

  it('fails a command nobody listens to with NoRespondersError at once', async () => {
    const started = Date.now();
    await expect(
      CommandReplies.of(connection).request(`${nats.subjectPrefix}.replies.nobody`, '{}', undefined, 5_000),
    ).rejects.toBeInstanceOf(NoRespondersError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(CommandReplies.of(connection).pending).toBe(0);
  });

  it('fails an unanswered command with CommandTimeoutError, and drops its late reply', async () => {
    const subject = `${nats.subjectPrefix}.replies.late`;
    let answered = () => {};
    const late = new Promise<void>((resolve) => (answered = resolve));
    const responder = nats.connection.subscribe(subject, {
      callback: (_error, msg) =>
        void setTimeout(() => {
          msg.respond('too late');
          answered();
        }, 300),
    });
    await nats.connection.flush();
    const replies = CommandReplies.of(connection);
    await expect(replies.request(subject, '{}', undefined, 100)).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(replies.pending).toBe(0);
    await late;
    await connection.flush();
    // The late reply found nothing waiting; the next command is answered as usual.
    const echo = `${nats.subjectPrefix}.replies.echo`;
    const echoer = nats.connection.subscribe(echo, { callback: (_error, msg) => void msg.respond(msg.data) });
    await nats.connection.flush();
    expect((await replies.request(echo, 'again', undefined, 5_000)).string()).toBe('again');
    responder.unsubscribe();
    echoer.unsubscribe();
  });
});
