import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentClient, CustomerClient, fetchAgentToken, fetchCustomerToken, type ChatEventDelivery } from '@livedesk/client';
import { ChatSystem, launchChromium, REPOSITORY_ROOT, type TestBrowser } from '@livedesk/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';

/** Screenshots for a person to look at (not compared by pixel); gitignored. */
const ARTIFACTS = join(REPOSITORY_ROOT, 'apps/desk/test-artifacts');
const PASSWORD = 'correct horse battery staple';

async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
      ChatSystem.start({ routing: 1, metrics: 1, env: { METRICS_SLA_POLL_MS: '50', METRICS_CONTROL_POLL_MS: '100' } }),
      launchChromium(),
    ]);
    org = await system.createOrganization('Desk Shop');
    // A first answer is due within 3 s: the second chat, left unanswered, brings the SLA pushes.
    const put = await system.call(system.metrics[0]!, 'PUT', `/v1/organizations/${org.organization_id}/sla_policies/fast`, {
      name: 'Fast first answers',
      match: { group_ids: [org.default_group_id] },
      targets: { first_response_seconds: 3 },
    });
    expect(put.status).toBe(200);
    await system.createAgent(org.organization_id, { email: 'ada@shop.test', name: 'Ada', groups: [org.default_group_id] });
    await system.createAgent(org.organization_id, { email: 'bob@shop.test', name: 'Bob', groups: [org.default_group_id] });
  }, 120_000);

  afterAll(async () => {
    customer?.close();
    await browser?.close();
    await system?.stop();
  });

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
      await page.getByLabel('Password').fill(PASSWORD);
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
      await page.locator('#transfer-target option', { hasText: 'Group' }).first().waitFor({ state: 'attached', timeout: 10_000 });
      expect(await transferTargets.allTextContents()).not.toContain(expect.stringContaining('Ada'));

      customer = new CustomerClient({ url, token: () => fetchCustomerToken(url, { organization_id: org.organization_id }), WebSocket });
      customer.on('chat_event', (d) => customerSaw.push(d));
      customer.on('chat_deactivated', ({ chat_id, reason }) => customerEnded.push(`${chat_id}:${reason}`));
      await customer.connect();
      const { chat_id: chatId } = await customer.startChat({ message: { text: 'Hello, where is my order?', client_id: crypto.randomUUID() } });

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
        () => customerSaw.some((d) => d.chat_id === chatId && d.event.type === 'MessagePosted' && d.event.data.text === 'Hi! Let me check that for you.'),
        10_000,
        'the customer to receive the reply',
      );
      await transcript.locator('li.agent', { hasText: 'Hi! Let me check that for you.' }).waitFor({ timeout: 10_000 });
      const texts = await transcript.locator('li:not(.system) .text').allTextContents();
      expect(texts).toEqual(['Hello, where is my order?', 'Order 1234', 'It was due Monday', 'Hi! Let me check that for you.']);
      expect(await transcript.locator('li.agent .author').allTextContents()).toEqual(['You']);
      await page.screenshot({ path: join(ARTIFACTS, 'desk-chat.png') });

      await page.getByRole('button', { name: 'Resolve' }).click();
      await chatButton.filter({ hasText: '(resolved)' }).waitFor({ timeout: 10_000 });
      await eventually(() => customerEnded.includes(`${chatId}:resolved`), 10_000, 'the customer to see the chat resolved');
      expect(await page.getByLabel('Message').isDisabled()).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'desk-resolved.png') });

      // A second chat, handed to Bob (chosen from list_agents), who gets it with its transcript.
      const bob = new AgentClient({ url, token: () => fetchAgentToken(url, { email: 'bob@shop.test', password: PASSWORD }), WebSocket });
      const bobAssigned: string[] = [];
      const bobSaw: ChatEventDelivery[] = [];
      bob.on('incoming_chat', ({ chat_id }) => bobAssigned.push(chat_id));
      bob.on('chat_event', (d) => bobSaw.push(d));
      try {
        await bob.connect();
        await bob.request('set_routing_status', { status: 'not_accepting' });
        const { chat_id: secondId } = await customer.startChat({ message: { text: 'One more question', client_id: crypto.randomUUID() } });
        const secondButton = page.locator(`#chats ul[aria-label="My chats"] button[data-chat-id="${secondId}"]`);
        await secondButton.waitFor({ timeout: 20_000 });
        await secondButton.click();
        await transcript.locator('li.customer', { hasText: 'One more question' }).waitFor({ timeout: 10_000 });
        await secondButton.locator('.sla.breached').waitFor({ timeout: 15_000 });
        await page.locator('.chat-head .alert', { hasText: 'SLA breached: first_response' }).waitFor({ timeout: 5_000 });
        await page.screenshot({ path: join(ARTIFACTS, 'desk-sla-breached.png') });
        const bobOption = page.locator('#transfer-target option', { hasText: 'Bob' });
        await page.getByLabel('Transfer to').selectOption((await bobOption.getAttribute('value'))!);
        await page.getByRole('button', { name: 'Transfer' }).click();
        await eventually(() => bobAssigned.includes(secondId), 10_000, 'Bob to get the transferred chat');
        await eventually(
          () => bobSaw.some((d) => d.chat_id === secondId && d.event.type === 'MessagePosted' && d.event.data.text === 'One more question'),
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
        const { chat_id: thirdId } = await customer.startChat({ message: { text: 'Anyone?', client_id: crypto.randomUUID() } });
        const queuedButton = page.locator(`#chats ul[aria-label="Queued chats"] button[data-chat-id="${thirdId}"]`);
        await queuedButton.waitFor({ timeout: 20_000 });
        await queuedButton.click();
        await transcript.locator('li.customer', { hasText: 'Anyone?' }).waitFor({ timeout: 10_000 });
        expect(await page.getByLabel('Message').isDisabled()).toBe(true);
        await page.getByRole('button', { name: 'Join chat' }).click();
        await page.locator(`#chats ul[aria-label="My chats"] button[data-chat-id="${thirdId}"]`).waitFor({ timeout: 10_000 });
        await page.getByLabel('Message').fill('Here I am.');
        await page.getByLabel('Message').press('Enter');
        await eventually(
          () => customerSaw.some((d) => d.chat_id === thirdId && d.event.type === 'MessagePosted' && d.event.data.text === 'Here I am.'),
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
});
