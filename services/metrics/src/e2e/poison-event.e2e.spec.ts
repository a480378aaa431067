import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { sql, type Kysely } from 'kysely';
import { createDatabase, type EventStoreTables } from '@livedesk/event-store';
import { ChatSystem, REPOSITORY_ROOT, ResponseError, waitFor, type RtmTestClient } from '@livedesk/testing';

// A poison event in a running system (conversation, gateway, routing, ticketing and metrics as
// processes): one event too large for NATS and one no consumer can apply, stored the way an
// older release or another writer could have stored them (raw SQL, past appendToStream's
// bound). Every other organization's pushes, routing, metrics and tickets go on; each reader
// parks what it cannot take (docs/dead-letters.md), and operators see and replay it with
// `livedesk dead-letters`.
describe('a poison event in a running system', () => {
  let system: ChatSystem;
  let db: Kysely<EventStoreTables>;
  const sockets: RtmTestClient[] = [];
  let oversizedId: string;
  let unappliableId: string;

  const open = async (endpoint: 'customer' | 'agent', token: string) => {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  };
  const metricsApi = () => system.metrics[0]!;

  /**
   * A chat start or a message, asked again after `retry_after_ms` while the gateway sheds new
   * work as overloaded (docs/limits.md), as @livedesk/client does: on a loaded machine the
   * poison's backlog can hold the gateway's pushes more than 2 s behind for a moment.
   */
  async function callAdmitted(client: RtmTestClient, action: string, payload: unknown): Promise<any> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        return await client.call(action, payload);
      } catch (error) {
        if (!(error instanceof ResponseError) || error.reason !== 'overloaded' || Date.now() > deadline) throw error;
        const retryAfterMs: number = error.frame.payload?.error?.retry_after_ms ?? 500;
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
      }
    }
  }

  /** Stores an event with raw SQL at the stream's next version (the stream row moves with it). */
  async function inject(
    streamId: string,
    organizationId: string,
    type: string,
    schemaVersion: number,
    data: unknown,
  ): Promise<string> {
    const eventId = randomUUID();
    await sql`
      WITH s AS (
        INSERT INTO event_store.streams AS s (stream_id, organization_id, version) VALUES (${streamId}, ${organizationId}, 1)
        ON CONFLICT (stream_id) DO UPDATE SET version = s.version + 1
        RETURNING version
      )
      INSERT INTO event_store.events (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
      SELECT ${eventId}::uuid, ${streamId}, s.version, ${organizationId}, ${type}, ${schemaVersion}, ${JSON.stringify(data)}::jsonb, '{}'::jsonb, now() FROM s`.execute(
      db,
    );
    return eventId;
  }

  beforeAll(async () => {
    system = await ChatSystem.start({
      routing: 1,
      ticketing: 1,
      metrics: 1,
      env: { METRICS_CONTROL_POLL_MS: '100', METRICS_DERIVED_INTERVAL_MS: '100' },
    });
    db = createDatabase(system.database.url, { max: 2 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await db?.destroy();
    await system?.stop();
  });

  it('an oversized event and an unappliable one do not stop pushes, routing, metrics or tickets for other organizations', async () => {
    // The attacker's organization: a chat of its own, then the poison.
    const poisoned = await system.createOrganization('Poisoned');
    const attacker = await open('customer', await system.customerToken(poisoned.organization_id));
    const { chat_id: poisonedChat } = await attacker.call('start_chat', {
      message: { text: 'hello', client_id: 'a-1' },
    });
    // Routing has built the organization's state (its first event for it) before the poison is
    // stored: a first build that came after would find the unappliable event already in the store
    // and start past it (routing-state-recovery.ts), and routing would have nothing to park.
    await attacker.push('queue_position_updated', (p) => p.chat_id === poisonedChat, 15_000);
    const [first] = await sql<{ data: Record<string, unknown> }>`
      SELECT data FROM event_store.events WHERE stream_id = ${`conversation-${poisonedChat}`} AND type = 'MessagePosted' ORDER BY stream_version LIMIT 1`
      .execute(db)
      .then((result) => result.rows);
    // 2 MiB: beyond NATS's max_payload (1 MB).
    oversizedId = await inject(`conversation-${poisonedChat}`, poisoned.organization_id, 'MessagePosted', 1, {
      ...first!.data,
      text: 'x'.repeat(2 * 1024 * 1024),
    });
    // A schema version no reader knows: routing, ticketing and the metrics projection all refuse it.
    unappliableId = await inject(`conversation-${randomUUID()}`, poisoned.organization_id, 'ConversationMissed', 99, {
      reason: 'unanswered',
    });
    // More events than the relay reads at once (500) behind them: a relay stuck on the oversized
    // event would keep re-sending the same window and never reach what comes next.
    const filler = `filler-${randomUUID()}`;
    await sql`
      WITH s AS (INSERT INTO event_store.streams (stream_id, organization_id, version) VALUES (${filler}, ${poisoned.organization_id}, 600))
      INSERT INTO event_store.events (event_id, stream_id, stream_version, organization_id, type, schema_version, data, metadata, occurred_at)
      SELECT gen_random_uuid(), ${filler}, v, ${poisoned.organization_id}, 'FillerAppended', 1, '{}'::jsonb, '{}'::jsonb, now()
        FROM generate_series(1, 600) AS v`.execute(db);

    // Another organization, right after.
    const other = await system.createOrganization('Unaffected');
    const sales = await system.createGroup(other.organization_id, 'Sales', 'auto');
    const night = await system.createGroup(other.organization_id, 'Night');
    const bob = await system.createAgent(other.organization_id, { email: 'bob@unaffected.test', groups: [sales] });
    const sue = await system.createAgent(other.organization_id, { email: 'sue@unaffected.test', role: 'supervisor' });
    const agent = await open('agent', bob.token);
    const supervisor = await open('agent', sue.token);

    // Routing assigns a chat at once, and pushes reach the agent.
    const customer = await open('customer', await system.customerToken(other.organization_id));
    const { chat_id: chatId } = await callAdmitted(customer, 'start_chat', {
      group_id: sales,
      message: { text: 'Where is my parcel?', client_id: 'b-1' },
    });
    const incoming = await agent.push('incoming_chat', (p) => p.chat_id === chatId, 15_000);
    expect(incoming.chat.assigned_agent_id).toBe(bob.agentId);
    await callAdmitted(customer, 'send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'It was due Monday', client_id: 'b-2' },
    });
    await agent.push('incoming_event', (p) => p.chat_id === chatId && p.event?.data?.text === 'It was due Monday');

    // A message left where nobody is: the ticketing subscription makes a ticket, pushed to the supervisor.
    const late = await open('customer', await system.customerToken(other.organization_id));
    const { chat_id: lateChat } = await callAdmitted(late, 'start_chat', {
      group_id: night,
      message: { text: 'Anyone there?', client_id: 'n-1' },
    });
    await late.push('queue_position_updated', (p) => p.chat_id === lateChat && p.agents_available === false);
    await late.call('leave_message', {
      chat_id: lateChat,
      email: 'ann@example.test',
      name: 'Ann',
      text: 'Please call me back.',
    });
    const ticket = await supervisor.push('ticket_created', (p) => p.ticket.conversation_id === lateChat, 15_000);
    expect(ticket.ticket).toMatchObject({ source: 'offline_message', group_id: night });

    // The metrics projection counts both chats.
    await waitFor(
      async () => {
        const overview = await system.call(
          metricsApi(),
          'GET',
          `/v1/organizations/${other.organization_id}/reports/overview`,
        );
        return overview.status === 200 && overview.body.chats.started === 2;
      },
      { timeoutMs: 15_000, what: "the other organization's chats in the metrics" },
    );

    // Each reader parked what it could not take, and said so.
    const parked = await waitFor(
      async () => {
        const list = await system.call(metricsApi(), 'GET', '/v1/dead-letters?status=parked');
        const letters: { reader: string; event_id: string; reason: string }[] = list.body.dead_letters;
        const has = (reader: string, eventId: string) =>
          letters.some((l) => l.reader === reader && l.event_id === eventId);
        const all =
          has('outbox-relay', oversizedId) &&
          ['routing', 'ticketing-conversations', 'metrics-projector'].every((reader) => has(reader, unappliableId));
        return all ? letters : undefined;
      },
      { timeoutMs: 20_000, what: 'the dead letters' },
    );
    expect(parked.find((l) => l.reader === 'outbox-relay')).toMatchObject({
      event_id: oversizedId,
      reason: 'too_large',
      organization_id: poisoned.organization_id,
    });
    expect(parked.filter((l) => l.event_id === unappliableId).map((l) => l.reason)).toEqual([
      'handler_failed',
      'handler_failed',
      'handler_failed',
    ]);
    const figures = await (await fetch(`${metricsApi().url}/metrics`)).text();
    expect(figures).toMatch(/livedesk_dead_letters\{[^}]*reader="outbox-relay"[^}]*status="parked"[^}]*\} 1\b/);

    // Nothing stored twice: JetStream holds each stored event once (the oversized one as its placeholder).
    const stored = Number(
      (await sql<{ n: string }>`SELECT count(*) AS n FROM event_store.events`.execute(db)).rows[0]!.n,
    );
    const streamName = system.env.LIVEDESK_EVENTS_STREAM!;
    const ids = await waitFor(
      async () => {
        const consumer = await jetstream(system.nats.connection).consumers.get(streamName);
        const seen: string[] = [];
        for await (const msg of await consumer.fetch({ max_messages: stored + 50, expires: 2000 }))
          seen.push((msg.json() as { event_id: string }).event_id);
        return seen.length >= stored ? seen : undefined;
      },
      { timeoutMs: 15_000, what: 'every stored event in JetStream' },
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('operators list, show, replay and discard dead letters with livedesk dead-letters', async () => {
    const env = { LIVEDESK_METRICS_URL: metricsApi().url, LIVEDESK_ADMIN_TOKEN: system.adminToken };
    const listed = await livedesk(['dead-letters', 'list', '--reader', 'routing', '--status', 'parked'], env);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const letter = (
      JSON.parse(listed.stdout) as { dead_letters: { id: string; event_id: string; attempts: number; error: string }[] }
    ).dead_letters.find((l) => l.event_id === unappliableId)!;
    expect(letter.error).toMatch(/newer than this reader/);

    const shown = JSON.parse((await livedesk(['dead-letters', 'show', letter.id], env)).stdout);
    expect(shown).toMatchObject({
      id: letter.id,
      event: { type: 'ConversationMissed', schema_version: 99, data: { reason: 'unanswered' } },
    });
    const relayLetter = JSON.parse((await livedesk(['dead-letters', 'list', '--reader', 'outbox-relay'], env)).stdout)
      .dead_letters[0];
    const big = JSON.parse((await livedesk(['dead-letters', 'show', relayLetter.id], env)).stdout);
    expect(big.event.data_bytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(big.event.data).toBeUndefined();

    // A replay reaches routing's handler again: still unappliable, so parked again with one attempt more.
    const asked = await livedesk(['dead-letters', 'replay', letter.id], env);
    expect(JSON.parse(asked.stdout)).toMatchObject({ id: letter.id, status: 'replay_requested' });
    await waitFor(
      async () => {
        const again = JSON.parse((await livedesk(['dead-letters', 'show', letter.id], env)).stdout);
        return again.status === 'parked' && again.attempts === letter.attempts + 1;
      },
      { timeoutMs: 15_000, what: 'the replay, carried out by routing' },
    );
    // The relay's replay publishes the event whole only once it fits: not under this server's max_payload.
    await livedesk(['dead-letters', 'replay', relayLetter.id], env);
    await waitFor(
      async () => {
        const again = JSON.parse((await livedesk(['dead-letters', 'show', relayLetter.id], env)).stdout);
        return again.status === 'parked' && /still has \d+ bytes/.test(again.error);
      },
      { timeoutMs: 15_000, what: "the relay's replay" },
    );

    expect(JSON.parse((await livedesk(['dead-letters', 'discard', letter.id], env)).stdout)).toMatchObject({
      status: 'discarded',
    });
    const twice = await livedesk(['dead-letters', 'discard', letter.id], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/^livedesk: conflict: dead letter \d+ is discarded/);
    expect((await livedesk(['dead-letters', 'show', '999999'], env)).stderr).toMatch(/^livedesk: not_found: /);
    expect((await livedesk(['dead-letters', 'show', 'x'], env)).code).toBe(2);
    expect(
      (await livedesk(['dead-letters', 'list'], { ...env, LIVEDESK_ADMIN_TOKEN: 'not-the-admin-token' })).stderr,
    ).toMatch(/^livedesk: authentication: /);

    // A rebuild of the metrics leaves out what the live projection parked, as it did: it completes.
    const rebuilt = await livedesk(['metrics', 'rebuild', '--poll-ms', '100'], env);
    expect(rebuilt.code).toBe(0);
    expect(JSON.parse(rebuilt.stdout)).toMatchObject({ status: 'done', error: null });
  });
});

/** `livedesk <args>` as a real process (the built CLI), with only this environment's CLI settings. */
function livedesk(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const {
    LIVEDESK_URL: _url,
    LIVEDESK_ADMIN_TOKEN: _token,
    LIVEDESK_METRICS_URL: _metrics,
    ...inherited
  } = process.env;
  const child = spawn(process.execPath, [join(REPOSITORY_ROOT, 'tools/cli/dist/main.js'), ...args], {
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
