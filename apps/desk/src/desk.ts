import type { AgentClient, ChatEventView, ChatSummary } from '@livedesk/client';
import { h } from './dom.js';

type Login = Awaited<ReturnType<AgentClient['connect']>>;

/** Transfer targets: list_agents and list_groups (protocol.md, agent actions), not in the SDK's typed table. */
interface AgentRow {
  agent_id: string;
  display_name: string;
  routing_status: string | null;
  free_chat_slots: number | null;
}
interface GroupRow {
  group_id: string;
  name: string;
  agents_accepting: number | null;
}
type UntypedRequest = (action: string, payload: object) => Promise<unknown>;

interface ChatEntry {
  summary: ChatSummary;
  queue: 'mine' | 'queued';
  /** The latest SLA push for the chat, shown on its list item and header. */
  sla?: { kind: 'warning' | 'breached'; target: string; due_at: string };
  ended?: string;
}

const AUTHOR_LABELS: Record<string, string> = { customer: 'Customer', agent: 'Agent', system: 'System' };

/** Who wrote a message: "You" for this agent's own, else the author's name or kind. */
function authorOf(event: ChatEventView, me: string): { kind: string; label: string } {
  const author = event.data.author as { kind?: string; id?: string; name?: string; display_name?: string } | undefined;
  const kind = author?.kind ?? 'system';
  const label = author?.id === me ? 'You' : (author?.display_name ?? author?.name ?? AUTHOR_LABELS[kind] ?? kind);
  return { kind, label };
}

/** One line of transcript for an event, or undefined for events the desk does not show. */
function describe(event: ChatEventView, me: string): { kind: string; who?: string; text: string } | undefined {
  switch (event.type) {
    case 'MessagePosted': {
      const author = authorOf(event, me);
      return { kind: author.kind, who: author.label, text: String(event.data.text ?? '') };
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

/** The signed-in desk: routing status, the chat list, one open chat. */
export class Desk {
  private readonly chats = new Map<string, ChatEntry>();
  private readonly events = new Map<string, Map<number, ChatEventView>>();
  private selected: string | undefined;
  private readonly typing = new Map<string, string>();

  private readonly status = h('span', { class: 'status', role: 'status' });
  private readonly accepting = h('input', { id: 'accepting', type: 'checkbox' });
  private readonly mineList = h('ul', { 'aria-label': 'My chats' });
  private readonly queuedList = h('ul', { 'aria-label': 'Queued chats' });
  private readonly chatPane = h('section', { id: 'chat', 'aria-label': 'Open chat', hidden: true });
  private readonly chatTitle = h('h2', { id: 'chat-title' });
  private readonly chatAlert = h('span', { class: 'alert', role: 'alert' });
  private readonly transcript = h('ol', { id: 'transcript', 'aria-label': 'Transcript', 'aria-live': 'polite' });
  private readonly typingLine = h('p', { id: 'typing', 'aria-live': 'polite' });
  private readonly message = h('textarea', { id: 'message', rows: '2' });
  private readonly sendButton = h('button', { type: 'submit', text: 'Send' });
  private readonly joinButton = h('button', { type: 'button', text: 'Join chat' });
  private readonly resolveButton = h('button', { type: 'button', text: 'Resolve' });
  private readonly target = h('select', { id: 'transfer-target' });
  private readonly transferButton = h('button', { type: 'button', text: 'Transfer' });
  private readonly error = h('p', { class: 'error', role: 'alert' });

  constructor(
    private readonly root: HTMLElement,
    private readonly client: AgentClient,
    private readonly login: Login,
  ) {}

  start(): void {
    this.layout();
    this.accepting.checked = this.login.routing_status === 'accepting';
    for (const chat of this.login.chats) this.chats.set(chat.chat_id, { summary: chat, queue: 'mine' });

    const client = this.client;
    client.on('connected', ({ reconnected }) => {
      this.status.textContent = 'Online';
      if (reconnected) void this.refreshChats();
    });
    client.on('disconnected', ({ retry_in_ms }) => (this.status.textContent = retry_in_ms === null ? "Disconnected" : `Reconnecting in ${Math.ceil(retry_in_ms / 1000)} s…`));
    client.on('chat_event', ({ chat_id, event }) => {
      let events = this.events.get(chat_id);
      if (!events) this.events.set(chat_id, (events = new Map()));
      events.set(event.version, event);
      // The customer's message replaces their draft preview.
      if (event.type === 'MessagePosted' && (event.data.author as { kind?: string } | undefined)?.kind === 'customer') this.typing.delete(chat_id);
      if (chat_id === this.selected) {
        this.renderTranscript();
        this.renderTyping();
      }
    });
    client.on('incoming_chat', ({ chat }) => {
      this.chats.set(chat.chat_id, { summary: chat, queue: 'mine' });
      this.renderList();
    });
    client.on('chat_queued', () => void this.refreshChats());
    client.on('chat_transferred', () => void this.refreshChats());
    client.on('chat_deactivated', ({ chat_id, reason }) => {
      const entry = this.chats.get(chat_id);
      if (entry) entry.ended = reason;
      this.typing.delete(chat_id);
      this.renderList();
      if (chat_id === this.selected) this.renderChat();
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

    this.status.textContent = 'Online';
    this.renderList();
    void this.refreshChats();
    void this.loadTargets();
  }

  private layout(): void {
    this.accepting.addEventListener('change', () => {
      const status = this.accepting.checked ? 'accepting' : 'not_accepting';
      this.client.request('set_routing_status', { status }).then(
        (answer) => (this.accepting.checked = answer.status === 'accepting'),
        (failure: unknown) => this.fail(failure),
      );
    });
    const composer = h('form', { id: 'composer', 'aria-label': 'Reply' }, h('label', { for: 'message', text: 'Message' }), this.message, this.sendButton);
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.send();
    });
    this.message.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        this.send();
      }
    });
    this.joinButton.addEventListener('click', () => this.act(() => this.client.joinChat(this.selected!).then(() => this.refreshChats())));
    this.resolveButton.addEventListener('click', () => this.act(() => this.client.request('resolve_chat', { chat_id: this.selected! })));
    this.transferButton.addEventListener('click', () => {
      const [kind, id] = this.target.value.split(':');
      if (!id) return;
      const target = kind === 'agent' ? { agent_id: id } : { group_id: id };
      const chatId = this.selected!;
      this.act(async () => {
        await this.client.request('transfer_chat', { chat_id: chatId, target });
        // No longer this agent's chat: kept in the list, read-only, until another is chosen.
        const entry = this.chats.get(chatId);
        if (entry) entry.ended = 'transferred';
        this.renderList();
        this.renderChat();
      });
    });
    this.chatPane.append(
      h(
        'div',
        { class: 'chat-head' },
        this.chatTitle,
        this.chatAlert,
        this.joinButton,
        this.resolveButton,
        h('label', { for: 'transfer-target', text: 'Transfer to' }),
        this.target,
        this.transferButton,
      ),
      this.transcript,
      this.typingLine,
      composer,
    );
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
        h('nav', { id: 'chats', 'aria-label': 'Chats' }, h('h2', { text: 'My chats' }), this.mineList, h('h2', { text: 'Queued' }), this.queuedList, this.error),
        this.chatPane,
      ),
    );
  }

  private async refreshChats(): Promise<void> {
    try {
      const [mine, queued] = await Promise.all([
        this.client.request('list_chats', { filter: 'mine', limit: 50 }),
        this.client.request('list_chats', { filter: 'queued', limit: 50 }),
      ]);
      const seen = new Set<string>();
      for (const [queue, list] of [['mine', mine.chats], ['queued', queued.chats]] as const) {
        for (const summary of list) {
          seen.add(summary.chat_id);
          const entry = this.chats.get(summary.chat_id);
          if (entry) Object.assign(entry, { summary, queue });
          else this.chats.set(summary.chat_id, { summary, queue });
        }
      }
      // Chats no longer mine or queued leave the list, except ended ones (still readable until another is chosen).
      for (const [chatId, entry] of this.chats) if (!seen.has(chatId) && !entry.ended && chatId !== this.selected) this.chats.delete(chatId);
      this.renderList();
      if (this.selected) this.renderChat();
    } catch (failure) {
      this.fail(failure);
    }
  }

  private async loadTargets(): Promise<void> {
    const request = this.client.request.bind(this.client) as unknown as UntypedRequest;
    try {
      const [{ agents }, { groups }] = (await Promise.all([request('list_agents', {}), request('list_groups', {})])) as [
        { agents: AgentRow[] },
        { groups: GroupRow[] },
      ];
      const options = [h('option', { value: '', text: 'Choose…' })];
      for (const agent of agents) {
        if (agent.agent_id === this.login.agent.agent_id) continue;
        const state = agent.routing_status ?? 'unknown';
        options.push(h('option', { value: `agent:${agent.agent_id}`, text: `${agent.display_name} (${state})` }));
      }
      for (const group of groups) {
        const accepting = group.agents_accepting === null ? '' : `, ${group.agents_accepting} accepting`;
        options.push(h('option', { value: `group:${group.group_id}`, text: `Group ${group.name}${accepting}` }));
      }
      this.target.replaceChildren(...options);
    } catch (failure) {
      this.fail(failure);
    }
  }

  private select(chatId: string): void {
    this.selected = chatId;
    const entry = this.chats.get(chatId);
    // A chat of mine is followed already; a queued one is read (get_chat pages) before joining it.
    if (!this.events.has(chatId)) this.events.set(chatId, new Map());
    if (entry) void this.client.watchChat(chatId).catch((failure: unknown) => this.fail(failure));
    void this.loadTargets(); // routing statuses and free slots change: fresh for each chat
    this.renderList();
    this.renderChat();
    this.message.focus();
  }

  private send(): void {
    const text = this.message.value.trim();
    if (!text || !this.selected) return;
    this.message.value = '';
    this.act(() => this.client.sendMessage(this.selected!, text));
  }

  private act(action: () => Promise<unknown>): void {
    this.error.textContent = '';
    action().catch((failure: unknown) => this.fail(failure));
  }

  private fail(failure: unknown): void {
    this.error.textContent = failure instanceof Error ? failure.message : String(failure);
  }

  private label(entry: ChatEntry): string {
    const page = entry.summary.page?.title ?? entry.summary.page?.url;
    return `Chat ${entry.summary.chat_id.slice(0, 8)}${page ? ` – ${page}` : ''}`;
  }

  private renderList(): void {
    const item = (entry: ChatEntry) => {
      const button = h(
        'button',
        { type: 'button', 'aria-current': entry.summary.chat_id === this.selected ? 'true' : 'false', 'data-chat-id': entry.summary.chat_id },
        this.label(entry),
      );
      if (entry.sla) button.append(h('span', { class: `sla ${entry.sla.kind}`, text: ` SLA ${entry.sla.kind}` }));
      if (entry.ended) button.append(h('span', { text: ` (${entry.ended.replaceAll('_', ' ')})` }));
      button.addEventListener('click', () => this.select(entry.summary.chat_id));
      return h('li', {}, button);
    };
    const entries = [...this.chats.values()].sort((a, b) => b.summary.started_at.localeCompare(a.summary.started_at));
    this.mineList.replaceChildren(...entries.filter((e) => e.queue === 'mine').map(item));
    this.queuedList.replaceChildren(...entries.filter((e) => e.queue === 'queued').map(item));
  }

  private renderChat(): void {
    const entry = this.selected ? this.chats.get(this.selected) : undefined;
    this.chatPane.hidden = !entry;
    if (!entry) return;
    this.chatTitle.textContent = this.label(entry);
    const sla = entry.sla;
    this.chatAlert.textContent = sla ? `SLA ${sla.kind}: ${sla.target} due ${new Date(sla.due_at).toLocaleTimeString()}` : '';
    const active = !entry.ended;
    const mine = entry.queue === 'mine';
    this.joinButton.hidden = mine || !active;
    this.resolveButton.disabled = !mine || !active;
    this.transferButton.disabled = !mine || !active;
    this.message.disabled = !mine || !active;
    this.sendButton.disabled = !mine || !active;
    this.renderTranscript();
    this.renderTyping();
  }

  private renderTranscript(): void {
    const events = [...(this.events.get(this.selected ?? '')?.values() ?? [])].sort((a, b) => a.version - b.version);
    const items: HTMLLIElement[] = [];
    for (const event of events) {
      const line = describe(event, this.login.agent.agent_id);
      if (!line) continue;
      const li = h('li', { class: line.kind, 'data-version': String(event.version) });
      if (line.who) li.append(h('span', { class: 'author', text: line.who }));
      li.append(h('span', { class: 'text', text: line.text }));
      items.push(li);
    }
    this.transcript.replaceChildren(...items);
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private renderTyping(): void {
    const preview = this.selected ? this.typing.get(this.selected) : undefined;
    this.typingLine.textContent = preview === undefined ? '' : preview ? `Customer is typing: ${preview}` : 'Customer is typing…';
  }
}
