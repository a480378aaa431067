import {
  CustomerClient,
  fetchCustomerToken,
  LivedeskError,
  type CesScore,
  type ChatEventView,
} from '@livedesk/client/customer';
import { isOpenAt, type BusinessHours } from './business-hours.js';
import { h } from './dom.js';
import { Popup, type Entry } from './popup.js';
import { PublicEvents, type LivedeskApi } from './public-api.js';
import { styles } from './styles.js';

export interface WidgetConfig {
  /** The gateway's base URL (the origin the script was loaded from). */
  url: string;
  organizationId: string;
  groupId?: string;
}

/** `GET /v1/customer/widget-settings` (docs/widget.md): what the widget needs before the visitor writes. */
interface WidgetSettings {
  welcome_message: string | null;
  business_hours: BusinessHours | null;
  widget_open_delay_seconds: number | null;
}

const ENDED = new Set(['ConversationResolved', 'ConversationClosed', 'ConversationMissed']);
const DRAFT_INTERVAL_MS = 500;
const MAX_SEND_ATTEMPTS = 8;

/**
 * The widget: a launcher in the page, the popup on first open, and one `CustomerClient`
 * (reconnect, resume and retried sends are the SDK's). Messages are shown from the SDK's
 * `chat_event` only, own sends included, so each appears once and in version order, also
 * after a reconnect. No token is fetched and no socket opened before the visitor opens the
 * widget or the page calls `send`/`identify`.
 */
export class Widget implements LivedeskApi {
  private readonly events = new PublicEvents();
  private readonly root: ShadowRoot;
  private readonly launcher: HTMLButtonElement;
  private popup: Popup | undefined;
  private readonly history: Entry[] = [];
  private client: CustomerClient | undefined;
  private connecting: Promise<CustomerClient> | undefined;
  private identity: string | undefined;
  private chatId: string | undefined;
  private starting: Promise<string> | undefined;
  private endedChatId: string | undefined;
  private agentName = 'Agent';
  private agentAvatar: string | undefined;
  private settings: WidgetSettings | undefined;
  /** The visitor closed the popup: it does not open by itself again during this page view. */
  private closedByVisitor = false;
  private autoOpenTimer: ReturnType<typeof setTimeout> | undefined;
  /** Chats an agent joined: only those are rated. */
  private readonly servedChats = new Set<string>();
  private lastDraftAt = 0;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly config: WidgetConfig) {
    const host = h('div', { id: 'livedesk-widget' });
    this.root = host.attachShadow({ mode: 'open' });
    this.launcher = h(
      'button',
      {
        class: 'launcher',
        type: 'button',
        'aria-label': 'Open chat',
        'aria-expanded': 'false',
        'aria-controls': 'ld-popup',
      },
      chatIcon(),
    );
    this.launcher.addEventListener('click', () =>
      this.popup && !this.popup.element.hidden ? this.close() : this.open(),
    );
    this.root.append(h('style', {}, styles), this.launcher);
    document.body.append(host);
    void this.loadSettings();
  }

  /**
   * The organization's widget settings: a small public JSON read (no token, no socket). A page
   * on an origin the organization does not allow gets no answer it may read, and the widget
   * works without: no greeting, always open, no opening by itself.
   */
  private async loadSettings(): Promise<void> {
    let settings: WidgetSettings;
    try {
      const response = await fetch(
        `${this.config.url}/v1/customer/widget-settings?organization_id=${encodeURIComponent(this.config.organizationId)}`,
      );
      if (!response.ok) return;
      settings = (await response.json()) as WidgetSettings;
    } catch {
      return;
    }
    this.settings = settings;
    this.applySettings();
    const delay = settings.widget_open_delay_seconds;
    if (delay !== null && delay !== undefined) {
      // Once per page view, and never after the visitor opened or closed the widget themselves.
      this.autoOpenTimer = setTimeout(() => {
        if (!this.popup && !this.closedByVisitor) this.reveal(false);
      }, delay * 1000);
    }
  }

  /** The greeting, and outside business hours (with no chat going on) the leave-a-message form instead of a chat. */
  private applySettings(): void {
    if (!this.popup) return;
    if (this.refusedOffline && !this.chatId) this.popup.setClosed(true);
    if (!this.settings) return;
    this.popup.setWelcome(this.settings.welcome_message);
    this.popup.setClosed(
      !this.chatId && !this.starting && (this.refusedOffline || !isOpenAt(this.settings.business_hours, new Date())),
    );
  }

  /** The server refused to start a chat as offline (`offlineIfRefused`). */
  private refusedOffline = false;

  private isReady = false;

  ready(): void {
    this.isReady = true;
    this.events.emit('ready', {});
  }

  /** A `ready` handler added after the widget is ready is called at once (the script is async). */
  on: LivedeskApi['on'] = (name, handler) => {
    if (name === 'ready' && this.isReady)
      queueMicrotask(() => (handler as (payload: Record<string, never>) => void)({}));
    return this.events.on(name, handler);
  };

  open(): void {
    this.reveal(true);
  }

  /**
   * Shows the popup, built on the first time. Opened by the visitor or the page, it takes the
   * keyboard focus; opened by itself after the organization's delay, it leaves the focus where
   * the visitor has it (they may be typing in the page).
   */
  private reveal(focus: boolean): void {
    if (!this.popup) {
      this.popup = new Popup(
        {
          send: (text) => this.send(text),
          draft: (text) => this.draft(text),
          leaveMessage: (email, text) => this.leaveMessage(email, text),
          rate: (score) => this.rate(score),
          answerNps: (score) => this.answerNps(score),
          answerCes: (score) => this.answerCes(score),
          close: () => this.close(),
        },
        this.history,
      );
      this.root.append(this.popup.element);
      if (this.agentAssigned) this.popup.setAgent(this.agentName, this.agentAvatar);
    }
    clearTimeout(this.autoOpenTimer);
    this.applySettings();
    this.popup.element.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.launcher.setAttribute('aria-label', 'Close chat');
    if (focus) this.popup.focus();
    this.connect().then(
      // A visitor signed in by `identify` may come back to a chat still open: its message box, whatever the hour.
      () => this.applySettings(),
      (error: unknown) => this.popup?.setStatus(`Chat unavailable: ${message(error)}`),
    );
  }

  close(): void {
    this.closedByVisitor = true;
    clearTimeout(this.autoOpenTimer);
    if (!this.popup || this.popup.element.hidden) return;
    this.popup.element.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.setAttribute('aria-label', 'Open chat');
    this.launcher.focus();
  }

  /** Resolves when the message is stored; the first message starts the chat. */
  async send(text: string): Promise<void> {
    const client = await this.connect();
    // The first message starts the chat and is stored with it.
    if (this.chatId) await this.sendMessage(client, this.chatId, text);
    else await this.startChat(client, text).catch((error: unknown) => this.offlineIfRefused(error));
    this.stopTyping(client);
  }

  /**
   * `start_chat` refused as offline (`unavailable`, reason `offline`: outside business hours, as
   * the server knows them even when the hours this page read said open): the leave-a-message
   * form instead of the message box, for the rest of the page view. Answers the error again.
   */
  private offlineIfRefused(error: unknown): never {
    if (error instanceof LivedeskError && error.code === 'unavailable' && error.reason === 'offline') {
      this.refusedOffline = true;
      this.popup?.setClosed(true);
    }
    throw error;
  }

  /**
   * One message, stored once: the SDK answers `timeout` when a silent socket is given up (a
   * network that holds frames, like a train's) and `disconnected` when one drops mid-request;
   * the same client id is sent again, and the server stores it once.
   */
  private async sendMessage(client: CustomerClient, chatId: string, text: string): Promise<void> {
    const clientId = crypto.randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        await client.sendMessage(chatId, text, { clientId });
        return;
      } catch (error) {
        if (!(error instanceof LivedeskError && error.connectionLost) || attempt >= MAX_SEND_ATTEMPTS) throw error;
      }
    }
  }

  /** Signs the visitor in with the site's identity token: the next token and socket carry it. */
  async identify(identityJwt: string): Promise<void> {
    this.identity = identityJwt;
    if (!this.client && !this.connecting) return;
    this.client?.close();
    this.client = undefined;
    this.connecting = undefined;
    this.chatId = undefined;
    await this.connect();
  }

  private connect(): Promise<CustomerClient> {
    this.connecting ??= this.openClient().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async openClient(): Promise<CustomerClient> {
    const { url, organizationId } = this.config;
    const identity = this.identity;
    const fetchToken = () =>
      fetchCustomerToken(
        url,
        identity ? { organization_id: organizationId, identity } : { organization_id: organizationId },
      );
    // The first token is fetched here, not by the SDK, which would keep retrying a refusal: a page
    // whose origin the organization does not allow (no CORS answer) fails now, and opens no socket.
    let first: ReturnType<typeof fetchToken> | undefined = fetchToken();
    await first;
    const client = new CustomerClient({
      url,
      token: () => {
        const token = first ?? fetchToken();
        first = undefined;
        return token;
      },
    });
    client.on('chat_event', ({ chat_id, event }) => this.onChatEvent(chat_id, event));
    client.on('queue_position_updated', ({ chat_id, position, estimated_wait_seconds, agents_available }) => {
      // The push may overtake start_chat's answer (it comes through routing): one chat at a time.
      if (chat_id !== this.chatId && !this.starting) return;
      const wait =
        estimated_wait_seconds === null ? '' : `, about ${Math.max(1, Math.round(estimated_wait_seconds / 60))} min`;
      this.popup?.setStatus(position > 0 ? `You are number ${position} in the queue${wait}.` : '');
      if (!agents_available) this.popup?.offerLeaveMessage();
      this.events.emit('queue', { position, estimated_wait_seconds });
    });
    client.on('typing_indicator', ({ chat_id, by, is_typing }) => {
      if (chat_id === this.chatId && by.kind === 'agent')
        this.popup?.setTyping(is_typing ? `${this.agentName} is typing…` : '');
    });
    client.on('chat_deactivated', ({ chat_id }) => {
      if (chat_id === this.chatId) this.ended(chat_id);
    });
    client.on('disconnected', ({ retry_in_ms }) => {
      if (retry_in_ms !== null) this.popup?.setStatus('Reconnecting…');
    });
    client.on('connected', ({ reconnected }) => {
      if (reconnected) this.popup?.setStatus('');
      // Agents see the visitor on the site (list_visitors) from the page they are on; again
      // after a reconnect, since presence is kept by page views.
      this.reportVisit(client);
    });
    const login = await client.connect();
    this.client = client;
    // A visitor signed in by `identify` may have a chat still open: the SDK follows it already.
    const active = login.chats.find((chat) => chat.status === 'queued' || chat.status === 'active');
    if (active && !this.chatId) this.chatId = active.chat_id;
    return client;
  }

  /**
   * The page the visitor is on, for the agents' visitor list. Sent once the widget has a socket
   * (never before the visitor opens it) and on each in-page navigation after that; best effort:
   * a lost page view only leaves the agents' list a little behind.
   */
  private reportVisit(client: CustomerClient): void {
    const page = {
      url: location.href.slice(0, 2048),
      ...(document.title ? { title: document.title.slice(0, 512) } : {}),
      ...(document.referrer ? { referrer: document.referrer.slice(0, 2048) } : {}),
    };
    // A time zone or language the server does not know (another ICU version) must not cost the
    // page view: it is sent again without them.
    client
      .request('update_visit', { ...page, ...browserContext() })
      .catch((error: unknown) =>
        error instanceof LivedeskError && error.code === 'validation'
          ? client.request('update_visit', page)
          : undefined,
      )
      .catch(() => undefined);
    if (!this.followsNavigation) {
      this.followsNavigation = true;
      const again = (): void => {
        if (this.client) this.reportVisit(this.client);
      };
      addEventListener('popstate', again);
      addEventListener('hashchange', again);
    }
  }

  private followsNavigation = false;

  private startChat(client: CustomerClient, text: string): Promise<string> {
    if (this.starting) return this.starting.then((chatId) => this.sendMessage(client, chatId, text).then(() => chatId));
    const clientId = crypto.randomUUID();
    const page = { url: location.href.slice(0, 2048), title: document.title.slice(0, 512) };
    this.starting = client
      .startChat({
        ...(this.config.groupId ? { group_id: this.config.groupId } : {}),
        message: { text, client_id: clientId },
        page,
      })
      .then(({ chat_id }) => {
        this.chatId = chat_id;
        this.popup?.clearRating();
        this.events.emit('chat_started', { chat_id });
        return chat_id;
      })
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  private agentAssigned = false;

  /** The agent now serving the chat, from the public profile the gateway adds to the customer's events. */
  private agentJoined(event: ChatEventView): void {
    this.agentAssigned = true;
    this.servedChats.add(event.chat_id);
    this.agentName = event.agent?.display_name ?? 'Agent';
    this.agentAvatar = event.agent?.avatar_url ?? undefined;
    this.popup?.setAgent(this.agentName, this.agentAvatar);
    this.popup?.setStatus('');
    this.show({ kind: 'system', text: `${this.agentName} joined the chat.` });
    this.events.emit('agent_joined', {
      name: this.agentName,
      ...(this.agentAvatar ? { avatar_url: this.agentAvatar } : {}),
    });
  }

  private onChatEvent(chatId: string, event: ChatEventView): void {
    const data = event.data;
    if (event.type === 'MessagePosted') {
      const author = (data.author as { kind?: string } | undefined)?.kind ?? 'system';
      // A bot writes as an agent of the team: shown as one.
      const kind = author === 'bot' ? 'agent' : author;
      const text = String(data.text ?? '');
      const name = kind === 'agent' ? (event.agent?.display_name ?? this.agentName) : undefined;
      this.show({
        kind: kind === 'customer' ? 'customer' : kind === 'system' ? 'system' : 'agent',
        ...(name ? { name } : {}),
        text,
      });
      if (kind === 'agent') this.popup?.setTyping('');
      this.events.emit('message', {
        chat_id: chatId,
        author_kind: kind,
        ...(name ? { author_name: name } : {}),
        text,
        version: event.version,
      });
    } else if (event.type === 'AgentAssigned') {
      // A transfer to an agent is stored as ConversationTransferred followed by that agent's
      // AgentAssigned: the assignment alone says who joined, so the agent joins once.
      this.agentJoined(event);
    } else if (ENDED.has(event.type)) {
      this.ended(chatId);
    }
  }

  /** Reached by the chat's ending event or by the `chat_deactivated` push, whichever comes first. */
  private ended(chatId: string): void {
    if (this.endedChatId === chatId) return;
    this.show({ kind: 'system', text: 'The chat has ended.' });
    if (this.chatId === chatId) this.chatId = undefined;
    this.endedChatId = chatId;
    // A chat nobody joined (turned into a message for later, or out of hours) has no one to rate.
    if (this.servedChats.has(chatId)) this.popup?.askRating();
    this.events.emit('chat_ended', { chat_id: chatId });
  }

  private show(entry: Entry): void {
    this.history.push(entry);
    this.popup?.add(entry);
  }

  /** The draft goes to the agent as the typing preview, at most every DRAFT_INTERVAL_MS. */
  private draft(text: string): void {
    const client = this.client;
    const chatId = this.chatId;
    if (!client || !chatId) return;
    clearTimeout(this.draftTimer);
    const sendNow = () => {
      this.lastDraftAt = Date.now();
      client
        .request('send_typing', { chat_id: chatId, is_typing: text.length > 0, preview: text.slice(0, 1000) })
        .catch(() => undefined);
    };
    const wait = this.lastDraftAt + DRAFT_INTERVAL_MS - Date.now();
    if (wait <= 0) sendNow();
    else this.draftTimer = setTimeout(sendNow, wait);
  }

  private stopTyping(client: CustomerClient): void {
    clearTimeout(this.draftTimer);
    if (this.chatId) client.request('send_typing', { chat_id: this.chatId, is_typing: false }).catch(() => undefined);
  }

  private async leaveMessage(email: string, text: string): Promise<void> {
    const client = await this.connect();
    await client.request('leave_message', {
      ...(this.chatId ? { chat_id: this.chatId } : {}),
      ...(this.config.groupId ? { group_id: this.config.groupId } : {}),
      email,
      text,
    });
  }

  private async rate(score: number): Promise<void> {
    const chatId = this.endedChatId;
    if (!chatId) return;
    const client = await this.connect();
    await client.request('rate_chat', { chat_id: chatId, score });
  }

  private async answerNps(score: number): Promise<void> {
    const chatId = this.endedChatId;
    if (!chatId) return;
    const client = await this.connect();
    await client.request('answer_nps', { chat_id: chatId, score });
  }

  private async answerCes(score: number): Promise<void> {
    const chatId = this.endedChatId;
    if (!chatId) return;
    const client = await this.connect();
    await client.answerSurvey(chatId, { ces: score as CesScore });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A speech bubble drawn as SVG: an emoji would depend on the visitor's fonts. */
function chatIcon(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '28');
  svg.setAttribute('height', '28');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
  svg.append(path);
  return svg;
}

/** The browser's time zone and language, for the agents' view of the visitor (left out when the browser does not say). */
function browserContext(): { time_zone?: string; language?: string } {
  let timeZone: string | undefined;
  try {
    timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    timeZone = undefined;
  }
  const language = typeof navigator === 'undefined' ? undefined : navigator.language;
  return {
    ...(timeZone && timeZone.length <= 64 ? { time_zone: timeZone } : {}),
    ...(language && language.length <= 35 ? { language } : {}),
  };
}
