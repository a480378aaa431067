import { CustomerClient, fetchCustomerToken, LivedeskError, type ChatEventView } from '@livedesk/client/customer';
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
  private readonly leftMessageIn = new Set<string>();
  private lastDraftAt = 0;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly config: WidgetConfig) {
    const host = h('div', { id: 'livedesk-widget' });
    this.root = host.attachShadow({ mode: 'open' });
    this.launcher = h('button', { class: 'launcher', type: 'button', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-controls': 'ld-popup' }, chatIcon());
    this.launcher.addEventListener('click', () => (this.popup && !this.popup.element.hidden ? this.close() : this.open()));
    this.root.append(h('style', {}, styles), this.launcher);
    document.body.append(host);
  }

  private isReady = false;

  ready(): void {
    this.isReady = true;
    this.events.emit('ready', {});
  }

  /** A `ready` handler added after the widget is ready is called at once (the script is async). */
  on: LivedeskApi['on'] = (name, handler) => {
    if (name === 'ready' && this.isReady) queueMicrotask(() => (handler as (payload: Record<string, never>) => void)({}));
    return this.events.on(name, handler);
  };

  open(): void {
    if (!this.popup) {
      this.popup = new Popup(
        {
          send: (text) => this.send(text),
          draft: (text) => this.draft(text),
          leaveMessage: (email, text) => this.leaveMessage(email, text),
          rate: (score) => this.rate(score),
          close: () => this.close(),
        },
        this.history,
      );
      this.root.append(this.popup.element);
    }
    this.popup.element.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.launcher.setAttribute('aria-label', 'Close chat');
    this.popup.focus();
    this.connect().catch((error: unknown) => this.popup?.setStatus(`Chat unavailable: ${message(error)}`));
  }

  close(): void {
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
    else await this.startChat(client, text);
    this.stopTyping(client);
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
        const transient = error instanceof LivedeskError && (error.code === 'timeout' || error.code === 'disconnected');
        if (!transient || attempt >= MAX_SEND_ATTEMPTS) throw error;
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
    const fetchToken = () => fetchCustomerToken(url, identity ? { organization_id: organizationId, identity } : { organization_id: organizationId });
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
      const wait = estimated_wait_seconds === null ? '' : `, about ${Math.max(1, Math.round(estimated_wait_seconds / 60))} min`;
      this.popup?.setStatus(position > 0 ? `You are number ${position} in the queue${wait}.` : '');
      if (!agents_available) this.popup?.offerLeaveMessage();
      this.events.emit('queue', { position, estimated_wait_seconds });
    });
    client.on('typing_indicator', ({ chat_id, by, is_typing }) => {
      if (chat_id === this.chatId && by.kind === 'agent') this.popup?.setTyping(is_typing ? `${this.agentName} is typing…` : '');
    });
    client.on('chat_deactivated', ({ chat_id }) => {
      if (chat_id === this.chatId) this.ended(chat_id);
    });
    client.on('disconnected', ({ retry_in_ms }) => {
      if (retry_in_ms !== null) this.popup?.setStatus('Reconnecting…');
    });
    client.on('connected', ({ reconnected }) => {
      if (reconnected) this.popup?.setStatus('');
    });
    const login = await client.connect();
    this.client = client;
    // A visitor signed in by `identify` may have a chat still open: the SDK follows it already.
    const active = login.chats.find((chat) => chat.status === 'queued' || chat.status === 'active');
    if (active && !this.chatId) this.chatId = active.chat_id;
    return client;
  }

  private startChat(client: CustomerClient, text: string): Promise<string> {
    if (this.starting) return this.starting.then((chatId) => this.sendMessage(client, chatId, text).then(() => chatId));
    const clientId = crypto.randomUUID();
    const page = { url: location.href.slice(0, 2048), title: document.title.slice(0, 512) };
    this.starting = client
      .startChat({ ...(this.config.groupId ? { group_id: this.config.groupId } : {}), message: { text, client_id: clientId }, page })
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

  private onChatEvent(chatId: string, event: ChatEventView): void {
    const data = event.data;
    if (event.type === 'MessagePosted') {
      const kind = (data.author as { kind?: string } | undefined)?.kind ?? 'system';
      const text = String(data.text ?? '');
      const name = kind === 'agent' ? this.agentName : undefined;
      this.show({ kind: kind === 'customer' ? 'customer' : kind === 'system' ? 'system' : 'agent', ...(name ? { name } : {}), text });
      if (kind === 'agent') this.popup?.setTyping('');
      this.events.emit('message', { chat_id: chatId, author_kind: kind, ...(name ? { author_name: name } : {}), text, version: event.version });
    } else if (event.type === 'AgentAssigned') {
      // Customers' events carry the agent's id only; its display name is not in the protocol yet.
      this.popup?.setTitle(`Chat with ${this.agentName}`);
      this.popup?.setStatus('');
      this.show({ kind: 'system', text: `${this.agentName} joined the chat.` });
      this.events.emit('agent_joined', { name: this.agentName });
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
    // A chat the visitor turned into a message for later had no one to rate.
    if (!this.leftMessageIn.has(chatId)) this.popup?.askRating();
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
      client.request('send_typing', { chat_id: chatId, is_typing: text.length > 0, preview: text.slice(0, 1000) }).catch(() => undefined);
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
    if (this.chatId) this.leftMessageIn.add(this.chatId);
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
