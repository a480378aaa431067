import { describe, expect, it, jest } from '@jest/globals';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AllowedOrigins } from '@livedesk/auth';
import type { ServiceConfig } from '@livedesk/service-kit';
import { DirectorySignals, SIGNAL_FLUSH_TIMEOUT_MS } from './directory-signals.js';

/** A NATS connection that records publishes and whose PINGs (`flush`) the test answers. */
function connection() {
  const published: string[] = [];
  const pings: Array<() => void> = [];
  const nats = {
    isClosed: () => false,
    isDraining: () => false,
    publish: (subject: string) => published.push(subject),
    flush: () => new Promise<void>((resolve) => pings.push(resolve)),
  };
  return { nats: nats as unknown as NatsConnection, published, pings };
}

const config = { LIVEDESK_SUBJECT_PREFIX: 'test' } as ServiceConfig;
const allowedOrigins = { forget: () => undefined } as unknown as AllowedOrigins;
const settled = (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  return () => done;
};

describe('the directory signals', () => {
  it('resolve once the NATS server has confirmed the signal, so the answer after them cannot overtake it', async () => {
    const { nats, published, pings } = connection();
    const signals = new DirectorySignals(nats, config, allowedOrigins);
    const sent = signals.agentChanged({ organization_id: 'org-1', agent_id: 'ada', disabled: false, role: 'agent' });
    const isDone = settled(sent);
    expect(published).toEqual(['test.signal.agent_changed.org-1']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(isDone()).toBe(false);
    pings.shift()!();
    await sent;
    expect(isDone()).toBe(true);
  });

  it('resolve after a bounded wait, with a warning, when the server does not confirm', async () => {
    jest.useFakeTimers();
    try {
      const { nats } = connection();
      const signals = new DirectorySignals(nats, config, allowedOrigins);
      const warn = jest
        .spyOn((signals as unknown as { logger: { warn: () => void } }).logger, 'warn')
        .mockReturnValue();
      const sent = signals.customerBanned({ organization_id: 'org-1', customer_id: 'c-1' });
      const isDone = settled(sent);
      await jest.advanceTimersByTimeAsync(SIGNAL_FLUSH_TIMEOUT_MS - 1);
      expect(isDone()).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await sent;
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
