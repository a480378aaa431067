import { LivedeskError, type AgentClient, type ChatEventView } from '@livedesk/client';
import { CannedPicker } from './canned-picker.js';
import { ChatLists, type ListedChat } from './chat-lists.js';
import { h } from './dom.js';
import { TypingSignal } from './typing-signal.js';
import { VisitorList } from './visitor-list.js';

type Login = Awaited<ReturnType<AgentClient['connect']>>;

interface ChatEntry extends ListedChat {
  /** The latest SLA push for the chat, shown on its list item and header. */
  sla?: { kind: 'warning' | 'breached'; target: string; due_at: string };
  /** The ticket created from the chat. */
  ticket?: { ticket_id: string; reference: string };
}

const AUTHOR_LABELS: Record<string, string> = { customer: 'Customer', agent: 'Agent', system: 'System' };
/** list_visitors answers the visitors seen in the last 5 minutes; pushes older than that leave the panel too. */
const VISITOR_WINDOW_MS = 5 * 60_000;
/**
 * How often the visitors and the chat lists are read again besides the pushes (no push tells an
 * agent that a queued chat went to another agent, nor a supervisor about other agents' chats). A
 * read also lets the SDK notice a connection that went silent without closing.
 */
const REFRESH_MS = 30_000;
/** A reply whose answer was lost with the connection is sent again (same client id, stored once) this many times. */
const SEND_ATTEMPTS = 6;

function newClientId(): string {
  // randomUUID needs a secure context; a desk served over plain http on a LAN host has none.
  return (
    globalThis.crypto?.randomUUID?.() ??
    `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
  );
}

/** A colleague as `list_agents` describes them: the name customers see and their picture, if any. */
interface Colleague {
  name: string;
  avatarUrl: string | null;
}

/**
 * Who wrote a message: "You" for this agent's own, a colleague by their display name (and
 * avatar, when they have one), else the author's kind.
 */
function authorOf(
  event: ChatEventView,
  me: string,
  colleagues: ReadonlyMap<string, Colleague>,
): { kind: string; label: string; avatarUrl?: string } {
  const author = event.data.author as { kind?: string; id?: string; name?: string; display_name?: string } | undefined;
  const kind = author?.kind ?? 'system';
  if (author?.id === me) return { kind, label: 'You' };
  const colleague = (kind === 'agent' || kind === 'bot') && author?.id ? colleagues.get(author.id) : undefined;
  const named = author?.display_name ?? author?.name ?? colleague?.name;
  return {
    kind,
    label: named ?? AUTHOR_LABELS[kind] ?? kind,
    ...(colleague?.avatarUrl ? { avatarUrl: colleague.avatarUrl } : {}),
  };
}

/** The files of a message as the server gives them (with a signed URL); malformed entries are left out. */
function attachmentsOf(event: ChatEventView): { name: string; size: number; url: string }[] {
  const files = event.data.attachments;
  if (!Array.isArray(files)) return [];
  return files.filter(
    (file): file is { name: string; size: number; url: string } =>
      typeof file === 'object' &&
      file !== null &&
      typeof file.name === 'string' &&
      typeof file.size === 'number' &&
      typeof file.url === 'string',
  );
}

function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One line of transcript for an event, or undefined for events the desk does not show. */
function describe(
  event: ChatEventView,
  me: string,
  colleagues: ReadonlyMap<string, Colleague>,
): { kind: string; who?: string; avatarUrl?: string; text: string } | undefined {
  switch (event.type) {
    case 'MessagePosted': {
      const author = authorOf(event, me, colleagues);
      return {
        kind: author.kind,
        who: author.label,
        ...(author.avatarUrl ? { avatarUrl: author.avatarUrl } : {}),
        text: String(event.data.text ?? ''),
      };
    }
    case 'InternalNotePosted': {
      // An internal note: agents only, shown apart from the messages the customer sees.
      const author = authorOf(event, me, colleagues);
      return {
        kind: 'note',
        who: author.label,
        ...(author.avatarUrl ? { avatarUrl: author.avatarUrl } : {}),
        text: String(event.data.text ?? ''),
      };
    }
    case 'ConversationStarted':
      return { kind: 'system', text: 'Chat started' };
    case 'ConversationQueued':
      return { kind: 'system', text: 'Waiting in the queue' };
    case 'AgentAssigned':
      return { kind: 'system', text: 'An agent was assigned' };
    case 'ConversationTransferred':
      return { kind: 'system', text: 'Chat transferred' };
    case 'ConversationResolved':
      return { kind: 'system', text: 'Chat resolved' };
    case 'ConversationClosed':
      return { kind: 'system', text: 'Chat closed' };
    case 'ConversationMissed':
      return { kind: 'system', text: 'Chat missed' };
    default:
      return undefined;
  }
}

/** An agent's picture beside their name (the name is the text next to it, so no alt text of its own). */
function avatar(url: string): HTMLImageElement {
  return h('img', { class: 'avatar', src: url, alt: '', width: '20', height: '20', referrerpolicy: 'no-referrer' });
}

function isSupervisor(role: string): boolean {
  return role === 'supervisor' || role === 'admin';
}

/** The signed-in desk: connection and routing status, the chat lists, one open chat, the visitors. */
export class Desk {
  /** The chat lists, from pushes and `list_chats` reads (an older read never undoes a newer push). */
  private readonly lists = new ChatLists<ChatEntry>();
  private readonly chats = this.lists.chats;
  /** The read of the lists under way, and whether another is wanted when it ends (`refreshChats`). */
  private listsRead: Promise<void> | undefined;
  private listsWanted = false;
  private readonly events = new Map<string, Map<number, ChatEventView>>();
  private selected: string | undefined;
  private readonly typing = new Map<string, string>();
  /** Replies and notes sent and not yet stored, by chat: shown as "Sending…" below the transcript, by client id. */
  private readonly sending = new Map<string, Map<string, { text: string; note: boolean }>>();
  /** The visitors on the site, from pushes and `list_visitors` reads (an older read never undoes a newer push). */
  private readonly siteVisitors = new VisitorList();
  /** The organization's agents from `list_agents`: names and avatars on colleagues' messages and transfer targets. */
  private readonly colleagues = new Map<string, Colleague>();
  /** The organization's queued and active chats in the server's order (supervisors only). */
  private activeIds: string[] = [];
  private readonly supervisor: boolean;

  private readonly status = h('span', { class: 'status', role: 'status', 'data-state': 'online' });
  private readonly accepting = h('input', { id: 'accepting', type: 'checkbox' });
  private readonly mineList = h('ul', { 'aria-label': 'My chats' });
  private readonly queuedList = h('ul', { 'aria-label': 'Queued chats' });
  private readonly activeList = h('ul', { 'aria-label': 'Active chats' });
  private readonly chatPane = h('section', { id: 'chat', 'aria-label': 'Open chat', hidden: true });
  private readonly chatTitle = h('h2', { id: 'chat-title' });
  private readonly chatAlert = h('span', { class: 'alert', role: 'alert' });
  private readonly transcript = h('ol', { id: 'transcript', 'aria-label': 'Transcript', 'aria-live': 'polite' });
  private readonly typingLine = h('p', { id: 'typing', 'aria-live': 'polite' });
  private readonly message = h('textarea', { id: 'message', rows: '2' });
  private readonly sendButton = h('button', { type: 'submit', text: 'Send' });
  /** Reply (to the customer) or Note (internal, agents only): what the composer sends. */
  private readonly replyMode = h('input', {
    id: 'mode-reply',
    type: 'radio',
    name: 'compose-mode',
    value: 'reply',
    checked: true,
  });
  private readonly noteMode = h('input', { id: 'mode-note', type: 'radio', name: 'compose-mode', value: 'note' });
  private readonly joinButton = h('button', { type: 'button', text: 'Join chat' });
  private readonly resolveButton = h('button', { type: 'button', text: 'Resolve' });
  private readonly target = h('select', { id: 'transfer-target' });
  /** The avatar of the agent chosen as transfer target (an option cannot show a picture). */
  private readonly targetAvatar = h('img', { id: 'transfer-avatar', class: 'avatar', alt: '', hidden: true });
  private readonly transferButton = h('button', { type: 'button', text: 'Transfer' });
  private readonly ticketSubject = h('input', { id: 'ticket-subject', type: 'text', maxlength: '512' });
  private readonly ticketButton = h('button', { type: 'button', text: 'Create ticket' });
  private readonly ticketLine = h('span', { id: 'ticket', role: 'status' });
  private readonly visitorList = h('ul', { 'aria-label': 'Visitors' });
  private readonly error = h('p', { class: 'error', role: 'alert' });
  private readonly canned: CannedPicker;
  private readonly ownTyping: TypingSignal;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: AgentClient,
    private readonly login: Login,
  ) {
    this.supervisor = isSupervisor(login.agent.role);
    this.canned = new CannedPicker(this.message);
    this.ownTyping = new TypingSignal((chatId, isTyping) => {
      // A typing indicator is never worth an error line: the chat may just have ended.
      this.client.request('send_typing', { chat_id: chatId, is_typing: isTyping }).catch(() => undefined);
    });
  }

  start(): void {
    this.layout();
    this.accepting.checked = this.login.routing_status === 'accepting';
    for (const chat of this.login.chats) this.chats.set(chat.chat_id, { summary: chat, queue: 'mine' });

    const client = this.client;
    client.on('connected', ({ reconnected }) => {
      this.showConnection('online');
      // Pushes sent while the socket was down are gone: read the lists again (the SDK resumes the transcripts).
      if (reconnected) this.refreshAll();
    });
    client.on('disconnected', ({ retry_in_ms }) =>
      this.showConnection(retry_in_ms === null ? 'closed' : 'reconnecting', retry_in_ms),
    );
    // A browser that knows it lost the network says so at once; the socket may stay silent for a while.
    window.addEventListener('offline', () => this.showConnection('offline'));
    window.addEventListener('online', () => {
      this.showConnection(client.connected ? 'online' : 'reconnecting');
      if (client.connected) this.refreshAll();
    });
    client.on('chat_event', ({ chat_id, event }) => {
      let events = this.events.get(chat_id);
      if (!events) this.events.set(chat_id, (events = new Map()));
      events.set(event.version, event);
      // The customer's message replaces their draft preview.
      if (event.type === 'MessagePosted' && (event.data.author as { kind?: string } | undefined)?.kind === 'customer')
        this.typing.delete(chat_id);
      if (chat_id === this.selected) {
        this.renderTranscript();
        this.renderTyping();
      }
    });
    client.on('incoming_chat', ({ chat }) => {
      // The chat is this agent's and open, also one that ended here before (transferred back, reopened).
      this.lists.pushed(chat.chat_id, (current) => ({ ...current, summary: chat, queue: 'mine', ended: undefined }));
      this.renderList();
      if (chat.chat_id === this.selected) this.renderChat();
    });
    client.on('chat_queued', () => void this.refreshChats());
    // Another agent took a queued chat (or it ended): the queue list is read again at once.
    client.on('chats_dequeued', ({ chats }) => {
      if (chats.some(({ chat_id }) => this.chats.get(chat_id)?.queue === 'queued')) void this.refreshChats();
    });
    client.on('chat_transferred', () => void this.refreshChats());
    client.on('chat_deactivated', ({ chat_id, reason }) => {
      const entry = this.chats.get(chat_id);
      if (entry) entry.ended = reason;
      this.typing.delete(chat_id);
      this.ownTyping.chatEnded(chat_id);
      this.renderList();
      if (chat_id === this.selected) this.renderChat();
      if (this.supervisor) void this.refreshChats();
    });
    client.on('typing_indicator', ({ chat_id, by, is_typing, preview }) => {
      if (by.kind !== 'customer') return;
      if (is_typing) this.typing.set(chat_id, preview ?? '');
      else this.typing.delete(chat_id);
      if (chat_id === this.selected) this.renderTyping();
    });
    const sla = (kind: 'warning' | 'breached') => (alert: { chat_id: string; target: string; due_at: string }) => {
      const entry = this.chats.get(alert.chat_id);
      if (!entry) return;
      entry.sla = { kind, target: alert.target, due_at: alert.due_at };
      this.renderList();
      if (alert.chat_id === this.selected) this.renderChat();
    };
    client.on('sla_warning', sla('warning'));
    client.on('sla_breached', sla('breached'));
    client.on('visitor_updated', (visitor) => {
      this.siteVisitors.pushed(visitor);
      this.renderVisitors();
    });

    this.showConnection('online');
    this.renderList();
    this.refreshAll();
    setInterval(() => {
      if (!client.connected) return;
      // Pushes bring what comes to this agent and what enters and leaves the queues (a push
      // missed while a socket was replaced is read here), and a supervisor's Active list has
      // no pushes at all.
      void this.refreshChats();
      void this.refreshVisitors();
    }, REFRESH_MS);
  }

  private layout(): void {
    this.accepting.addEventListener('change', () => {
      const status = this.accepting.checked ? 'accepting' : 'not_accepting';
      this.client.request('set_routing_status', { status }).then(
        (answer) => (this.accepting.checked = answer.status === 'accepting'),
        (failure: unknown) => this.fail(failure),
      );
    });
    const messageLabel = h('label', { for: 'message', text: 'Message' });
    const composer = h(
      'form',
      { id: 'composer', 'aria-label': 'Reply' },
      h(
        'fieldset',
        { 'aria-label': 'Send as' },
        h('label', { for: 'mode-reply' }, this.replyMode, ' Reply'),
        h('label', { for: 'mode-note' }, this.noteMode, ' Note (agents only)'),
      ),
      messageLabel,
      h('div', { class: 'composer-field' }, this.message, this.canned.list),
      this.sendButton,
      h('p', {
        id: 'composer-hint',
        class: 'hint',
        text: 'Enter sends, Shift+Enter adds a line, # offers the canned responses.',
      }),
    );
    this.message.setAttribute('aria-describedby', 'composer-hint');
    const modeChanged = () => {
      const note = this.noteMode.checked;
      composer.classList.toggle('note-mode', note);
      composer.setAttribute('aria-label', note ? 'Internal note' : 'Reply');
      messageLabel.textContent = note ? 'Internal note (the customer never sees it)' : 'Message';
      this.sendButton.textContent = note ? 'Add note' : 'Send';
      // Writing a note is nothing the customer should see as "agent is typing".
      if (note) this.ownTyping.stop();
      this.renderChat();
    };
    this.replyMode.addEventListener('change', modeChanged);
    this.noteMode.addEventListener('change', modeChanged);
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    this.message.addEventListener('keydown', (event) => {
      if (this.canned.handleKey(event)) return;
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        this.send();
      }
    });
    this.message.addEventListener('input', () => {
      this.canned.update();
      if (this.selected && !this.message.disabled && !this.noteMode.checked)
        this.ownTyping.input(this.selected, this.message.value.trim() !== '');
    });
    this.message.addEventListener('blur', () => this.canned.close());
    this.joinButton.addEventListener('click', () =>
      // Read the lists after a refusal too: the chat may have gone to another agent meanwhile.
      this.act(() => this.client.joinChat(this.selected!).finally(() => this.refreshChats())),
    );
    this.resolveButton.addEventListener('click', () =>
      this.act(() => this.client.request('resolve_chat', { chat_id: this.selected! })),
    );
    this.transferButton.addEventListener('click', () => {
      const [kind, id] = this.target.value.split(':');
      if (!id) return;
      const target = kind === 'agent' ? { agent_id: id } : { group_id: id };
      const chatId = this.selected!;
      this.ownTyping.stop();
      this.act(async () => {
        await this.client.request('transfer_chat', { chat_id: chatId, target });
        // No longer this agent's chat: kept in the list, read-only, until another is chosen.
        const entry = this.chats.get(chatId);
        if (entry) entry.ended = 'transferred';
        this.renderList();
        this.renderChat();
      });
    });
    this.target.addEventListener('change', () => this.showTargetAvatar());
    this.ticketButton.addEventListener('click', () => this.createTicket());
    this.chatPane.append(
      h(
        'div',
        { class: 'chat-head' },
        this.chatTitle,
        this.chatAlert,
        this.joinButton,
        this.resolveButton,
        h('label', { for: 'transfer-target', text: 'Transfer to' }),
        this.targetAvatar,
        this.target,
        this.transferButton,
      ),
      h(
        'div',
        { class: 'chat-head' },
        h('label', { for: 'ticket-subject', text: 'Ticket subject (optional)' }),
        this.ticketSubject,
        this.ticketButton,
        this.ticketLine,
      ),
      this.transcript,
      this.typingLine,
      composer,
    );
    const nav = h(
      'nav',
      { id: 'chats', 'aria-label': 'Chats' },
      h('h2', { text: 'My chats' }),
      this.mineList,
      h('h2', { text: 'Queued' }),
      this.queuedList,
    );
    // The organization's chats are for supervisors (list_chats refuses the filter to agents).
    if (this.supervisor) nav.append(h('h2', { text: 'Active' }), this.activeList);
    nav.append(this.error);
    this.root.append(
      h(
        'header',
        {},
        h('strong', { text: `${this.login.agent.name} – livedesk` }),
        h('label', { for: 'accepting' }, this.accepting, ' Accepting chats'),
        this.status,
      ),
      h(
        'main',
        {},
        nav,
        this.chatPane,
        h(
          'aside',
          { id: 'visitors', 'aria-label': 'Visitors on the site' },
          h('h2', { text: 'Visitors on the site' }),
          this.visitorList,
        ),
      ),
    );
  }

  private showConnection(state: 'online' | 'reconnecting' | 'offline' | 'closed', retryInMs?: number | null): void {
    this.status.dataset.state = state;
    this.status.textContent =
      state === 'online'
        ? 'Online'
        : state === 'offline'
          ? 'Offline: no network'
          : state === 'closed'
            ? 'Disconnected'
            : `${navigator.onLine ? '' : 'No network. '}Reconnecting${retryInMs ? ` in ${Math.ceil(retryInMs / 1000)} s` : ''}…`;
  }

  private refreshAll(): void {
    void this.refreshChats();
    void this.refreshVisitors();
    void this.loadTargets();
    void this.loadCanned();
  }

  /**
   * Reads the lists again. One read at a time: a call during a read asks for one more after it
   * (the read under way may have been answered before what the call was made for), and the
   * promise settles when the lists are read after the call.
   */
  private refreshChats(): Promise<void> {
    this.listsWanted = true;
    this.listsRead ??= this.readListsWhileWanted();
    return this.listsRead;
  }

  private async readListsWhileWanted(): Promise<void> {
    try {
      while (this.listsWanted) {
        this.listsWanted = false;
        await this.readLists();
      }
    } finally {
      this.listsRead = undefined;
    }
  }

  private async readLists(): Promise<void> {
    const asked = this.lists.asked();
    try {
      const [mine, queued, active] = await Promise.all([
        this.client.request('list_chats', { filter: 'mine', limit: 50 }),
        this.client.request('list_chats', { filter: 'queued', limit: 50 }),
        this.supervisor
          ? this.client.request('list_chats', { filter: 'active', limit: 100 })
          : Promise.resolve(undefined),
      ]);
      // Later lists win: a chat of the Active list that is mine or queued is shown as such. Chats
      // in no list leave, except ended ones (still readable until another is chosen) and the open
      // one, unless it was a queued one: another agent took it, and this agent can read it no more.
      this.lists.merge(
        asked,
        [
          ['other', active?.chats ?? []],
          ['queued', queued.chats],
          ['mine', mine.chats],
        ],
        (chatId, entry) => entry.ended !== undefined || (chatId === this.selected && entry.queue !== 'queued'),
        (summary, queue) => ({ summary, queue }),
      );
      this.activeIds = (active?.chats ?? []).map((chat) => chat.chat_id);
      this.renderList();
      if (this.selected) this.renderChat();
    } catch (failure) {
      this.readFailed(failure);
    }
  }

  private async refreshVisitors(): Promise<void> {
    try {
      const asked = this.siteVisitors.asked();
      const { visitors } = await this.client.request('list_visitors', {});
      this.siteVisitors.replace(asked, visitors);
      this.renderVisitors();
    } catch (failure) {
      this.readFailed(failure);
    }
  }

  private async loadCanned(): Promise<void> {
    try {
      const { canned_responses } = await this.client.request('list_canned_responses', {});
      this.canned.setResponses(canned_responses);
    } catch (failure) {
      this.readFailed(failure);
    }
  }

  private async loadTargets(): Promise<void> {
    try {
      const [{ agents }, { groups }] = await Promise.all([
        this.client.request('list_agents', {}),
        this.client.request('list_groups', {}),
      ]);
      const options = [h('option', { value: '', text: 'Choose…' })];
      for (const agent of agents) {
        this.colleagues.set(agent.agent_id, { name: agent.display_name, avatarUrl: agent.avatar_url });
        if (agent.agent_id === this.login.agent.agent_id) continue;
        const state = agent.routing_status ?? 'unknown';
        options.push(h('option', { value: `agent:${agent.agent_id}`, text: `${agent.display_name} (${state})` }));
      }
      for (const group of groups) {
        const accepting = group.agents_accepting === null ? '' : `, ${group.agents_accepting} accepting`;
        options.push(h('option', { value: `group:${group.group_id}`, text: `Group ${group.name}${accepting}` }));
      }
      const chosen = this.target.value;
      this.target.replaceChildren(...options);
      if (options.some((option) => option.value === chosen)) this.target.value = chosen;
      this.showTargetAvatar();
      if (this.supervisor) this.renderList();
      if (this.selected) this.renderTranscript(); // colleagues' names on their messages
    } catch (failure) {
      this.readFailed(failure);
    }
  }

  /** The chosen transfer target's picture beside the list, when the target is an agent with one. */
  private showTargetAvatar(): void {
    const [kind, id] = this.target.value.split(':');
    const url = kind === 'agent' && id ? this.colleagues.get(id)?.avatarUrl : undefined;
    if (url) this.targetAvatar.src = url;
    else this.targetAvatar.removeAttribute('src');
    this.targetAvatar.hidden = !url;
  }

  private select(chatId: string): void {
    if (chatId !== this.selected) {
      this.ownTyping.stop();
      this.message.value = '';
      this.ticketSubject.value = '';
      this.canned.close();
    }
    this.selected = chatId;
    const entry = this.chats.get(chatId);
    // A chat of mine is followed already; another is read (get_chat pages) before joining it.
    if (!this.events.has(chatId)) this.events.set(chatId, new Map());
    if (entry) void this.client.watchChat(chatId).catch((failure: unknown) => this.readFailed(failure));
    void this.loadTargets(); // routing statuses and free slots change: fresh for each chat
    this.renderList();
    this.renderChat();
    this.message.focus();
  }

  private send(): void {
    const text = this.message.value.trim();
    const chatId = this.selected;
    if (!text || !chatId) return;
    this.message.value = '';
    this.canned.close();
    this.ownTyping.stop();
    this.error.textContent = '';
    this.sendMessage(chatId, text, this.noteMode.checked).catch((failure: unknown) => {
      // Not stored: the text comes back to the box unless the agent wrote something else meanwhile.
      if (chatId === this.selected && !this.message.value) this.message.value = text;
      this.fail(failure);
    });
  }

  /**
   * One reply, stored once: the SDK answers `timeout` when it gives a silent socket up (a network
   * that holds frames) and `disconnected` when the socket drops before the answer; the same client
   * id goes again after the reconnect and the server keeps the first.
   */
  private async sendMessage(chatId: string, text: string, note: boolean): Promise<void> {
    const clientId = newClientId();
    let pending = this.sending.get(chatId);
    if (!pending) this.sending.set(chatId, (pending = new Map()));
    pending.set(clientId, { text, note });
    if (chatId === this.selected) this.renderTranscript();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          if (note) await this.client.sendNote(chatId, text, { clientId });
          else await this.client.sendMessage(chatId, text, { clientId });
          return;
        } catch (failure) {
          if (!(failure instanceof LivedeskError && failure.connectionLost) || attempt >= SEND_ATTEMPTS) throw failure;
        }
      }
    } finally {
      pending.delete(clientId);
      if (chatId === this.selected) this.renderTranscript();
    }
  }

  private createTicket(): void {
    const chatId = this.selected;
    if (!chatId) return;
    const subject = this.ticketSubject.value.trim();
    this.ticketButton.disabled = true;
    this.ticketLine.textContent = 'Creating the ticket…';
    this.error.textContent = '';
    this.client.request('create_ticket', { chat_id: chatId, ...(subject ? { subject } : {}) }).then(
      ({ ticket_id, reference }) => {
        const entry = this.chats.get(chatId);
        if (entry) entry.ticket = { ticket_id, reference };
        if (chatId === this.selected) this.renderChat();
      },
      (failure: unknown) => {
        this.fail(failure);
        if (chatId === this.selected) this.renderChat();
      },
    );
  }

  private act(action: () => Promise<unknown>): void {
    this.error.textContent = '';
    action().catch((failure: unknown) => this.fail(failure));
  }

  /**
   * A background read (lists, visitors, targets, canned responses) that failed. A lost or
   * silent connection is shown by the connection state, and the reconnect reads everything
   * again, so it leaves no error line behind, nor does a part of the server that is down for a
   * while (`unavailable`); any other failure is shown.
   */
  private readFailed(failure: unknown): void {
    if (failure instanceof LivedeskError && (failure.connectionLost || failure.code === 'unavailable')) return;
    this.fail(failure);
  }

  private fail(failure: unknown): void {
    this.error.textContent = failure instanceof Error ? failure.message : String(failure);
  }

  private label(entry: ChatEntry): string {
    const page = entry.summary.page?.title ?? entry.summary.page?.url;
    return `Chat ${entry.summary.chat_id.slice(0, 8)}${page ? ` – ${page}` : ''}`;
  }

  private renderList(): void {
    const item = (entry: ChatEntry, showAgent = false) => {
      const button = h(
        'button',
        {
          type: 'button',
          'aria-current': entry.summary.chat_id === this.selected ? 'true' : 'false',
          'data-chat-id': entry.summary.chat_id,
        },
        this.label(entry),
      );
      if (showAgent) {
        const agentId = entry.summary.assigned_agent_id;
        const who = agentId
          ? agentId === this.login.agent.agent_id
            ? 'you'
            : (this.colleagues.get(agentId)?.name ?? 'an agent')
          : 'queued';
        const picture =
          agentId && agentId !== this.login.agent.agent_id ? this.colleagues.get(agentId)?.avatarUrl : undefined;
        button.append(h('span', { class: 'who' }, ' (', ...(picture ? [avatar(picture)] : []), `${who})`));
      }
      if (entry.sla) button.append(h('span', { class: `sla ${entry.sla.kind}`, text: ` SLA ${entry.sla.kind}` }));
      if (entry.ended) button.append(h('span', { text: ` (${entry.ended.replaceAll('_', ' ')})` }));
      button.addEventListener('click', () => this.select(entry.summary.chat_id));
      return h('li', {}, button);
    };
    const entries = [...this.chats.values()].sort((a, b) => b.summary.started_at.localeCompare(a.summary.started_at));
    this.mineList.replaceChildren(...entries.filter((e) => e.queue === 'mine').map((e) => item(e)));
    this.queuedList.replaceChildren(...entries.filter((e) => e.queue === 'queued').map((e) => item(e)));
    if (this.supervisor) {
      const active = this.activeIds.flatMap((id) => {
        const entry = this.chats.get(id);
        return entry && !entry.ended ? [item(entry, true)] : [];
      });
      this.activeList.replaceChildren(...active);
    }
  }

  private renderChat(): void {
    const entry = this.selected ? this.chats.get(this.selected) : undefined;
    this.chatPane.hidden = !entry;
    if (!entry) return;
    this.chatTitle.textContent = this.label(entry);
    const sla = entry.sla;
    this.chatAlert.textContent = sla
      ? `SLA ${sla.kind}: ${sla.target} due ${new Date(sla.due_at).toLocaleTimeString()}`
      : '';
    const active = !entry.ended;
    const mine = entry.queue === 'mine';
    this.joinButton.hidden = entry.queue !== 'queued' || !active;
    this.resolveButton.disabled = !mine || !active;
    this.transferButton.disabled = !mine || !active;
    // A reply needs the chat to be mine and open; a note fits any chat this agent can read, ended ones too.
    const canWrite = this.noteMode.checked || (mine && active);
    this.message.disabled = !canWrite;
    this.sendButton.disabled = !canWrite;
    this.ticketButton.disabled = entry.ticket !== undefined;
    this.ticketLine.textContent = entry.ticket ? `Ticket ${entry.ticket.reference} created` : '';
    if (entry.ticket) this.ticketLine.dataset.ticketId = entry.ticket.ticket_id;
    else delete this.ticketLine.dataset.ticketId;
    if (this.message.disabled) this.canned.close();
    this.renderTranscript();
    this.renderTyping();
  }

  private renderTranscript(): void {
    const events = [...(this.events.get(this.selected ?? '')?.values() ?? [])].sort((a, b) => a.version - b.version);
    const items: HTMLLIElement[] = [];
    for (const event of events) {
      const line = describe(event, this.login.agent.agent_id, this.colleagues);
      if (!line) continue;
      const li = h('li', { class: line.kind, 'data-version': String(event.version) });
      if (line.kind === 'note') li.append(h('span', { class: 'badge', text: 'Note' }));
      if (line.who)
        li.append(h('span', { class: 'author' }, ...(line.avatarUrl ? [avatar(line.avatarUrl)] : []), line.who));
      li.append(h('span', { class: 'text', text: line.text }));
      for (const file of attachmentsOf(event)) {
        // The URL is signed and expires (an hour by default); a chat read again gets fresh ones.
        li.append(
          h('a', {
            class: 'attachment',
            href: this.client.fileUrl(file.url),
            download: file.name,
            rel: 'noopener',
            text: `${file.name} (${sizeLabel(file.size)})`,
          }),
        );
      }
      items.push(li);
    }
    // Replies on their way (a slow or lost connection), unless their stored event is already shown.
    const stored = new Set(events.map((event) => event.data.client_id));
    for (const [clientId, { text, note }] of this.sending.get(this.selected ?? '') ?? []) {
      if (stored.has(clientId)) continue;
      items.push(
        h(
          'li',
          { class: `${note ? 'note' : 'agent'} pending` },
          h('span', { class: 'author', text: 'Sending…' }),
          h('span', { class: 'text', text }),
        ),
      );
    }
    this.transcript.replaceChildren(...items);
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private renderTyping(): void {
    const preview = this.selected ? this.typing.get(this.selected) : undefined;
    this.typingLine.textContent =
      preview === undefined ? '' : preview ? `Customer is typing: ${preview}` : 'Customer is typing…';
  }

  private renderVisitors(): void {
    const since = Date.now() - VISITOR_WINDOW_MS;
    const shown = [...this.siteVisitors.visitors.values()]
      .filter((visitor) => Date.parse(visitor.last_seen_at) >= since)
      .sort((a, b) => b.last_seen_at.localeCompare(a.last_seen_at));
    this.visitorList.replaceChildren(
      ...shown.map((visitor) => {
        const li = h(
          'li',
          { 'data-visitor-id': visitor.visitor_id },
          h('strong', { class: 'title', text: visitor.title ?? visitor.url }),
        );
        li.append(h('span', { class: 'url', text: visitor.url }));
        if (visitor.referrer) li.append(h('span', { class: 'referrer', text: `from ${visitor.referrer}` }));
        const where = [
          visitor.location ? [visitor.location.city, visitor.location.country].filter(Boolean).join(', ') : undefined,
          visitor.local_time ? `local time ${visitor.local_time.slice(11, 16)}` : undefined,
          visitor.language ?? undefined,
        ].filter(Boolean);
        if (where.length > 0) li.append(h('span', { class: 'where', text: where.join(' · ') }));
        li.append(h('span', { class: 'seen', text: `seen ${new Date(visitor.last_seen_at).toLocaleTimeString()}` }));
        return li;
      }),
    );
    if (shown.length === 0)
      this.visitorList.replaceChildren(h('li', { class: 'empty', text: 'Nobody on the site right now' }));
  }
}
