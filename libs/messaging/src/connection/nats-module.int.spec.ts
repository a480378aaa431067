import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { createTestNats, type TestNats } from '@livedesk/testing';
import { CommandClient } from '../commands/command-client.js';
import { NATS_CONNECTION } from './nats-connection.token.js';
import { isNatsConnected } from './nats-connection-status.js';
import { NatsModule } from './nats-module.js';

describe('NatsModule', () => {
  let nats: TestNats;

  beforeAll(async () => {
    nats = await createTestNats();
  });

  afterAll(async () => {
    await nats?.cleanup();
  });

  it('shares one connection and drains it, with a message already published, on shutdown', async () => {
    @Module({
      imports: [NatsModule.forRoot({ url: nats.url, name: 'module-test', subjectPrefix: nats.subjectPrefix })],
    })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const connection = app.get<NatsConnection>(NATS_CONNECTION);
    expect(await isNatsConnected(connection)).toBe(true);
    expect(app.get(CommandClient).subjectPrefix).toBe(nats.subjectPrefix);

    const subject = `${nats.subjectPrefix}.drain-check`;
    const received: string[] = [];
    const subscription = nats.connection.subscribe(subject, {
      callback: (_error, msg) => void received.push(msg.string()),
    });
    await nats.connection.flush();
    connection.publish(subject, 'last words');

    await app.close();
    expect(connection.isClosed()).toBe(true);
    await nats.connection.flush();
    expect(received).toEqual(['last words']);
    subscription.unsubscribe();
    expect(await isNatsConnected(connection)).toBe(false);
  });
});
