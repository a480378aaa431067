import type { CannedResponse } from '@livedesk/client';
import { cannedToken, insertCanned, matchCanned, type CannedToken } from './canned-match.js';
import { h } from './dom.js';

/**
 * The canned responses offered under the reply box while the agent types `#word`: a listbox
 * the textarea controls (arrows move, Enter or Tab inserts, Escape dismisses), clickable too.
 */
export class CannedPicker {
  readonly list = h('ul', { id: 'canned', role: 'listbox', 'aria-label': 'Canned responses', hidden: true });
  private responses: readonly CannedResponse[] = [];
  private offered: CannedResponse[] = [];
  private highlighted = 0;
  private token: CannedToken | undefined;
  /** The `#` position Escape dismissed: not offered again until another token is typed. */
  private dismissedAt: number | undefined;

  constructor(private readonly input: HTMLTextAreaElement) {
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', 'canned');
    input.setAttribute('aria-expanded', 'false');
  }

  setResponses(responses: readonly CannedResponse[]): void {
    this.responses = responses;
    if (this.token) this.update();
  }

  get open(): boolean {
    return !this.list.hidden;
  }

  /** Looks at the text before the caret and offers what matches (after each input). */
  update(): void {
    const token = cannedToken(this.input.value, this.input.selectionStart ?? this.input.value.length);
    if (!token || token.start === this.dismissedAt) {
      if (!token) this.dismissedAt = undefined;
      return this.close();
    }
    this.token = token;
    this.offered = matchCanned(this.responses, token.query);
    this.highlighted = 0;
    this.render();
  }

  /** Handles a key of the textarea; true when the picker used it. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.open) return false;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.highlighted = (this.highlighted + step + this.offered.length) % this.offered.length;
        this.render();
        break;
      }
      case 'Enter':
      case 'Tab':
        if (event.shiftKey) return false;
        this.choose(this.highlighted);
        break;
      case 'Escape':
        this.dismissedAt = this.token?.start;
        this.close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    return true;
  }

  close(): void {
    this.token = undefined;
    this.offered = [];
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private choose(index: number): void {
    const response = this.offered[index];
    const token = this.token;
    if (!response || !token) return;
    const caret = this.input.selectionStart ?? this.input.value.length;
    const next = insertCanned(this.input.value, token, caret, response.text);
    this.input.value = next.text;
    this.input.setSelectionRange(next.caret, next.caret);
    this.close();
    // The composer reacts to the change as to typing (the agent's typing indicator).
    this.input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  private render(): void {
    if (this.offered.length === 0) {
      this.list.replaceChildren(
        h('li', { class: 'empty', role: 'option', 'aria-disabled': 'true', text: 'No canned response matches' }),
      );
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    this.list.replaceChildren(
      ...this.offered.map((response, index) => {
        const option = h(
          'li',
          {
            id: `canned-${index}`,
            role: 'option',
            'aria-selected': index === this.highlighted ? 'true' : 'false',
            'data-shortcut': response.shortcut,
          },
          h('strong', { text: response.shortcut }),
          ` ${response.text}`,
        );
        // mousedown, not click: the textarea keeps its focus and caret.
        option.addEventListener('mousedown', (event) => {
          event.preventDefault();
          this.choose(index);
        });
        return option;
      }),
    );
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', `canned-${this.highlighted}`);
  }
}
