import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem, type RtmTestClient } from '@livedesk/testing';

const QUESTIONS = [
  { id: 'speed', text: 'How quickly did we answer?', kind: 'scale', min: 1, max: 5 },
  { id: 'topic', text: 'What was it about?', kind: 'choice', options: ['billing', 'shipping'] },
  { id: 'missing', text: 'What did you miss?', kind: 'text', max_length: 20 },
];

// The post-chat survey over real sockets and HTTP: the organization's questions set and refused
// through the settings API, answers checked against them (CES and the organization's own), bad
// input and other customers' and organizations' chats refused with nothing stored.
describe('post-chat survey (answer_survey, survey_questions)', () => {
  let system: ChatSystem;
  const sockets: RtmTestClient[] = [];
  let org: { organization_id: string; default_group_id: string };
  let other: { organization_id: string; default_group_id: string };

  async function connect(endpoint: 'customer' | 'agent', token: string): Promise<RtmTestClient> {
    const socket = await system.connect(endpoint, token);
    sockets.push(socket);
    return socket;
  }

  function settings(
    method: 'GET' | 'PATCH',
    organizationId: string,
    body?: unknown,
    token = system.adminToken,
  ): Promise<{ status: number; body: any }> {
    return fetch(`${system.gatewayUrl()}/v1/organizations/${organizationId}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        authorization: `Bearer ${token}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (response) => ({ status: response.status, body: await response.json() }));
  }

  /** A chat of a new customer that an agent of the organization answered and resolved. */
  async function servedChat(
    organizationId: string,
    agent: RtmTestClient,
  ): Promise<{ customer: RtmTestClient; chatId: string }> {
    const customer = await connect('customer', await system.customerToken(organizationId));
    const { chat_id: chatId } = await customer.call('start_chat', {
      message: { text: 'My parcel is late', client_id: 'c-1' },
    });
    await expectRefusal(
      customer,
      { chat_id: chatId, answers: { ces: 5 } },
      { code: 'conflict', reason: 'chat_not_started' },
    );
    await agent.call('join_chat', { chat_id: chatId });
    await agent.call('send_event', {
      chat_id: chatId,
      event: { type: 'message', text: 'It arrives tomorrow.', client_id: `a-${chatId}` },
    });
    await agent.call('resolve_chat', { chat_id: chatId });
    return { customer, chatId };
  }

  async function expectRefusal(socket: RtmTestClient, payload: unknown, error: Record<string, unknown>): Promise<void> {
    const response = await socket.request('answer_survey', payload);
    expect([payload, response]).toEqual([
      payload,
      expect.objectContaining({ success: false, payload: { error: expect.objectContaining(error) } }),
    ]);
  }

  async function surveysOf(socket: RtmTestClient, chatId: string): Promise<unknown[]> {
    const { events } = await socket.call('get_chat', { chat_id: chatId });
    return events.filter((event: any) => event.type === 'SurveyAnswered').map((event: any) => event.data.answers);
  }

  beforeAll(async () => {
    system = await ChatSystem.start();
    org = await system.createOrganization('Survey');
    other = await system.createOrganization('Other');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.drop();
    await system?.stop();
  });

  it('sets the survey questions, refuses bad ones whole, and lets only admins change them', async () => {
    expect((await settings('GET', org.organization_id)).body.survey_questions).toEqual([]);
    const set = await settings('PATCH', org.organization_id, { survey_questions: QUESTIONS });
    expect(set).toMatchObject({ status: 200, body: { survey_questions: QUESTIONS } });
    for (const bad of [
      [{ id: 'ces', text: 'Easy?', kind: 'scale', min: 1, max: 7 }],
      [QUESTIONS[0], QUESTIONS[0]],
      [{ id: 'mood', text: 'Mood?', kind: 'stars' }],
      [{ id: 'mood', text: 'Mood?', kind: 'scale', min: 5, max: 1 }],
      [{ id: 'mood', text: 'Mood?', kind: 'choice', options: ['one'] }],
      [{ id: 'Mood', text: 'Mood?', kind: 'text' }],
      [{ id: 'mood', text: '', kind: 'text' }],
      Array.from({ length: 11 }, (_, i) => ({ id: `q${i}`, text: 'x', kind: 'text' })),
      'speed',
      null,
    ]) {
      const refused = await settings('PATCH', org.organization_id, { survey_questions: bad });
      expect([bad, refused.status, refused.body.error?.code]).toEqual([bad, 400, 'validation']);
    }
    const agent = await system.createAgent(org.organization_id, {
      email: 'kim@survey.test',
      groups: [org.default_group_id],
    });
    expect((await settings('PATCH', org.organization_id, { survey_questions: [] }, agent.token)).status).toBe(403);
    // Another organization's admin finds no such organization.
    const stranger = await system.createAgent(other.organization_id, { email: 'root@other.test', role: 'admin' });
    expect((await settings('PATCH', org.organization_id, { survey_questions: [] }, stranger.token)).status).toBe(404);
    // Nothing was changed by the refusals.
    expect((await settings('GET', org.organization_id)).body.survey_questions).toEqual(QUESTIONS);
  });

  it("stores CES and the organization's own answers, and refuses answers that do not fit, storing nothing", async () => {
    const { token } = await system.createAgent(org.organization_id, {
      email: 'ann@survey.test',
      groups: [org.default_group_id],
    });
    const agent = await connect('agent', token);
    const { customer, chatId } = await servedChat(org.organization_id, agent);

    for (const [answers, error] of [
      [{}, { code: 'validation' }],
      [{ ces: 0 }, { code: 'validation', reason: 'invalid_survey_answers' }],
      [{ ces: 8 }, { code: 'validation', reason: 'invalid_survey_answers' }],
      [{ ces: 5.5 }, { code: 'validation' }],
      [{ ces: '5' }, { code: 'validation', reason: 'invalid_survey_answers' }],
      [{ ces: true }, { code: 'validation' }],
      [
        { ces: 5, colour: 'red' },
        { code: 'validation', reason: 'invalid_survey_answers' },
      ],
      [{ speed: 6 }, { code: 'validation', reason: 'invalid_survey_answers' }],
      [{ speed: 'fast' }, { code: 'validation', reason: 'invalid_survey_answers' }],
      [{ topic: 'returns' }, { code: 'validation', reason: 'invalid_survey_answers' }],
      [{ missing: 'x'.repeat(21) }, { code: 'validation', reason: 'invalid_survey_answers' }],
      [{ 'Bad id': 1 }, { code: 'validation' }],
      ['ces=5', { code: 'validation' }],
    ] as const) {
      await expectRefusal(customer, { chat_id: chatId, answers }, error);
    }
    await expectRefusal(customer, { chat_id: chatId, answers: { ces: 5 }, score: 5 }, { code: 'validation' });
    await expectRefusal(customer, { answers: { ces: 5 } }, { code: 'validation' });
    await expectRefusal(customer, { chat_id: 'no-such-chat', answers: { ces: 5 } }, { code: 'not_found' });
    // Another customer of the organization, and a customer of another organization.
    const stranger = await connect('customer', await system.customerToken(org.organization_id));
    await expectRefusal(
      stranger,
      { chat_id: chatId, answers: { ces: 1 } },
      { code: 'authorization', reason: 'not_participant' },
    );
    const foreigner = await connect('customer', await system.customerToken(other.organization_id));
    await expectRefusal(foreigner, { chat_id: chatId, answers: { ces: 1 } }, { code: 'not_found' });
    expect(await surveysOf(agent, chatId)).toEqual([]);

    const first = await customer.call('answer_survey', {
      chat_id: chatId,
      answers: { ces: 6, speed: 4, topic: 'billing', missing: 'a phone line' },
    });
    expect(first).toEqual({ chat_id: chatId, version: expect.any(Number) });
    const second = await customer.call('answer_survey', { chat_id: chatId, answers: { ces: 7 } });
    expect(second.version).toBeGreaterThan(first.version);
    expect(await surveysOf(agent, chatId)).toEqual([
      { ces: 6, speed: 4, topic: 'billing', missing: 'a phone line' },
      { ces: 7 },
    ]);
    expect(await surveysOf(customer, chatId)).toEqual([
      { ces: 6, speed: 4, topic: 'billing', missing: 'a phone line' },
      { ces: 7 },
    ]);

    // A question the organization removed is unknown from then on.
    expect((await settings('PATCH', org.organization_id, { survey_questions: [QUESTIONS[0]] })).status).toBe(200);
    await expectRefusal(
      customer,
      { chat_id: chatId, answers: { topic: 'billing' } },
      { code: 'validation', reason: 'invalid_survey_answers' },
    );
    expect(await surveysOf(agent, chatId)).toHaveLength(2);
  });

  it("refuses another organization's question ids: each organization's survey is its own", async () => {
    const { token } = await system.createAgent(other.organization_id, {
      email: 'otto@other.test',
      groups: [other.default_group_id],
    });
    const agent = await connect('agent', token);
    const { customer, chatId } = await servedChat(other.organization_id, agent);
    await expectRefusal(
      customer,
      { chat_id: chatId, answers: { speed: 3 } },
      { code: 'validation', reason: 'invalid_survey_answers' },
    );
    expect(await customer.call('answer_survey', { chat_id: chatId, answers: { ces: 3 } })).toEqual({
      chat_id: chatId,
      version: expect.any(Number),
    });
    expect(await surveysOf(agent, chatId)).toEqual([{ ces: 3 }]);
  });

  it("answers through the SDK's typed answerSurvey, refusals as LivedeskError", async () => {
    const { token } = await system.createAgent(org.organization_id, {
      email: 'sdk@survey.test',
      groups: [org.default_group_id],
    });
    const agent = await connect('agent', token);
    const customer = system.customerClient(org.organization_id);
    try {
      await customer.connect();
      const { chat_id: chatId } = await customer.startChat({ message: { text: 'Hello', client_id: 'sdk-1' } });
      await agent.call('join_chat', { chat_id: chatId });
      await agent.call('resolve_chat', { chat_id: chatId });
      expect(await customer.answerSurvey(chatId, { ces: 2, speed: 5 })).toEqual({
        chat_id: chatId,
        version: expect.any(Number),
      });
      const refused = await customer.answerSurvey(chatId, { speed: 0 }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'validation', reason: 'invalid_survey_answers' });
      expect(await surveysOf(agent, chatId)).toEqual([{ ces: 2, speed: 5 }]);
    } finally {
      customer.close();
    }
  });
});
