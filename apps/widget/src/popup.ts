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
  answerNps(score: number): Promise<void>;
  answerCes(score: number): Promise<void>;
  close(): void;
}

/**
 * The chat window, built on the first open only (the page pays for the launcher alone until
 * then). It shows what the widget tells it; every action goes back through `PopupActions`.
 */
export class Popup {
  readonly element: HTMLElement;
  private readonly title = h('h2', { id: 'ld-title' }, 'Chat with us');
  // The agent's picture: empty alt, the title beside it names the agent.
  private readonly avatar = h('img', { class: 'avatar', alt: '', hidden: '', referrerpolicy: 'no-referrer' });
  private readonly welcome = h('p', { class: 'welcome', hidden: '' });
  private readonly status = h('div', { class: 'status', role: 'status' });
  // role=log is a polite live region: a screen reader reads each new message once.
  private readonly log = h('ul', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Messages' });
  private readonly typing = h('div', { class: 'typing', 'aria-hidden': 'true' });
  private readonly input = h('textarea', {
    rows: '2',
    'aria-label': 'Your message',
    placeholder: 'Write a message…',
    maxlength: '10000',
  });
  private readonly compose = h('form', { class: 'compose' }, this.input, h('button', { type: 'submit' }, 'Send'));
  private leaveForm: HTMLFormElement | undefined;
  private ratingForm: HTMLElement | undefined;
  private npsForm: HTMLElement | undefined;
  private cesForm: HTMLElement | undefined;

  constructor(
    private readonly actions: PopupActions,
    history: readonly Entry[],
  ) {
    const closeButton = h('button', { type: 'button', 'aria-label': 'Close chat' }, '×');
    closeButton.addEventListener('click', () => actions.close());
    this.element = h(
      'section',
      { class: 'popup', id: 'ld-popup', role: 'dialog', 'aria-labelledby': 'ld-title' },
      h('header', {}, this.avatar, this.title, closeButton),
      this.status,
      this.welcome,
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

  /** The message box, or the first field of the form shown in its place. */
  focus(): void {
    if (this.compose.hidden) this.leaveForm?.querySelector('input')?.focus();
    else this.input.focus();
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

  /** The agent who took the chat: "Chat with <display name>" and their picture, when they have one. */
  setAgent(name: string, avatarUrl: string | undefined): void {
    this.setTitle(`Chat with ${name}`);
    if (avatarUrl) this.avatar.src = avatarUrl;
    else this.avatar.removeAttribute('src');
    this.avatar.hidden = !avatarUrl;
  }

  /** The organization's greeting, above the messages. */
  setWelcome(text: string | null): void {
    this.welcome.textContent = text ?? '';
    this.welcome.hidden = !text;
  }

  /**
   * Outside business hours, with no chat going on: the leave-a-message form instead of the
   * message box (a chat would only wait in a queue nobody reads).
   */
  setClosed(closed: boolean): void {
    this.compose.hidden = closed;
    if (closed) this.offerLeaveMessage('We are closed right now. Leave us a message and we will answer by email.');
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  setTyping(text: string): void {
    this.typing.textContent = text;
  }

  /** Nobody can take the chat now: the visitor may leave an email and a message instead. */
  offerLeaveMessage(
    invitation = 'No one is available right now. Leave us a message and we will answer by email.',
  ): void {
    if (this.leaveForm) return;
    const email = h('input', {
      type: 'email',
      required: '',
      'aria-label': 'Your email',
      placeholder: 'Your email',
      autocomplete: 'email',
    });
    const text = h('textarea', {
      rows: '3',
      required: '',
      'aria-label': 'Your message for us',
      placeholder: 'Your message',
    });
    const form = h(
      'form',
      { class: 'stack leave', 'aria-label': 'Leave a message' },
      h('p', {}, invitation),
      email,
      text,
      h('button', { type: 'submit' }, 'Leave message'),
    );
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
          () => {
            this.ratingForm?.replaceChildren(h('p', {}, 'Thank you for your rating.'));
            this.askNps();
          },
          (error: unknown) =>
            this.setStatus(`Rating not sent: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
      stars.append(button);
    }
    this.ratingForm = h('div', { class: 'rating stack' }, h('p', {}, 'How was this chat?'), stars);
    this.compose.before(this.ratingForm);
    this.scrollToEnd();
  }

  /** After CSAT: NPS, 0 to 10, eleven buttons reached with Tab and pressed with Enter or Space. */
  private askNps(): void {
    if (this.npsForm) return;
    const question = 'How likely are you to recommend us to a friend?';
    const scale = h('div', {
      class: 'nps',
      role: 'group',
      'aria-label': `${question} 0 (not at all) to 10 (extremely likely)`,
    });
    for (let score = 0; score <= 10; score++) {
      const button = h('button', { type: 'button', 'aria-label': `${score} of 10` }, String(score));
      button.addEventListener('click', () => {
        this.actions.answerNps(score).then(
          () => {
            this.npsForm?.replaceChildren(h('p', {}, 'Thank you for your answer.'));
            this.askCes();
          },
          (error: unknown) =>
            this.setStatus(`Answer not sent: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
      scale.append(button);
    }
    this.npsForm = h(
      'div',
      { class: 'rating stack', tabindex: '-1' },
      h('p', {}, question),
      scale,
      h('p', { class: 'scale', 'aria-hidden': 'true' }, h('span', {}, 'Not likely'), h('span', {}, 'Very likely')),
    );
    (this.ratingForm ?? this.compose).after(this.npsForm);
    scale.querySelector('button')?.focus();
    this.scrollToEnd();
  }

  /** After NPS: CES, 1 (very hard) to 7 (very easy), seven buttons reached with Tab and pressed with Enter or Space. */
  private askCes(): void {
    if (this.cesForm) return;
    const question = 'How easy was it to get your issue handled?';
    const scale = h('div', { class: 'nps', role: 'group', 'aria-label': `${question} 1 (very hard) to 7 (very easy)` });
    for (let score = 1; score <= 7; score++) {
      const button = h('button', { type: 'button', 'aria-label': `${score} of 7` }, String(score));
      button.addEventListener('click', () => {
        this.actions.answerCes(score).then(
          () => {
            this.cesForm?.replaceChildren(h('p', {}, 'Thank you for your answer.'));
            this.cesForm?.focus();
          },
          (error: unknown) =>
            this.setStatus(`Answer not sent: ${error instanceof Error ? error.message : String(error)}`),
        );
      });
      scale.append(button);
    }
    this.cesForm = h(
      'div',
      { class: 'rating stack', tabindex: '-1' },
      h('p', {}, question),
      scale,
      h('p', { class: 'scale', 'aria-hidden': 'true' }, h('span', {}, 'Very hard'), h('span', {}, 'Very easy')),
    );
    (this.npsForm ?? this.ratingForm ?? this.compose).after(this.cesForm);
    scale.querySelector('button')?.focus();
    this.scrollToEnd();
  }

  /** After a form takes room below the log, its last message stays in view. */
  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  clearRating(): void {
    this.ratingForm?.remove();
    this.ratingForm = undefined;
    this.npsForm?.remove();
    this.npsForm = undefined;
    this.cesForm?.remove();
    this.cesForm = undefined;
  }
}
