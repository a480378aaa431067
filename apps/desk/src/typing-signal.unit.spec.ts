import { describe, expect, it } from '@jest/globals';
import { TYPING_IDLE_MS, TYPING_REPEAT_MS, TypingSignal } from './typing-signal.js';

/** A clock the test moves by hand, running due timers. */
class ManualClock {
  time = 0;
  private timers: { at: number; run: () => void }[] = [];
  now = () => this.time;
  setTimeout = (run: () => void, ms: number) => {
    const timer = { at: this.time + ms, run };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer !== handle);
  };
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((timer) => timer.at <= this.time);
    this.timers = this.timers.filter((timer) => timer.at > this.time);
    for (const timer of due) timer.run();
  }
}

function setup() {
  const clock = new ManualClock();
  const said: string[] = [];
  const signal = new TypingSignal((chatId, isTyping) => said.push(`${chatId}:${isTyping}`), clock);
  return { clock, said, signal };
}

describe('TypingSignal', () => {
  it('says typing once for a burst of keys, again only after the repeat interval, and stopped after an idle pause', () => {
    const { clock, said, signal } = setup();
    signal.input('c1', true);
    clock.advance(500);
    signal.input('c1', true);
    clock.advance(500);
    signal.input('c1', true);
    expect(said).toEqual(['c1:true']);
    for (let t = 0; t < TYPING_REPEAT_MS; t += 1_000) {
      clock.advance(1_000);
      signal.input('c1', true);
    }
    expect(said).toEqual(['c1:true', 'c1:true']);
    clock.advance(TYPING_IDLE_MS);
    expect(said).toEqual(['c1:true', 'c1:true', 'c1:false']);
    clock.advance(60_000);
    expect(said).toHaveLength(3);
  });

  it('says stopped once when the box is emptied or the message sent, and nothing when it was not typing', () => {
    const { clock, said, signal } = setup();
    signal.stop();
    signal.input('c1', false);
    expect(said).toEqual([]);
    signal.input('c1', true);
    signal.input('c1', false);
    signal.stop();
    clock.advance(TYPING_IDLE_MS);
    expect(said).toEqual(['c1:true', 'c1:false']);
  });

  it('stops in the old chat before typing in another; an ended chat is not told anything', () => {
    const { clock, said, signal } = setup();
    signal.input('c1', true);
    signal.input('c2', true);
    expect(said).toEqual(['c1:true', 'c1:false', 'c2:true']);
    signal.chatEnded('c2');
    clock.advance(TYPING_IDLE_MS);
    signal.stop();
    expect(said).toEqual(['c1:true', 'c1:false', 'c2:true']);
  });
});
