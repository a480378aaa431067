import { h } from './dom.js';

export interface Entry {
  kind: 'customer' | 'agent' | 'system';
  name?: string;
  text: string;
}

export interface PopupActions {
  send(text: string): Promise<void>;
  draft(text: string): void;
  leaveMessage(email: string, text: string): Promise<void>;
  rate(score: number): Promise<void>;
  close(): void;
}

/**
 * The chat window, built on the first open only (the page pays for the launcher alone until
 * then). It shows what the widget tells it; every action goes back through `PopupActions`.
 */
export class Popup {
  readonly element: HTMLElement;
  private readonly title = h('h2', { id: 'ld-title' }, 'Chat with us');
  private readonly status = h('div', { class: 'status', role: 'status' });
  // role=log is a polite live region: a screen reader reads each new message once.
  private readonly log = h('ul', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  private readonly typing = h('div', { class: 'typing', 'aria-hidden': 'true' });
  private readonly input = h('textarea', { rows: '2', 'aria-label': 'Your message', placeholder: 'Write a message…', maxlength: '10000' });
  private readonly compose = h('form', { class: 'compose' }, this.input, h('button', { type: 'submit' }, 'Send'));
  private leaveForm: HTMLFormElement | undefined;
  private ratingForm: HTMLElement | undefined;

  constructor(private readonly actions: PopupActions, history: readonly Entry[]) {
    const closeButton = h('button', { type: 'button', 'aria-label': 'Close chat' }, '×');
    closeButton.addEventListener('click', () => actions.close());
    this.element = h(
      'section',
      { class: 'popup', id: 'ld-popup', role: 'dialog', 'aria-labelledby': 'ld-title' },
      h('header', {}, this.title, closeButton),
      this.status,
      this.log,
      this.typing,
      this.compose,
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') actions.close();
    });
    this.input.addEventListener('input', () => actions.draft(this.input.value));
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        this.compose.requestSubmit();
      }
    });
    this.compose.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = '';
      actions.send(text).catch((error: unknown) => {
        this.input.value = text;
        this.setStatus(`Not sent: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    for (const entry of history) this.add(entry);
  }

  focus(): void {
    this.input.focus();
  }

  add(entry: Entry): void {
    const item = h('li', { class: `msg ${entry.kind}` });
    if (entry.name) item.append(h('span', { class: 'who' }, entry.name));
    item.append(entry.text);
    this.log.append(item);
    this.scrollToEnd();
  }

  setTitle(text: string): void {
    this.title.textContent = text;
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  setTyping(text: string): void {
    this.typing.textContent = text;
  }

  /** Nobody can take the chat now: the visitor may leave an email and a message instead. */
  offerLeaveMessage(): void {
    if (this.leaveForm) return;
    const email = h('input', { type: 'email', required: '', 'aria-label': 'Your email', placeholder: 'Your email', autocomplete: 'email' });
    const text = h('textarea', { rows: '3', required: '', 'aria-label': 'Your message for us', placeholder: 'Your message' });
    const form = h('form', { class: 'stack leave', 'aria-label': 'Leave a message' }, h('p', {}, 'No one is available right now. Leave us a message and we will answer by email.'), email, text, h('button', { type: 'submit' }, 'Leave message'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.actions.leaveMessage(email.value, text.value).then(
        () => {
          form.replaceChildren(h('p', {}, 'Thank you, we will write to you.'));
        },
        (error: unknown) => this.setStatus(`Not sent: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    this.leaveForm = form;
    this.compose.before(form);
    this.scrollToEnd();
  }

  /** The chat ended: CSAT, 1 to 5. */
  askRating(): void {
    if (this.ratingForm) return;
    const stars = h('div', { class: 'stars', role: 'group', 'aria-label': 'Rate this chat from 1 to 5' });
    for (let score = 1; score <= 5; score++) {
      const button = h('button', { type: 'button', 'aria-label': `${score} of 5` }, `${score}★`);
      button.addEventListener('click', () => {
        this.actions.rate(score).then(
          () => this.ratingForm?.replaceChildren(h('p', {}, 'Thank you for your rating.')),
          (error: unknown) => this.setStatus(`Rating not sent: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
      stars.append(button);
    }
    this.ratingForm = h('div', { class: 'rating stack' }, h('p', {}, 'How was this chat?'), stars);
    this.compose.before(this.ratingForm);
    this.scrollToEnd();
  }

  /** After a form takes room below the log, its last message stays in view. */
  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  clearRating(): void {
    this.ratingForm?.remove();
    this.ratingForm = undefined;
  }
}
