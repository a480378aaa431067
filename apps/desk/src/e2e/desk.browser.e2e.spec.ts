import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentClient, ChatEventDelivery, CustomerClient } from '@livedesk/client';
import { AGENT_PASSWORD, ChatSystem, launchChromium, REPOSITORY_ROOT, type TestBrowser } from '@livedesk/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Screenshots for a person to look at (not compared by pixel); gitignored. */
const ARTIFACTS = join(REPOSITORY_ROOT, 'apps/desk/test-artifacts');

async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The texts of the transcript's messages (not the system lines), in the order the page shows them. */
function shownMessages(page: Page): Promise<string[]> {
  return page.locator('#transcript li:not(.system) .text').allTextContents();
}

function postedTexts(seen: ChatEventDelivery[], chatId: string): string[] {
  return seen
    .filter((d) => d.chat_id === chatId && d.event.type === 'MessagePosted')
    .map((d) => String(d.event.data.text));
}

/** A customer on the SDK in Node, with what it received. */
interface TestCustomer {
  client: CustomerClient;
  saw: ChatEventDelivery[];
  typing: { by: string; is_typing: boolean }[];
}

// The desk as an agent uses it: Chromium on the page the gateway serves at /desk/, a customer
// driven by the SDK in Node, routing assigning the chat to the accepting agent.
describe('the agent desk in Chromium', () => {
  let system: ChatSystem;
  let browser: TestBrowser;
  let customer: CustomerClient;
  const customerSaw: ChatEventDelivery[] = [];
  const customerEnded: string[] = [];
  let org: { organization_id: string; default_group_id: string };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [system, browser] = await Promise.all([
      ChatSystem.start({
        routing: 1,
        metrics: 1,
        ticketing: 1,
        env: { METRICS_SLA_POLL_MS: '50', METRICS_CONTROL_POLL_MS: '100' },
      }),
      launchChromium(),
    ]);
    org = await system.createOrganization('Desk Shop');
    // A first answer is due within 3 s: the second chat, left unanswered, brings the SLA pushes.
    const put = await system.call(
      system.metrics[0]!,
      'PUT',
      `/v1/organizations/${org.organization_id}/sla_policies/fast`,
      {
        name: 'Fast first answers',
        match: { group_ids: [org.default_group_id] },
        targets: { first_response_seconds: 3 },
      },
    );
    expect(put.status).toBe(200);
    await system.createAgent(org.organization_id, {
      email: 'ada@shop.test',
      name: 'Ada',
      groups: [org.default_group_id],
    });
    await system.createAgent(org.organization_id, {
      email: 'bob@shop.test',
      name: 'Bob',
      groups: [org.default_group_id],
    });
  }, 120_000);

  const customers: CustomerClient[] = [];
  afterAll(async () => {
    customer?.close();
    for (const client of customers) client.close();
    await browser?.close();
    await system?.stop();
  });

  /** A customer of an organization, connected. */
  async function newCustomer(organizationId: string): Promise<TestCustomer> {
    const client = system.customerClient(organizationId);
    customers.push(client);
    const saw: ChatEventDelivery[] = [];
    const typing: { by: string; is_typing: boolean }[] = [];
    client.on('chat_event', (d) => saw.push(d));
    client.on('typing_indicator', ({ by, is_typing }) => typing.push({ by: by.kind, is_typing }));
    await client.connect();
    return { client, saw, typing };
  }

  /** A desk in a browser context of its own, signed in; page errors are collected to be asserted empty. */
  async function openDesk(
    email: string,
    errors: string[],
    prepare: (context: BrowserContext) => Promise<void> = async () => {},
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    await prepare(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${email}: ${error.message}`));
    await page.goto(`${system.gatewayUrl()}/desk/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(AGENT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Accepting chats').waitFor({ timeout: 15_000 });
    return { context, page };
  }

  /** Sets the accepting toggle and waits for the server's answer to keep it. */
  async function setAccepting(page: Page, accepting: boolean): Promise<void> {
    const toggle = page.getByLabel('Accepting chats');
    await toggle.setChecked(accepting);
    await page.waitForTimeout(500);
    expect(await toggle.isChecked()).toBe(accepting);
  }

  function myChat(page: Page, chatId: string) {
    return page.locator(`#chats ul[aria-label="My chats"] button[data-chat-id="${chatId}"]`);
  }

  it('an agent signs in, accepts, gets a chat, reads and answers the customer, sees the draft preview, resolves; a second chat left unanswered shows its SLA breach and is transferred to another agent; a queued chat is read and joined', async () => {
    const url = system.gatewayUrl();
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await page.goto(`${url}/desk/`);
      await page.getByLabel('Email').fill('ada@shop.test');
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor({ timeout: 10_000 });
      await page.getByLabel('Password').fill(AGENT_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();

      const accepting = page.getByLabel('Accepting chats');
      await accepting.waitFor({ timeout: 10_000 });
      // The toggle starts from the login's routing status and shows what the server answers.
      if (await accepting.isChecked()) {
        await accepting.uncheck();
        await page.waitForTimeout(500);
        expect(await accepting.isChecked()).toBe(false);
      }
      await accepting.check();
      await page.waitForTimeout(500);
      expect(await accepting.isChecked()).toBe(true);
      const transferTargets = page.locator('#transfer-target option');
      await page.locator('#transfer-target option', { hasText: 'Bob' }).waitFor({ state: 'attached', timeout: 10_000 });
      await page
        .locator('#transfer-target option', { hasText: 'Group' })
        .first()
        .waitFor({ state: 'attached', timeout: 10_000 });
      expect(await transferTargets.allTextContents()).not.toContain(expect.stringContaining('Ada'));

      customer = system.customerClient(org.organization_id);
      customer.on('chat_event', (d) => customerSaw.push(d));
      customer.on('chat_deactivated', ({ chat_id, reason }) => customerEnded.push(`${chat_id}:${reason}`));
      await customer.connect();
      const { chat_id: chatId } = await customer.startChat({
        message: { text: 'Hello, where is my order?', client_id: crypto.randomUUID() },
      });

      const chatButton = page.locator(`#chats ul[aria-label="My chats"] button[data-chat-id="${chatId}"]`);
      await chatButton.waitFor({ timeout: 20_000 });
      await chatButton.click();
      const transcript = page.getByRole('list', { name: 'Transcript' });
      await transcript.locator('li.customer', { hasText: 'Hello, where is my order?' }).waitFor({ timeout: 10_000 });

      // A live message while the chat is open, then the customer's draft as the typing preview.
      await customer.sendMessage(chatId, 'Order 1234');
      await transcript.locator('li.customer', { hasText: 'Order 1234' }).waitFor({ timeout: 10_000 });
      await customer.request('send_typing', { chat_id: chatId, is_typing: true, preview: 'It was due Monday' });
      await page.locator('#typing', { hasText: 'Customer is typing: It was due Monday' }).waitFor({ timeout: 10_000 });

      await customer.sendMessage(chatId, 'It was due Monday');
      await page.locator('#typing', { hasText: /^$/ }).waitFor({ timeout: 10_000 });
      await page.getByLabel('Message').fill('Hi! Let me check that for you.');
      await page.getByLabel('Message').press('Enter');
      await eventually(
        () =>
          customerSaw.some(
            (d) =>
              d.chat_id === chatId &&
              d.event.type === 'MessagePosted' &&
              d.event.data.text === 'Hi! Let me check that for you.',
          ),
        10_000,
        'the customer to receive the reply',
      );
      await transcript.locator('li.agent', { hasText: 'Hi! Let me check that for you.' }).waitFor({ timeout: 10_000 });
      const texts = await transcript.locator('li:not(.system) .text').allTextContents();
      expect(texts).toEqual([
        'Hello, where is my order?',
        'Order 1234',
        'It was due Monday',
        'Hi! Let me check that for you.',
      ]);
      expect(await transcript.locator('li.agent .author').allTextContents()).toEqual(['You']);
      await page.screenshot({ path: join(ARTIFACTS, 'desk-chat.png') });

      await page.getByRole('button', { name: 'Resolve' }).click();
      await chatButton.filter({ hasText: '(resolved)' }).waitFor({ timeout: 10_000 });
      await eventually(
        () => customerEnded.includes(`${chatId}:resolved`),
        10_000,
        'the customer to see the chat resolved',
      );
      expect(await page.getByLabel('Message').isDisabled()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'desk-resolved.png') });

      // A second chat, handed to Bob (chosen from list_agents), who gets it with its transcript.
      const bob = system.agentClient('bob@shop.test');
      const bobAssigned: string[] = [];
      const bobSaw: ChatEventDelivery[] = [];
      bob.on('incoming_chat', ({ chat_id }) => bobAssigned.push(chat_id));
      bob.on('chat_event', (d) => bobSaw.push(d));
      try {
        await bob.connect();
        await bob.request('set_routing_status', { status: 'not_accepting' });
        const { chat_id: secondId } = await customer.startChat({
          message: { text: 'One more question', client_id: crypto.randomUUID() },
        });
        const secondButton = page.locator(`#chats ul[aria-label="My chats"] button[data-chat-id="${secondId}"]`);
        await secondButton.waitFor({ timeout: 20_000 });
        await secondButton.click();
        await transcript.locator('li.customer', { hasText: 'One more question' }).waitFor({ timeout: 10_000 });
        await secondButton.locator('.sla.breached').waitFor({ timeout: 15_000 });
        await page
          .locator('.chat-head .alert', { hasText: 'SLA breached: first_response' })
          .waitFor({ timeout: 5_000 });
        await page.screenshot({ path: join(ARTIFACTS, 'desk-sla-breached.png') });
        const bobOption = page.locator('#transfer-target option', { hasText: 'Bob' });
        await page.getByLabel('Transfer to').selectOption((await bobOption.getAttribute('value'))!);
        await page.getByRole('button', { name: 'Transfer' }).click();
        await eventually(() => bobAssigned.includes(secondId), 10_000, 'Bob to get the transferred chat');
        await eventually(
          () =>
            bobSaw.some(
              (d) =>
                d.chat_id === secondId && d.event.type === 'MessagePosted' && d.event.data.text === 'One more question',
            ),
          10_000,
          "Bob to read the chat's transcript",
        );
        await secondButton.filter({ hasText: '(transferred)' }).waitFor({ timeout: 10_000 });
        expect(await page.getByLabel('Message').isDisabled()).toBe(true);
        await page.screenshot({ path: join(ARTIFACTS, 'desk-transferred.png') });

        // Nobody accepting: a third chat waits in the queue; Ada reads it there and joins it.
        await page.getByLabel('Accepting chats').uncheck();
        await page.waitForTimeout(500);
        expect(await page.getByLabel('Accepting chats').isChecked()).toBe(false);
        const { chat_id: thirdId } = await customer.startChat({
          message: { text: 'Anyone?', client_id: crypto.randomUUID() },
        });
        const queuedButton = page.locator(`#chats ul[aria-label="Queued chats"] button[data-chat-id="${thirdId}"]`);
        await queuedButton.waitFor({ timeout: 20_000 });
        await queuedButton.click();
        await transcript.locator('li.customer', { hasText: 'Anyone?' }).waitFor({ timeout: 10_000 });
        expect(await page.getByLabel('Message').isDisabled()).toBe(true);
        await page.getByRole('button', { name: 'Join chat' }).click();
        await page
          .locator(`#chats ul[aria-label="My chats"] button[data-chat-id="${thirdId}"]`)
          .waitFor({ timeout: 10_000 });
        await page.getByLabel('Message').fill('Here I am.');
        await page.getByLabel('Message').press('Enter');
        await eventually(
          () =>
            customerSaw.some(
              (d) => d.chat_id === thirdId && d.event.type === 'MessagePosted' && d.event.data.text === 'Here I am.',
            ),
          10_000,
          'the customer to receive the answer to the queued chat',
        );
        await page.screenshot({ path: join(ARTIFACTS, 'desk-joined.png') });
      } finally {
        bob.close();
      }
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it("agent A transfers a chat to agent B by picking B: B's desk shows it with the whole transcript, B answers with the customer seeing B typing and the answer; B hands it back and A answers again", async () => {
    const team = await system.createOrganization('Team Shop');
    await system.createAgent(team.organization_id, {
      email: 'cleo@team.test',
      name: 'Cleo',
      groups: [team.default_group_id],
    });
    await system.createAgent(team.organization_id, {
      email: 'dan@team.test',
      name: 'Dan',
      groups: [team.default_group_id],
    });
    const errors: string[] = [];
    const [a, b] = await Promise.all([openDesk('cleo@team.test', errors), openDesk('dan@team.test', errors)]);
    try {
      await Promise.all([setAccepting(a.page, true), setAccepting(b.page, false)]);
      const visitor = await newCustomer(team.organization_id);
      const { chat_id: chatId } = await visitor.client.startChat({
        message: { text: 'I need a hand with my order', client_id: crypto.randomUUID() },
      });
      await myChat(a.page, chatId).click({ timeout: 20_000 });
      await a.page
        .locator('#transcript li.customer', { hasText: 'I need a hand with my order' })
        .waitFor({ timeout: 10_000 });
      await a.page.getByLabel('Message').fill('Dan knows orders best, one moment.');
      await a.page.getByLabel('Message').press('Enter');
      await a.page.locator('#transcript li.agent', { hasText: 'Dan knows orders best' }).waitFor({ timeout: 10_000 });

      const danOption = a.page.locator('#transfer-target option', { hasText: 'Dan' });
      await danOption.waitFor({ state: 'attached', timeout: 10_000 });
      await a.page.getByLabel('Transfer to').selectOption((await danOption.getAttribute('value'))!);
      await a.page.getByRole('button', { name: 'Transfer' }).click();
      await myChat(a.page, chatId).filter({ hasText: '(transferred)' }).waitFor({ timeout: 10_000 });
      await a.page.screenshot({ path: join(ARTIFACTS, 'desk-transfer-from.png') });

      // B is not accepting: the chat arrives because A chose B.
      await myChat(b.page, chatId).click({ timeout: 20_000 });
      await b.page.locator('#transcript li.agent', { hasText: 'Dan knows orders best' }).waitFor({ timeout: 10_000 });
      expect(await shownMessages(b.page)).toEqual([
        'I need a hand with my order',
        'Dan knows orders best, one moment.',
      ]);
      expect(await b.page.locator('#transcript li.agent .author').allTextContents()).toEqual(['Cleo']);
      await b.page.getByLabel('Message').pressSequentially('Hi, Dan here', { delay: 20 });
      await eventually(
        () => visitor.typing.some((t) => t.by === 'agent' && t.is_typing),
        10_000,
        'the customer to see the agent typing',
      );
      await b.page.getByLabel('Message').press('Enter');
      await eventually(
        () => postedTexts(visitor.saw, chatId).includes('Hi, Dan here'),
        10_000,
        "the customer to receive B's answer",
      );
      await eventually(
        () => visitor.typing.at(-1)?.is_typing === false,
        10_000,
        'the typing indicator to stop with the send',
      );
      await b.page.locator('#transcript li.agent', { hasText: 'Hi, Dan here' }).waitFor({ timeout: 10_000 });
      expect(postedTexts(visitor.saw, chatId)).toEqual([
        'I need a hand with my order',
        'Dan knows orders best, one moment.',
        'Hi, Dan here',
      ]);
      await b.page.screenshot({ path: join(ARTIFACTS, 'desk-transfer-to.png') });

      // Dan hands it back: in Cleo's desk the chat is hers and open again, not "(transferred)".
      const cleoOption = b.page.locator('#transfer-target option', { hasText: 'Cleo' });
      await cleoOption.waitFor({ state: 'attached', timeout: 10_000 });
      await b.page.getByLabel('Transfer to').selectOption((await cleoOption.getAttribute('value'))!);
      await b.page.getByRole('button', { name: 'Transfer' }).click();
      await myChat(b.page, chatId).filter({ hasText: '(transferred)' }).waitFor({ timeout: 10_000 });
      await a.page.locator('#transcript li.agent', { hasText: 'Hi, Dan here' }).waitFor({ timeout: 10_000 });
      await myChat(a.page, chatId).filter({ hasNotText: '(transferred)' }).waitFor({ timeout: 10_000 });
      await a.page.getByLabel('Message').fill('Back with Cleo: anything else?');
      await a.page.getByLabel('Message').press('Enter');
      await eventually(
        () => postedTexts(visitor.saw, chatId).includes('Back with Cleo: anything else?'),
        10_000,
        'the customer to receive the answer after the transfer back',
      );
      expect(errors).toEqual([]);
    } finally {
      await Promise.all([a.context.close(), b.context.close()]);
    }
  }, 120_000);

  it('shows an SLA warning on a chat left unanswered past 80 % of its first-response target, before the breach', async () => {
    const shop = await system.createOrganization('Warning Shop');
    // Warning at 8 s, breach at 10 s: room to see one before the other on a loaded machine.
    const put = await system.call(
      system.metrics[0]!,
      'PUT',
      `/v1/organizations/${shop.organization_id}/sla_policies/ten`,
      {
        name: 'First answer in 10 s',
        match: { group_ids: [shop.default_group_id] },
        targets: { first_response_seconds: 10 },
      },
    );
    expect(put.status).toBe(200);
    await system.createAgent(shop.organization_id, {
      email: 'erin@warning.test',
      name: 'Erin',
      groups: [shop.default_group_id],
    });
    const errors: string[] = [];
    const { context, page } = await openDesk('erin@warning.test', errors);
    try {
      await setAccepting(page, true);
      const visitor = await newCustomer(shop.organization_id);
      const { chat_id: chatId } = await visitor.client.startChat({
        message: { text: 'Is anyone there?', client_id: crypto.randomUUID() },
      });
      const button = myChat(page, chatId);
      await button.click({ timeout: 20_000 });
      // Every SLA state the chat's list item and header show, in order, however briefly (a loaded
      // machine may deliver the warning close to the breach).
      await page.evaluate((id) => {
        const seen: string[] = [];
        (window as unknown as { slaSeen: string[] }).slaSeen = seen;
        const note = () => {
          const item = document.querySelector(`#chats button[data-chat-id="${id}"] .sla`)?.className ?? '';
          const header = document.querySelector('.chat-head .alert')?.textContent ?? '';
          const state = `${item} | ${header.replace(/ due .*/, '')}`;
          if (item && seen.at(-1) !== state) seen.push(state);
        };
        new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
      }, chatId);
      const slaSeen = () => page.evaluate(() => (window as unknown as { slaSeen: string[] }).slaSeen);
      const deadline = Date.now() + 30_000;
      while (!(await slaSeen()).some((state) => state.startsWith('sla warning'))) {
        if (Date.now() > deadline) throw new Error('timed out waiting for the SLA warning');
        await page.waitForTimeout(100);
      }
      await page.screenshot({ path: join(ARTIFACTS, 'desk-sla-warning.png') });
      await button.locator('.sla.breached').waitFor({ timeout: 30_000 });
      await page.locator('.chat-head .alert', { hasText: 'SLA breached: first_response' }).waitFor({ timeout: 5_000 });
      // The warning came first, on the list item and in the header, then the breach.
      expect(await slaSeen()).toEqual([
        'sla warning | SLA warning: first_response',
        'sla breached | SLA breached: first_response',
      ]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('goes offline while the customer writes and the agent answers: back online every message shows exactly once, in order', async () => {
    const shop = await system.createOrganization('Offline Shop');
    await system.createAgent(shop.organization_id, {
      email: 'finn@offline.test',
      name: 'Finn',
      groups: [shop.default_group_id],
    });
    const errors: string[] = [];
    const { context, page } = await openDesk('finn@offline.test', errors);
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    try {
      await setAccepting(page, true);
      const visitor = await newCustomer(shop.organization_id);
      const { chat_id: chatId } = await visitor.client.startChat({
        message: { text: 'first', client_id: crypto.randomUUID() },
      });
      await myChat(page, chatId).click({ timeout: 20_000 });
      await page.locator('#transcript li.customer', { hasText: 'first' }).waitFor({ timeout: 10_000 });

      // The sockets the page opens from here on (its first may have opened before the listener).
      const socketsBefore = sockets.length;
      await context.setOffline(true);
      for (const text of ['m1', 'm2', 'm3']) await visitor.client.sendMessage(chatId, text);
      // A second chat is routed to the agent meanwhile: its incoming_chat push goes down with the old socket.
      const other = await newCustomer(shop.organization_id);
      const { chat_id: otherId } = await other.client.startChat({
        message: { text: 'new while offline', client_id: crypto.randomUUID() },
      });
      // Chromium's offline mode holds an open socket's frames rather than closing it; the agent's
      // unanswered reply makes the SDK give the silent socket up after its request deadline.
      await page.getByLabel('Message').fill('Back in a moment');
      await page.getByLabel('Message').press('Enter');
      // The reply waits in the transcript as being sent, not lost from sight.
      await page.locator('#transcript li.pending', { hasText: 'Back in a moment' }).waitFor({ timeout: 5_000 });
      await page.locator('header .status[data-state="reconnecting"]').waitFor({ timeout: 40_000 });
      expect(await page.locator('#transcript li.pending .text').allTextContents()).toEqual(['Back in a moment']);
      await page.screenshot({ path: join(ARTIFACTS, 'desk-offline.png') });
      await context.setOffline(false);

      await page.locator('header .status[data-state="online"]').waitFor({ timeout: 60_000 });
      await page
        .locator('#transcript li.agent:not(.pending)', { hasText: 'Back in a moment' })
        .waitFor({ timeout: 60_000 });
      await page.locator('#transcript li.pending').waitFor({ state: 'detached', timeout: 10_000 });
      await page.locator('#transcript li.customer', { hasText: 'm3' }).waitFor({ timeout: 30_000 });
      await eventually(
        () => postedTexts(visitor.saw, chatId).includes('Back in a moment'),
        10_000,
        'the customer to receive the reply sent offline',
      );
      expect(await shownMessages(page)).toEqual(['first', 'm1', 'm2', 'm3', 'Back in a moment']);
      expect(postedTexts(visitor.saw, chatId)).toEqual(['first', 'm1', 'm2', 'm3', 'Back in a moment']);
      // The chat list was read again after the reconnect, nothing doubled; the desk came back on a new socket.
      await myChat(page, otherId).waitFor({ timeout: 15_000 });
      expect(await myChat(page, chatId).count()).toBe(1);
      expect(await myChat(page, otherId).count()).toBe(1);
      expect(sockets.length).toBeGreaterThan(socketsBefore);
      expect(await page.locator('#chats .error').textContent()).toBe('');
      await page.screenshot({ path: join(ARTIFACTS, 'desk-after-offline.png') });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('inserts canned responses with #, creates a ticket from the chat, shows the visitors on the site, and the Active list to supervisors only', async () => {
    const shop = await system.createOrganization('Canned Shop');
    const gia = await system.createAgent(shop.organization_id, {
      email: 'gia@canned.test',
      name: 'Gia',
      groups: [shop.default_group_id],
    });
    await system.createAgent(shop.organization_id, { email: 'sue@canned.test', name: 'Sue', role: 'supervisor' });
    const canned = `/v1/organizations/${shop.organization_id}/canned_responses`;
    expect((await system.post(canned, { shortcut: 'refund', text: 'Your refund is on its way.' })).status).toBe(201);
    expect((await system.post(canned, { shortcut: 'hello', text: 'Hi! How can I help?' })).status).toBe(201);
    expect(
      (await system.post(canned, { shortcut: 'sig', text: '– Gia from Canned Shop', agent_id: gia.agentId })).status,
    ).toBe(201);
    const errors: string[] = [];
    const { context, page } = await openDesk('gia@canned.test', errors);
    let supervisor: { context: BrowserContext; page: Page } | undefined;
    try {
      await setAccepting(page, true);
      // A visitor browses: the desk, already open, learns of it by push.
      const visitor = await newCustomer(shop.organization_id);
      await visitor.client.request('update_visit', {
        url: 'https://shop.test/pricing',
        title: 'Pricing',
        referrer: 'https://search.test/?q=shop',
      });
      const visitors = page.getByRole('complementary', { name: 'Visitors on the site' });
      await visitors.locator('li', { hasText: 'Pricing' }).waitFor({ timeout: 10_000 });
      await visitor.client.request('update_visit', {
        url: 'https://shop.test/checkout',
        title: 'Checkout',
        referrer: 'https://shop.test/pricing',
      });
      const entry = visitors.locator('li', { hasText: 'Checkout' });
      await entry.waitFor({ timeout: 10_000 });
      expect(await visitors.locator('li').count()).toBe(1);
      expect(await entry.locator('.url').textContent()).toBe('https://shop.test/checkout');
      expect(await entry.locator('.referrer').textContent()).toBe('from https://shop.test/pricing');

      const { chat_id: chatId } = await visitor.client.startChat({
        message: { text: 'Where is my refund?', client_id: crypto.randomUUID() },
        page: { url: 'https://shop.test/checkout', title: 'Checkout' },
      });
      await myChat(page, chatId).click({ timeout: 20_000 });
      await page.locator('#transcript li.customer', { hasText: 'Where is my refund?' }).waitFor({ timeout: 10_000 });

      // "#re" offers #refund only; Tab inserts it in place of the #word.
      const box = page.getByLabel('Message');
      const options = page.getByRole('listbox', { name: 'Canned responses' }).getByRole('option');
      await box.pressSequentially('Sure. #re');
      await options.first().waitFor({ timeout: 10_000 });
      expect(await options.allTextContents()).toEqual(['#refund Your refund is on its way.']);
      expect(await box.getAttribute('aria-expanded')).toBe('true');
      await box.press('Tab');
      expect(await box.inputValue()).toBe('Sure. Your refund is on its way.');
      expect(await page.getByRole('listbox', { name: 'Canned responses' }).isHidden()).toBe(true);
      await box.press('Enter');
      await eventually(
        () => postedTexts(visitor.saw, chatId).includes('Sure. Your refund is on its way.'),
        10_000,
        'the customer to receive the canned reply',
      );

      // A bare # offers all, the agent's own included; arrows move, Escape dismisses, Enter inserts.
      await box.pressSequentially('#');
      await options.nth(2).waitFor({ timeout: 5_000 });
      expect(await options.locator('strong').allTextContents()).toEqual(['#hello', '#refund', '#sig']);
      await box.press('ArrowDown');
      await box.press('ArrowDown');
      expect(await page.locator('#canned [aria-selected="true"] strong').textContent()).toBe('#sig');
      await box.press('ArrowDown');
      expect(await page.locator('#canned [aria-selected="true"] strong').textContent()).toBe('#hello');
      await box.press('ArrowUp');
      await page.screenshot({ path: join(ARTIFACTS, 'desk-canned.png') });
      await box.press('Escape');
      expect(await page.getByRole('listbox', { name: 'Canned responses' }).isHidden()).toBe(true);
      expect(await box.inputValue()).toBe('#');
      await box.pressSequentially('zz');
      expect(await page.getByRole('listbox', { name: 'Canned responses' }).isHidden()).toBe(true);
      await box.fill('');
      await box.pressSequentially('#S');
      await box.press('Enter');
      expect(await box.inputValue()).toBe('– Gia from Canned Shop');
      await box.press('Enter');
      await eventually(
        () => postedTexts(visitor.saw, chatId).includes('– Gia from Canned Shop'),
        10_000,
        'the customer to receive the signature',
      );

      // A ticket from the chat: the desk shows its reference; ticketing has it, with the chat.
      await page.getByLabel('Ticket subject (optional)').fill('Refund follow-up');
      await page.getByRole('button', { name: 'Create ticket' }).click();
      const ticketLine = page.locator('#ticket', { hasText: /^Ticket \S+ created$/ });
      await ticketLine.waitFor({ timeout: 15_000 });
      const ticketId = (await ticketLine.getAttribute('data-ticket-id'))!;
      const ticket = await system.call(
        system.ticketing[0]!,
        'GET',
        `/v1/organizations/${shop.organization_id}/tickets/${ticketId}`,
        undefined,
        gia.token,
      );
      expect(ticket.status).toBe(200);
      expect(ticket.body.ticket).toMatchObject({
        ticket_id: ticketId,
        subject: 'Refund follow-up',
        conversation_id: chatId,
      });
      expect(await ticketLine.textContent()).toBe(`Ticket ${ticket.body.ticket.reference} created`);
      expect(await page.getByRole('button', { name: 'Create ticket' }).isDisabled()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'desk-ticket.png') });

      // An agent has no Active list; a supervisor sees the organization's chats there and reads one.
      expect(await page.getByRole('list', { name: 'Active chats' }).count()).toBe(0);
      supervisor = await openDesk('sue@canned.test', errors);
      const active = supervisor.page.getByRole('list', { name: 'Active chats' });
      const activeChat = active.locator(`button[data-chat-id="${chatId}"]`);
      await activeChat.filter({ hasText: '(Gia)' }).waitFor({ timeout: 15_000 });
      await activeChat.click();
      await supervisor.page
        .locator('#transcript li.agent', { hasText: 'Gia from Canned Shop' })
        .waitFor({ timeout: 10_000 });
      expect(await shownMessages(supervisor.page)).toEqual([
        'Where is my refund?',
        'Sure. Your refund is on its way.',
        '– Gia from Canned Shop',
      ]);
      expect(await supervisor.page.getByLabel('Message').isDisabled()).toBe(true);
      await supervisor.page.screenshot({ path: join(ARTIFACTS, 'desk-supervisor.png') });
      expect(errors).toEqual([]);
    } finally {
      await supervisor?.context.close();
      await context.close();
    }
  }, 150_000);

  it('writes an internal note with the Note toggle: the desk shows it as a note, the SDK customer never sees it', async () => {
    const shop = await system.createOrganization('Notes Shop');
    await system.createAgent(shop.organization_id, {
      email: 'nia@notes.test',
      name: 'Nia',
      groups: [shop.default_group_id],
    });
    const errors: string[] = [];
    const { context, page } = await openDesk('nia@notes.test', errors);
    try {
      await setAccepting(page, true);
      const visitor = await newCustomer(shop.organization_id);
      const { chat_id: chatId } = await visitor.client.startChat({
        message: { text: 'Can I change my order?', client_id: crypto.randomUUID() },
      });
      await myChat(page, chatId).click({ timeout: 20_000 });
      await page.locator('#transcript li.customer', { hasText: 'Can I change my order?' }).waitFor({ timeout: 10_000 });

      await page.getByLabel('Note (agents only)').check();
      const noteBox = page.getByLabel('Internal note (the customer never sees it)');
      await noteBox.fill('NOTE-FOR-AGENTS order 77 is already packed');
      await page.getByRole('button', { name: 'Add note' }).click();
      const note = page.locator('#transcript li.note:not(.pending)', {
        hasText: 'NOTE-FOR-AGENTS order 77 is already packed',
      });
      await note.waitFor({ timeout: 10_000 });
      expect(await note.locator('.badge').textContent()).toBe('Note');
      expect(await note.locator('.author').textContent()).toBe('You');

      // Back to Reply: the customer gets the answer written after the note, and never the note.
      await page.getByLabel('Reply', { exact: true }).check();
      await page.getByLabel('Message').fill('It is packed already, sorry.');
      await page.getByRole('button', { name: 'Send' }).click();
      await eventually(
        () => postedTexts(visitor.saw, chatId).includes('It is packed already, sorry.'),
        10_000,
        'the customer to receive the reply after the note',
      );
      await page.screenshot({ path: join(ARTIFACTS, 'desk-note.png') });
      const read = await visitor.client.request('get_chat', { chat_id: chatId });
      for (const seen of [visitor.saw.map((d) => d.event), read.events]) {
        expect(seen.map((event) => event.type)).not.toContain('InternalNotePosted');
        expect(JSON.stringify(seen)).not.toContain('NOTE-FOR-AGENTS');
      }
      expect(postedTexts(visitor.saw, chatId)).toEqual(['Can I change my order?', 'It is packed already, sorry.']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  /** Mia's desk with a queued chat open, and Ned (an SDK agent of her shop) not accepting either. */
  async function lateJoin(
    name: string,
    routeSockets?: (context: BrowserContext) => Promise<void>,
  ): Promise<{ page: Page; context: BrowserContext; ned: AgentClient; chatId: string; errors: string[] }> {
    const shop = await system.createOrganization(name);
    const slug = name.toLowerCase().replaceAll(' ', '-');
    for (const agent of ['mia', 'ned'])
      await system.createAgent(shop.organization_id, {
        email: `${agent}@${slug}.test`,
        name: agent,
        groups: [shop.default_group_id],
      });
    const errors: string[] = [];
    const { context, page } = await openDesk(`mia@${slug}.test`, errors, routeSockets);
    const ned = system.agentClient(`ned@${slug}.test`);
    await setAccepting(page, false);
    await ned.connect();
    await ned.request('set_routing_status', { status: 'not_accepting' });
    // Nobody accepting: the chat waits in the queue, and Mia opens it there.
    const visitor = await newCustomer(shop.organization_id);
    const { chat_id: chatId } = await visitor.client.startChat({
      message: { text: 'Who can help?', client_id: crypto.randomUUID() },
    });
    await queuedChat(page, chatId).click({ timeout: 20_000 });
    await page.locator('#transcript li.customer', { hasText: 'Who can help?' }).waitFor({ timeout: 10_000 });
    return { page, context, ned, chatId, errors };
  }

  const queuedChat = (page: Page, chatId: string) =>
    page.locator(`#chats ul[aria-label="Queued chats"] button[data-chat-id="${chatId}"]`);

  it('a queued chat another agent takes leaves every other desk at once (chats_dequeued), also the one that had it open', async () => {
    const { page, context, ned, chatId, errors } = await lateJoin('Taken Shop');
    try {
      await ned.joinChat(chatId);
      // Far sooner than the desk's 30 s reread of its lists.
      await queuedChat(page, chatId).waitFor({ state: 'detached', timeout: 5_000 });
      await page.locator('#chat').waitFor({ state: 'hidden', timeout: 5_000 });
      expect(await myChat(page, chatId).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      ned.close();
      await context.close();
    }
  }, 90_000);

  it('a queued chat another agent took while the push was lost: Join is refused with the reason, and the chat leaves the Queued list', async () => {
    // Between the page and the gateway, chats_dequeued is lost (a socket replaced at that moment).
    const dropDequeued = (context: BrowserContext) =>
      context.routeWebSocket(/\/v1\/agent\/rtm$/, (page) => {
        const gateway = page.connectToServer();
        page.onMessage((message) => gateway.send(message));
        gateway.onMessage((message) => {
          if ((JSON.parse(String(message)) as { action?: string }).action !== 'chats_dequeued') page.send(message);
        });
      });
    const { page, context, ned, chatId, errors } = await lateJoin('Late Join Shop', dropDequeued);
    try {
      await ned.joinChat(chatId);
      await page.getByRole('button', { name: 'Join chat' }).click();
      await page.locator('#chats .error').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 });
      await queuedChat(page, chatId).waitFor({ state: 'detached', timeout: 10_000 });
      expect(await myChat(page, chatId).count()).toBe(0);
      expect(await page.locator('#chat').isHidden()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      ned.close();
      await context.close();
    }
  }, 90_000);

  it('a list read that routing overtakes does not undo the assignment: with the answers to list_chats held back, the routed chat stays in My chats and is answered', async () => {
    const shop = await system.createOrganization('Slow Lists Shop');
    await system.createAgent(shop.organization_id, {
      email: 'lea@slow.test',
      name: 'Lea',
      groups: [shop.default_group_id],
    });
    // Between the page and the gateway, the answers to list_chats arrive 1.5 s late, as on a
    // loaded system: chat_queued makes the desk read the lists, routing assigns the chat meanwhile,
    // and incoming_chat arrives before the answers that still have the chat in the queue.
    const held = { now: 0, released: 0 };
    const holdListAnswers = (context: BrowserContext) =>
      context.routeWebSocket(/\/v1\/agent\/rtm$/, (page) => {
        const gateway = page.connectToServer();
        const lists = new Set<unknown>();
        page.onMessage((message) => {
          const frame = JSON.parse(String(message)) as { request_id?: unknown; action?: string };
          if (frame.action === 'list_chats') lists.add(frame.request_id);
          gateway.send(message);
        });
        gateway.onMessage((message) => {
          const frame = JSON.parse(String(message)) as { request_id?: unknown };
          if (!lists.delete(frame.request_id)) return page.send(message);
          held.now += 1;
          setTimeout(() => {
            page.send(message);
            held.now -= 1;
            held.released += 1;
          }, 1_500);
        });
      });
    const errors: string[] = [];
    const { context, page } = await openDesk('lea@slow.test', errors, holdListAnswers);
    try {
      await setAccepting(page, true);
      await eventually(() => held.now === 0, 10_000, 'the first reads of the lists');
      const releasedBefore = held.released;
      const visitor = await newCustomer(shop.organization_id);
      const { chat_id: chatId } = await visitor.client.startChat({
        message: { text: 'Are you there?', client_id: crypto.randomUUID() },
      });
      await myChat(page, chatId).waitFor({ timeout: 20_000 });
      // Every answer read before the assignment has arrived: the chat is still Lea's to answer.
      await eventually(() => held.released > releasedBefore && held.now === 0, 20_000, 'the held answers');
      expect(await myChat(page, chatId).count()).toBe(1);
      expect(await page.locator(`#chats ul[aria-label="Queued chats"] button[data-chat-id="${chatId}"]`).count()).toBe(
        0,
      );
      await myChat(page, chatId).click();
      await page.locator('#transcript li.customer', { hasText: 'Are you there?' }).waitFor({ timeout: 10_000 });
      await page.getByLabel('Message').fill('Yes, Lea here.');
      await page.getByLabel('Message').press('Enter');
      await eventually(
        () => postedTexts(visitor.saw, chatId).includes('Yes, Lea here.'),
        10_000,
        'the customer to receive the answer',
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
