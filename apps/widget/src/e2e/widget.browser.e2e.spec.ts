import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentClient, fetchAgentToken, type ChatEventDelivery } from '@livedesk/client';
import {
  ChatSystem,
  launchChromium,
  REPOSITORY_ROOT,
  startPageServer,
  type PageServer,
  type TestBrowser,
} from '@livedesk/testing';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';

/** Screenshots for a person to look at (not compared by pixel); gitignored. */
const ARTIFACTS = join(REPOSITORY_ROOT, 'apps/widget/test-artifacts');
const PASSWORD = 'correct horse battery staple';

async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The texts of the widget's message bubbles, in the order the page shows them. */
function shownMessages(page: Page, kind: 'customer' | 'agent'): Promise<string[]> {
  // The bubble's first child is the author's name for agents; the text is the last text node.
  return page
    .locator(`#livedesk-widget .msg.${kind}`)
    .evaluateAll((items) => items.map((item) => item.lastChild?.textContent ?? ''));
}

function agentMessages(seen: ChatEventDelivery[], chatId: string): string[] {
  return seen
    .filter((d) => d.chat_id === chatId && d.event.type === 'MessagePosted')
    .map((d) => String(d.event.data.text));
}

// The widget as a visitor uses it: a real Chromium, a shop page on its own origin, the gateway
// serving the script, routing assigning the chat to an agent driven by the SDK in Node.
describe('the widget in Chromium', () => {
  let system: ChatSystem;
  let browser: TestBrowser;
  let shop: PageServer;
  let stranger: PageServer;
  let agent: AgentClient;
  const agentSaw: ChatEventDelivery[] = [];
  const assigned: string[] = [];
  let org: { organization_id: string; default_group_id: string };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [system, browser, shop, stranger] = await Promise.all([
      ChatSystem.start({ routing: 1 }),
      launchChromium(),
      startPageServer(),
      startPageServer(),
    ]);
    org = await system.createOrganization('Widget Shop');
    const patched = await fetch(`${system.gatewayUrl()}/v1/organizations/${org.organization_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
      body: JSON.stringify({ allowed_origins: [shop.origin] }),
    });
    expect(patched.status).toBe(200);
    // Customers see the display name and avatar, never the internal name or the email.
    const ada = await system.createAgent(org.organization_id, {
      email: 'ada@shop.test',
      name: 'Ada Internal',
      groups: [org.default_group_id],
    });
    const profile = await fetch(
      `${system.gatewayUrl()}/v1/organizations/${org.organization_id}/agents/${ada.agentId}`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
        body: JSON.stringify({ display_name: 'Ada', avatar_url: shop.avatarUrl }),
      },
    );
    expect(profile.status).toBe(200);
    const url = system.gatewayUrl();
    agent = new AgentClient({
      url,
      token: () => fetchAgentToken(url, { email: 'ada@shop.test', password: PASSWORD }),
      WebSocket,
    });
    agent.on('chat_event', (d) => agentSaw.push(d));
    agent.on('incoming_chat', ({ chat_id }) => assigned.push(chat_id));
    await agent.connect();
    await agent.request('set_routing_status', { status: 'accepting' });
  }, 120_000);

  afterAll(async () => {
    agent?.close();
    await Promise.allSettled([browser?.close(), shop?.close(), stranger?.close()]);
    await system?.stop();
  });

  it('a visitor on an allowed origin chats with an agent shown by display name and avatar; three agent messages and two of its own sent while offline each show once, in order; the draft is the agent preview; the resolved chat is rated (CSAT, then NPS and CES with the keyboard)', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const sockets: string[] = [];
    const closedSockets: string[] = [];
    page.on('websocket', (socket) => {
      sockets.push(socket.url());
      socket.on('close', () => closedSockets.push(socket.url()));
    });
    try {
      await page.goto(shop.pageUrl(system.gatewayUrl(), org.organization_id, org.default_group_id));
      await page.waitForFunction(() => window.livedesk !== undefined);
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { seen: string[] }).seen = seen;
        for (const name of ['ready', 'chat_started', 'message', 'agent_joined', 'chat_ended'] as const)
          window.livedesk!.on(name, () => seen.push(name));
        window.livedesk!.on('agent_joined', (payload) => ((window as unknown as { joined: unknown }).joined = payload));
        window.livedesk!.on(
          'message',
          (payload) =>
            payload.author_kind === 'agent' &&
            ((window as unknown as { agentNames: unknown[] }).agentNames ??= []).push(payload.author_name),
        );
      });
      // Only the launcher before the visitor opens the widget: no popup, no token, no socket.
      expect(await page.locator('#livedesk-widget .popup').count()).toBe(0);
      expect(sockets).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'widget-closed-360.png') });

      await page.getByRole('button', { name: 'Open chat' }).click();
      const input = page.getByLabel('Your message', { exact: true });
      await expect(
        input.evaluate((element) => element === (element.getRootNode() as ShadowRoot).activeElement),
      ).resolves.toBe(true);
      await input.fill('Hello, where is my order?');
      await input.press('Enter');

      await eventually(() => assigned.length === 1, 20_000, 'routing to assign the chat');
      const chatId = assigned[0]!;
      await eventually(
        () => agentMessages(agentSaw, chatId).includes('Hello, where is my order?'),
        10_000,
        'the agent to see the first message',
      );
      await agent.sendMessage(chatId, 'Hi! Let me check.');
      await page.locator('#livedesk-widget .msg.agent', { hasText: 'Hi! Let me check.' }).waitFor({ timeout: 10_000 });
      // The agent as the gateway describes them to customers: display name and avatar.
      await expect(page.locator('#livedesk-widget h2').textContent()).resolves.toBe('Chat with Ada');
      await expect(page.locator('#livedesk-widget .msg.agent .who').first().textContent()).resolves.toBe('Ada');
      const avatar = page.locator('#livedesk-widget img.avatar');
      await expect(avatar.getAttribute('src')).resolves.toBe(shop.avatarUrl);
      await page.waitForFunction(
        () =>
          (document.querySelector('#livedesk-widget')!.shadowRoot!.querySelector('img.avatar') as HTMLImageElement)
            .naturalWidth > 0,
      );
      expect(await avatar.isVisible()).toBe(true);
      await expect(page.evaluate(() => (window as unknown as { joined: unknown }).joined)).resolves.toEqual({
        name: 'Ada',
        avatar_url: shop.avatarUrl,
      });
      expect(await page.locator('#livedesk-widget').textContent()).not.toContain('Ada Internal');
      expect(sockets).toHaveLength(1);
      expect(sockets[0]).toContain('/v1/customer/rtm');
      await page.screenshot({ path: join(ARTIFACTS, 'widget-chat-360.png') });

      // The network goes away: the agent writes three messages, the visitor two.
      await context.setOffline(true);
      for (const text of ['a1', 'a2', 'a3']) await agent.sendMessage(chatId, text);
      await page.evaluate(() => {
        (window as unknown as { sent: Promise<void> }).sent = window
          .livedesk!.send('c1')
          .then(() => window.livedesk!.send('c2'));
      });
      // Chromium's offline mode holds an open socket's frames rather than closing it; the
      // visitor's unanswered send makes the SDK give the silent socket up after its request
      // deadline (15 s), so the widget really goes through a drop and a reconnect.
      await page.locator('#livedesk-widget .status', { hasText: 'Reconnecting' }).waitFor({ timeout: 30_000 });
      expect(await shownMessages(page, 'agent')).toEqual(['Hi! Let me check.']);
      await page.screenshot({ path: join(ARTIFACTS, 'widget-offline-360.png') });
      await context.setOffline(false);

      await page.evaluate(() => (window as unknown as { sent: Promise<void> }).sent);
      await page.locator('#livedesk-widget .msg.agent', { hasText: 'a3' }).waitFor({ timeout: 45_000 });
      await eventually(() => agentMessages(agentSaw, chatId).includes('c2'), 10_000, 'the agent to see c2');
      expect(await shownMessages(page, 'agent')).toEqual(['Hi! Let me check.', 'a1', 'a2', 'a3']);
      expect(await shownMessages(page, 'customer')).toEqual(['Hello, where is my order?', 'c1', 'c2']);
      expect(agentMessages(agentSaw, chatId)).toEqual([
        'Hello, where is my order?',
        'Hi! Let me check.',
        'a1',
        'a2',
        'a3',
        'c1',
        'c2',
      ]);
      // The widget came back through a new socket, not the old one surviving the cut.
      expect(closedSockets.length).toBeGreaterThanOrEqual(1);
      expect(sockets.length).toBeGreaterThanOrEqual(2);
      await expect(page.locator('#livedesk-widget .status').textContent()).resolves.toBe('');

      await page.screenshot({ path: join(ARTIFACTS, 'widget-after-offline-360.png') });

      // The draft reaches the agent as the typing preview.
      const previews: string[] = [];
      agent.on(
        'typing_indicator',
        ({ chat_id, preview }) => chat_id === chatId && preview !== undefined && previews.push(preview),
      );
      await input.pressSequentially('Thanks a lot');
      await eventually(() => previews.includes('Thanks a lot'), 10_000, 'the draft preview');

      // The agent resolves: the widget asks CSAT, and the visitor's 4 of 5 is stored.
      await agent.request('resolve_chat', { chat_id: chatId });
      await page.getByRole('button', { name: '4 of 5' }).click();
      await page.getByText('Thank you for your rating.').waitFor({ timeout: 10_000 });
      await eventually(
        () =>
          agentSaw.some(
            (d) => d.chat_id === chatId && d.event.type === 'ConversationRated' && d.event.data.score === 4,
          ),
        10_000,
        'the rating',
      );
      // Then NPS, 0 to 10, with the keyboard only: the focus is on 0; Tab nine times reaches 9.
      await page.getByText('How likely are you to recommend us to a friend?').waitFor({ timeout: 10_000 });
      await expect(
        page
          .getByRole('button', { name: '0 of 10', exact: true })
          .evaluate((element) => element === (element.getRootNode() as ShadowRoot).activeElement),
      ).resolves.toBe(true);
      for (let step = 0; step < 9; step++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByText('Thank you for your answer.').waitFor({ timeout: 10_000 });
      // Then CES, 1 to 7, with the keyboard only: the focus is on 1; Tab five times reaches 6.
      await page.getByText('How easy was it to get your issue handled?').waitFor({ timeout: 10_000 });
      await expect(
        page
          .getByRole('button', { name: '1 of 7', exact: true })
          .evaluate((element) => element === (element.getRootNode() as ShadowRoot).activeElement),
      ).resolves.toBe(true);
      for (let step = 0; step < 5; step++) await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.getByText('Thank you for your answer.').nth(1).waitFor({ timeout: 10_000 });
      const stored = await agent.request('get_chat', { chat_id: chatId });
      expect(stored.events.filter((event) => event.type === 'NpsAnswered').map((event) => event.data.score)).toEqual([
        9,
      ]);
      expect(
        stored.events.filter((event) => event.type === 'SurveyAnswered').map((event) => event.data.answers),
      ).toEqual([{ ces: 6 }]);
      expect(new Set(await page.evaluate(() => (window as unknown as { agentNames: unknown[] }).agentNames))).toEqual(
        new Set(['Ada']),
      );
      const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
      expect(seen[0]).toBe('ready');
      expect(seen.filter((name) => name === 'message')).toHaveLength(7);
      expect(seen.filter((name) => name === 'chat_started')).toHaveLength(1);
      expect(seen.filter((name) => name === 'agent_joined')).toHaveLength(1);
      expect(seen.filter((name) => name === 'chat_ended')).toHaveLength(1);
      expect(seen.indexOf('chat_started')).toBeLessThan(seen.indexOf('agent_joined'));
      expect(await page.locator('#livedesk-widget .msg.system', { hasText: 'The chat has ended.' }).count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'widget-rated-360.png') });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.screenshot({ path: join(ARTIFACTS, 'widget-chat-desktop.png') });
    } finally {
      await context.close();
    }
  }, 120_000);

  it('with no agent accepting, the widget shows the queue position and takes a message with an email', async () => {
    const quiet = await system.createOrganization('Quiet Shop');
    const patched = await fetch(`${system.gatewayUrl()}/v1/organizations/${quiet.organization_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
      body: JSON.stringify({ allowed_origins: [shop.origin] }),
    });
    expect(patched.status).toBe(200);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
      await page.goto(shop.pageUrl(system.gatewayUrl(), quiet.organization_id, quiet.default_group_id));
      await page.waitForFunction(() => window.livedesk !== undefined);
      const queue = page.evaluate(() => new Promise((resolve) => window.livedesk!.on('queue', resolve)));
      // Opened from the page's own code, used with the keyboard only.
      await page.evaluate(() => window.livedesk!.open());
      await page.keyboard.type('Is anyone there?');
      await page.keyboard.press('Enter');
      await expect(queue).resolves.toEqual({ position: 1, estimated_wait_seconds: null });
      await page
        .locator('#livedesk-widget .status', { hasText: 'You are number 1 in the queue' })
        .waitFor({ timeout: 10_000 });
      await page.getByLabel('Your email').fill('visitor@example.com');
      await page.getByLabel('Your message for us').fill('Please call me back.');
      await page.getByRole('button', { name: 'Leave message' }).click();
      await page.getByText('Thank you, we will write to you.').waitFor({ timeout: 10_000 });
      await page
        .locator('#livedesk-widget .msg.system', { hasText: 'The chat has ended.' })
        .waitFor({ timeout: 10_000 });
      expect(await page.getByText('How was this chat?').count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'widget-leave-message-360.png') });
    } finally {
      await context.close();
    }
  }, 60_000);

  it("opens by itself after the organization's delay with its welcome message, and outside business hours takes a message instead of starting a chat", async () => {
    const night = await system.createOrganization('Night Shop');
    // Closed today whatever the hour: every day is open, but yesterday, today and tomorrow (UTC) are holidays.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const patched = await fetch(`${system.gatewayUrl()}/v1/organizations/${night.organization_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
      body: JSON.stringify({
        allowed_origins: [shop.origin],
        welcome_message: 'Hello from the night shop!',
        widget_open_delay_seconds: 2,
        business_hours: {
          time_zone: 'UTC',
          weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((weekday) => ({
            day: weekday,
            from: '00:00',
            to: '24:00',
          })),
          holidays: [day(-1), day(0), day(1)],
        },
      }),
    });
    expect(patched.status).toBe(200);
    const supervisor = await system.createAgent(night.organization_id, {
      email: 'boss@night.test',
      name: 'Boss',
      role: 'supervisor',
      groups: [night.default_group_id],
    });
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
      await page.goto(shop.pageUrl(system.gatewayUrl(), night.organization_id, night.default_group_id));
      await page.waitForFunction(() => window.livedesk !== undefined);
      expect(await page.locator('#livedesk-widget .popup').count()).toBe(0);
      // The popup opens by itself, and leaves the keyboard focus in the page.
      await page.locator('#livedesk-widget .popup').waitFor({ state: 'visible', timeout: 10_000 });
      await expect(page.evaluate(() => document.activeElement === document.body)).resolves.toBe(true);
      await page.getByText('Hello from the night shop!').waitFor();
      // Closed: the leave-a-message form in place of the message box.
      await page.getByText('We are closed right now.', { exact: false }).waitFor();
      expect(await page.getByLabel('Your message', { exact: true }).isVisible()).toBe(false);
      await page.screenshot({ path: join(ARTIFACTS, 'widget-closed-hours-360.png') });
      await page.getByLabel('Your email').fill('owl@example.com');
      await page.getByLabel('Your message for us').fill('Call me in the morning, please.');
      await page.getByRole('button', { name: 'Leave message' }).click();
      await page.getByText('Thank you, we will write to you.').waitFor({ timeout: 10_000 });

      // Stored: a supervisor finds the message with its email among the organization's chats.
      const url = system.gatewayUrl();
      const desk = new AgentClient({
        url,
        token: () => fetchAgentToken(url, { email: 'boss@night.test', password: PASSWORD }),
        WebSocket,
      });
      try {
        await desk.connect();
        const left = await (async () => {
          const deadline = Date.now() + 10_000;
          for (;;) {
            const { chats } = await desk.request('list_chats', { filter: 'all' });
            for (const chat of chats) {
              const { events } = await desk.request('get_chat', { chat_id: chat.chat_id });
              const message = events.find((event) => event.type === 'OfflineMessageLeft');
              if (message) return message.data;
            }
            if (Date.now() > deadline) throw new Error('timed out waiting for the left message');
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        })();
        expect(left).toMatchObject({ email: 'owl@example.com', text: 'Call me in the morning, please.' });
      } finally {
        desk.close();
      }
      expect(supervisor.agentId).toBeDefined();

      // Once per page view, and not after the visitor closed it: a new page, opened and closed at once, stays closed.
      const again = await context.newPage();
      await again.goto(shop.pageUrl(system.gatewayUrl(), night.organization_id, night.default_group_id));
      await again.waitForFunction(() => window.livedesk !== undefined);
      await again.getByRole('button', { name: 'Open chat' }).click();
      await again.keyboard.press('Escape');
      expect(await again.locator('#livedesk-widget .popup').isHidden()).toBe(true);
      await again.waitForTimeout(3_000);
      expect(await again.locator('#livedesk-widget .popup').isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('shows the leave-a-message form when the server refuses to start a chat as offline, though the hours it read said open', async () => {
    const late = await system.createOrganization('Late Shop');
    const patch = (body: unknown) =>
      fetch(`${system.gatewayUrl()}/v1/organizations/${late.organization_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${system.adminToken}` },
        body: JSON.stringify(body),
      });
    expect((await patch({ allowed_origins: [shop.origin] })).status).toBe(200);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
      await page.goto(shop.pageUrl(system.gatewayUrl(), late.organization_id, late.default_group_id));
      await page.waitForFunction(() => window.livedesk !== undefined);
      await page.evaluate(() => window.livedesk!.open());
      // Open when the page read the settings: the message box.
      await page.getByLabel('Your message', { exact: true }).waitFor({ state: 'visible' });
      // The organization closes meanwhile (today, yesterday and tomorrow are holidays, UTC).
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const closed = await patch({
        business_hours: {
          time_zone: 'UTC',
          weekly: (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((weekday) => ({
            day: weekday,
            from: '00:00',
            to: '24:00',
          })),
          holidays: [day(-1), day(0), day(1)],
        },
      });
      expect(closed.status).toBe(200);
      const sent = page.evaluate(() =>
        window.livedesk!.send('Still open?').then(
          () => 'sent',
          (error: { reason?: string }) => `refused: ${error.reason}`,
        ),
      );
      await expect(sent).resolves.toBe('refused: offline');
      await page.getByText('We are closed right now.', { exact: false }).waitFor({ timeout: 10_000 });
      expect(await page.getByLabel('Your message', { exact: true }).isVisible()).toBe(false);
      await page.getByLabel('Your email').fill('late@example.com');
      await page.getByLabel('Your message for us').fill('Was it still open?');
      await page.getByRole('button', { name: 'Leave message' }).click();
      await page.getByText('Thank you, we will write to you.').waitFor({ timeout: 10_000 });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('a page on an origin not allowed gets no token and no socket', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const sockets: string[] = [];
    const tokenAnswers: number[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    page.on('response', (response) => {
      if (response.url().endsWith('/v1/customer/token')) tokenAnswers.push(response.status());
    });
    try {
      await page.goto(stranger.pageUrl(system.gatewayUrl(), org.organization_id, org.default_group_id));
      await page.waitForFunction(() => window.livedesk !== undefined);
      await page.getByRole('button', { name: 'Open chat' }).click();
      await page.locator('#livedesk-widget .status', { hasText: 'Chat unavailable' }).waitFor({ timeout: 10_000 });
      const sent = await page.evaluate(() =>
        window.livedesk!.send('let me in').then(
          () => 'stored',
          (error: unknown) => String(error),
        ),
      );
      expect(sent).not.toBe('stored');
      expect(tokenAnswers.every((status) => status === 403 || status === 204)).toBe(true);
      expect(tokenAnswers).not.toContain(200);
      expect(sockets).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'widget-origin-refused-360.png') });
    } finally {
      await context.close();
    }
  }, 60_000);
});
