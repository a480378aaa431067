import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentClient, ChatEventView } from '@livedesk/client';
import {
  AGENT_PASSWORD,
  ChatSystem,
  launchChromium,
  REPOSITORY_ROOT,
  startPageServer,
  type PageServer,
  type TestBrowser,
} from '@livedesk/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';

/** Screenshots of both screens for a person to look at (not compared by pixel); gitignored. */
const ARTIFACTS = join(REPOSITORY_ROOT, 'apps/desk/test-artifacts');
/** Generous: routing, three browser contexts and five processes share a loaded 2-core machine. */
const SHOWN_WITHIN_MS = 30_000;

/** What the shop page learns through `window.livedesk` (docs/protocol.md, "The widget"). */
interface ShopWindow {
  livedesk?: { on(name: string, handler: (payload: Record<string, unknown>) => void): () => void };
  journey?: { started: string[]; joined: string[] };
}

/** Retries `read` until `done` holds for its answer, then returns that answer. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = SHOWN_WITHIN_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The widget's message bubbles of one kind, in the order the page shows them (the text is the bubble's last node). */
function widgetMessages(page: Page, kind: 'customer' | 'agent' | 'system'): Promise<string[]> {
  return page
    .locator(`#livedesk-widget .msg.${kind}`)
    .evaluateAll((items) => items.map((item) => item.lastChild?.textContent ?? ''));
}

/** The desk transcript's messages (not its system lines), in the order the page shows them. */
function deskMessages(page: Page): Promise<string[]> {
  return page.locator('#transcript li:not(.system) .text').allTextContents();
}

/** Waits until an image has loaded (the page's CSP and the server let it through), and returns its `src`. */
async function loadedImage(image: Locator): Promise<string | null> {
  await image.waitFor({ state: 'visible', timeout: SHOWN_WITHIN_MS });
  await image.evaluate(
    (element) =>
      new Promise<void>((resolve, reject) => {
        const img = element as HTMLImageElement;
        if (img.complete) return img.naturalWidth > 0 ? resolve() : reject(new Error(`image not loaded: ${img.src}`));
        img.addEventListener('load', () => resolve(), { once: true });
        img.addEventListener('error', () => reject(new Error(`image not loaded: ${img.src}`)), { once: true });
      }),
  );
  return image.getAttribute('src');
}

// The whole journey with both real frontends in Chromium: a shop page on an allowed origin
// embeds the widget; two agents work in the desk, each in a browser context of their own. Only
// the stored facts at the end are read through the SDK, as a supervisor.
describe('a customer in the widget and agents in the desk, in Chromium', () => {
  let system: ChatSystem;
  let browser: TestBrowser;
  let shop: PageServer;
  let supervisor: AgentClient;
  let org: { organization_id: string; default_group_id: string };
  const agents: Record<'ada' | 'bob', { agentId: string; avatarUrl: string }> = {} as never;

  async function patch(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${system.gatewayUrl()}${path}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [system, browser, shop] = await Promise.all([
      ChatSystem.start({ routing: 1 }),
      launchChromium(),
      startPageServer(),
    ]);
    org = await system.createOrganization('Journey Shop');
    await patch(`/v1/organizations/${org.organization_id}`, {
      allowed_origins: [shop.origin],
      welcome_message: 'Welcome to Journey Shop!',
    });
    // Customers see display names and avatars, never the internal names.
    for (const [key, name] of [
      ['ada', 'Ada'],
      ['bob', 'Bob'],
    ] as const) {
      const { agentId } = await system.createAgent(org.organization_id, {
        email: `${key}@journey.test`,
        name: `${name} Internal`,
        groups: [org.default_group_id],
      });
      const avatarUrl = `${shop.avatarUrl}?agent=${key}`;
      await patch(`/v1/organizations/${org.organization_id}/agents/${agentId}`, {
        display_name: name,
        avatar_url: avatarUrl,
      });
      agents[key] = { agentId, avatarUrl };
    }
    // In no group, so routing never gives her a chat: she reads the stored facts.
    await system.createAgent(org.organization_id, { email: 'sue@journey.test', name: 'Sue', role: 'supervisor' });
    supervisor = system.agentClient('sue@journey.test');
    await supervisor.connect();
  }, 120_000);

  afterAll(async () => {
    supervisor?.close();
    await Promise.allSettled([browser?.close(), shop?.close()]);
    await system?.stop();
  });

  /** Routing's view of an agent, as list_agents answers it. */
  async function routingStatusOf(agentId: string): Promise<string | null | undefined> {
    const { agents: listed } = await supervisor.request('list_agents', {});
    return listed.find((agent) => agent.agent_id === agentId)?.routing_status;
  }

  /** A desk in a browser context of its own, signed in, accepting or not as routing then knows it. */
  async function openDesk(
    email: string,
    agentId: string,
    accepting: boolean,
    errors: string[],
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`${email}: ${error.message}`));
    await page.goto(`${system.gatewayUrl()}/desk/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(AGENT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const toggle = page.getByLabel('Accepting chats');
    await toggle.waitFor({ timeout: SHOWN_WITHIN_MS });
    if ((await toggle.isChecked()) !== accepting) await toggle.setChecked(accepting);
    await until(
      () => routingStatusOf(agentId),
      (status) => (accepting ? status === 'accepting' : status !== 'accepting'),
      `${email}'s routing status`,
    );
    expect(await toggle.isChecked()).toBe(accepting);
    return { context, page };
  }

  function myChat(page: Page, chatId: string): Locator {
    return page.locator(`#chats ul[aria-label="My chats"] button[data-chat-id="${chatId}"]`);
  }

  /**
   * Opens the chat from the desk's "My chats". When it never shows there, the error says where
   * the desk shows it instead, what the stored chat says and what routing logged, so that a
   * failure under load tells a desk that went wrong from routing that never assigned the chat.
   */
  async function openMyChat(page: Page, chatId: string): Promise<void> {
    try {
      await myChat(page, chatId).click({ timeout: SHOWN_WITHIN_MS });
    } catch (failure) {
      const shownIn = await page
        .locator(`#chats button[data-chat-id="${chatId}"]`)
        .evaluateAll((buttons) => buttons.map((button) => button.closest('ul')?.getAttribute('aria-label') ?? '?'));
      const stored = await supervisor.request('get_chat', { chat_id: chatId }).then(
        ({ chat, events }) => ({
          status: chat.status,
          assigned_agent_id: chat.assigned_agent_id,
          events: events.map((event) => `${event.version} ${event.type}`),
        }),
        (error: unknown) => String(error),
      );
      throw new Error(
        `chat ${chatId} not in "My chats": the desk shows it in ${JSON.stringify(shownIn)}; stored: ${JSON.stringify(stored)}; ` +
          `routing's logs: ${system
            .services()
            .filter((service) => service.name === 'routing')
            .map((service) => service.output().slice(-4000))
            .join('\n')}`,
        { cause: failure },
      );
    }
  }

  it('the customer writes in the widget; Ada sees the chat and the live draft in the desk and answers; she transfers to Bob, who answers and resolves; the customer rates (CSAT, then NPS); both screens show each message once, in order, and the rating and NPS are stored', async () => {
    const errors: string[] = [];
    const ada = await openDesk('ada@journey.test', agents.ada.agentId, true, errors);
    const bob = await openDesk('bob@journey.test', agents.bob.agentId, false, errors);
    const customerContext = await browser.newContext({ viewport: { width: 360, height: 740 } });
    try {
      // The customer's page on the allowed origin; the widget opens on the launcher with the welcome message.
      const customer = await customerContext.newPage();
      customer.on('pageerror', (error) => errors.push(`customer: ${error.message}`));
      await customer.goto(shop.pageUrl(system.gatewayUrl(), org.organization_id, org.default_group_id));
      await customer.waitForFunction(() => (window as ShopWindow).livedesk !== undefined, undefined, {
        timeout: SHOWN_WITHIN_MS,
      });
      await customer.evaluate(() => {
        const shopWindow = window as ShopWindow;
        const journey = (shopWindow.journey = { started: [] as string[], joined: [] as string[] });
        shopWindow.livedesk!.on('chat_started', ({ chat_id }) => journey.started.push(String(chat_id)));
        shopWindow.livedesk!.on('agent_joined', ({ name }) => journey.joined.push(String(name)));
      });
      await customer.getByRole('button', { name: 'Open chat' }).click();
      await customer.getByText('Welcome to Journey Shop!').waitFor({ timeout: SHOWN_WITHIN_MS });
      // Once the widget has its socket, the agents see the visitor on the shop's page.
      await ada.page.locator('#visitors li', { hasText: 'Example shop' }).waitFor({ timeout: SHOWN_WITHIN_MS });
      // With the browser's time zone and language, which the widget sends with the page.
      const browser = await customer.evaluate(() => ({
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        language: navigator.language,
      }));
      const where = await ada.page
        .locator('#visitors li', { hasText: 'Example shop' })
        .locator('.where')
        .textContent({ timeout: SHOWN_WITHIN_MS });
      expect(where).toContain(browser.language);
      expect(where).toMatch(/local time \d{2}:\d{2}/);
      const input = customer.getByLabel('Your message', { exact: true });
      await input.fill('Hello, where is my order?');
      await input.press('Enter');

      // Routing gives the chat to Ada, the only agent accepting; her desk lists it.
      const started = await until(
        () => customer.evaluate(() => (window as ShopWindow).journey!.started),
        (ids) => ids.length > 0,
        'the widget to start the chat',
      );
      expect(started).toHaveLength(1);
      const chatId = started[0]!;
      await openMyChat(ada.page, chatId);
      const adaTranscript = ada.page.getByRole('list', { name: 'Transcript' });
      await adaTranscript
        .locator('li.customer', { hasText: 'Hello, where is my order?' })
        .waitFor({ timeout: SHOWN_WITHIN_MS });

      // The customer's draft shows live in Ada's desk, then becomes a message there.
      await input.pressSequentially('Is it shipped yet?', { delay: 40 });
      await ada.page
        .locator('#typing', { hasText: /^Customer is typing: Is it shipped yet\?$/ })
        .waitFor({ timeout: SHOWN_WITHIN_MS });
      await ada.page.screenshot({ path: join(ARTIFACTS, 'journey-desk-draft.png') });
      await input.press('Enter');
      await adaTranscript
        .locator('li.customer', { hasText: 'Is it shipped yet?' })
        .waitFor({ timeout: SHOWN_WITHIN_MS });
      await ada.page.locator('#typing', { hasText: /^$/ }).waitFor({ timeout: SHOWN_WITHIN_MS });

      // Ada answers; the widget names her by display name, with her avatar.
      await ada.page.getByLabel('Message').fill('Hi! It left our warehouse this morning.');
      await ada.page.getByLabel('Message').press('Enter');
      const widget = customer.locator('#livedesk-widget');
      await widget
        .locator('.msg.agent', { hasText: 'It left our warehouse this morning.' })
        .waitFor({ timeout: SHOWN_WITHIN_MS });
      expect(await widget.locator('h2').textContent()).toBe('Chat with Ada');
      expect(await loadedImage(widget.locator('img.avatar'))).toBe(agents.ada.avatarUrl);
      await input.fill('Great. Can I still change the address?');
      await input.press('Enter');
      await adaTranscript
        .locator('li.customer', { hasText: 'Can I still change the address?' })
        .waitFor({ timeout: SHOWN_WITHIN_MS });
      await customer.screenshot({ path: join(ARTIFACTS, 'journey-widget-ada.png') });
      expect(await deskMessages(ada.page)).toEqual([
        'Hello, where is my order?',
        'Is it shipped yet?',
        'Hi! It left our warehouse this morning.',
        'Great. Can I still change the address?',
      ]);
      expect(await adaTranscript.locator('li:not(.system) .author').allTextContents()).toEqual([
        'Customer',
        'Customer',
        'You',
        'Customer',
      ]);

      // Ada hands the chat to Bob, chosen from the transfer targets with his avatar beside the list.
      const bobOption = ada.page.locator('#transfer-target option', { hasText: 'Bob' });
      await bobOption.waitFor({ state: 'attached', timeout: SHOWN_WITHIN_MS });
      expect(await ada.page.locator('#transfer-avatar').isHidden()).toBe(true);
      await ada.page.getByLabel('Transfer to').selectOption((await bobOption.getAttribute('value'))!);
      expect(await loadedImage(ada.page.locator('#transfer-avatar'))).toBe(agents.bob.avatarUrl);
      await ada.page.screenshot({ path: join(ARTIFACTS, 'journey-desk-transfer.png') });
      await ada.page.getByRole('button', { name: 'Transfer' }).click();
      await myChat(ada.page, chatId).filter({ hasText: '(transferred)' }).waitFor({ timeout: SHOWN_WITHIN_MS });

      // Bob, not accepting, gets the chat because Ada chose him: its whole transcript, Ada named with her avatar.
      await openMyChat(bob.page, chatId);
      const bobTranscript = bob.page.getByRole('list', { name: 'Transcript' });
      await bobTranscript
        .locator('li.customer', { hasText: 'Can I still change the address?' })
        .waitFor({ timeout: SHOWN_WITHIN_MS });
      const adaLine = bobTranscript.locator('li.agent', { hasText: 'It left our warehouse this morning.' });
      await adaLine.locator('.author', { hasText: 'Ada' }).waitFor({ timeout: SHOWN_WITHIN_MS });
      expect(await loadedImage(adaLine.locator('.author img.avatar'))).toBe(agents.ada.avatarUrl);
      await widget.locator('.msg.system', { hasText: 'Bob joined the chat.' }).waitFor({ timeout: SHOWN_WITHIN_MS });
      expect(await widget.locator('h2').textContent()).toBe('Chat with Bob');
      expect(await loadedImage(widget.locator('img.avatar'))).toBe(agents.bob.avatarUrl);

      await bob.page.getByLabel('Message').fill('Bob here: the address is changed.');
      await bob.page.getByLabel('Message').press('Enter');
      await widget
        .locator('.msg.agent', { hasText: 'Bob here: the address is changed.' })
        .waitFor({ timeout: SHOWN_WITHIN_MS });
      await input.fill('Thank you both!');
      await input.press('Enter');
      await bobTranscript.locator('li.customer', { hasText: 'Thank you both!' }).waitFor({ timeout: SHOWN_WITHIN_MS });
      await bob.page.screenshot({ path: join(ARTIFACTS, 'journey-desk-bob.png') });

      // Bob resolves; the widget asks CSAT, then NPS.
      await bob.page.getByRole('button', { name: 'Resolve' }).click();
      await myChat(bob.page, chatId).filter({ hasText: '(resolved)' }).waitFor({ timeout: SHOWN_WITHIN_MS });
      await widget.locator('.msg.system', { hasText: 'The chat has ended.' }).waitFor({ timeout: SHOWN_WITHIN_MS });
      await customer.getByRole('button', { name: '5 of 5' }).click();
      await customer.getByText('Thank you for your rating.').waitFor({ timeout: SHOWN_WITHIN_MS });
      await customer.getByRole('button', { name: '10 of 10', exact: true }).click();
      await customer.getByText('Thank you for your answer.').waitFor({ timeout: SHOWN_WITHIN_MS });
      await customer.screenshot({ path: join(ARTIFACTS, 'journey-widget-rated.png') });
      await bob.page.screenshot({ path: join(ARTIFACTS, 'journey-desk-resolved.png') });

      // Both screens: every message once, in order, each agent by display name.
      const all = [
        'Hello, where is my order?',
        'Is it shipped yet?',
        'Hi! It left our warehouse this morning.',
        'Great. Can I still change the address?',
        'Bob here: the address is changed.',
        'Thank you both!',
      ];
      expect(await deskMessages(bob.page)).toEqual(all);
      expect(await bobTranscript.locator('li:not(.system) .author').allTextContents()).toEqual([
        'Customer',
        'Customer',
        'Ada',
        'Customer',
        'You',
        'Customer',
      ]);
      expect(await widgetMessages(customer, 'customer')).toEqual([
        'Hello, where is my order?',
        'Is it shipped yet?',
        'Great. Can I still change the address?',
        'Thank you both!',
      ]);
      expect(await widgetMessages(customer, 'agent')).toEqual([
        'Hi! It left our warehouse this morning.',
        'Bob here: the address is changed.',
      ]);
      expect(await widget.locator('.msg.agent .who').allTextContents()).toEqual(['Ada', 'Bob']);
      expect(await widgetMessages(customer, 'system')).toEqual([
        'Ada joined the chat.',
        'Bob joined the chat.',
        'The chat has ended.',
      ]);
      expect(await customer.evaluate(() => (window as ShopWindow).journey)).toEqual({
        started: [chatId],
        joined: ['Ada', 'Bob'],
      });
      expect(await widget.textContent()).not.toContain('Internal');

      // Stored: the messages once each, the transfer to Bob, the resolution, the rating and the NPS answer.
      const { events } = await supervisor.request('get_chat', { chat_id: chatId });
      const of = (type: string): ChatEventView[] => events.filter((event) => event.type === type);
      expect(of('MessagePosted').map((event) => event.data.text)).toEqual(all);
      expect(of('ConversationTransferred').map((event) => event.data.to_agent_id)).toEqual([agents.bob.agentId]);
      expect(of('ConversationResolved')).toHaveLength(1);
      expect(of('ConversationRated').map((event) => event.data.score)).toEqual([5]);
      expect(of('NpsAnswered').map((event) => event.data.score)).toEqual([10]);
      expect(errors).toEqual([]);
    } finally {
      await Promise.allSettled([customerContext.close(), ada.context.close(), bob.context.close()]);
    }
  }, 240_000);
});
