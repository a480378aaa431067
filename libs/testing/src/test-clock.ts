import type { NatsConnection } from '@nats-io/transport-node';

/**
 * Sets the test clock (service-kit's `NatsTestClock`) of the services on `subjectPrefix` and
 * waits until `processes` of them have answered, so that the next frame a test sends is
 * stamped with the new time by whichever process handles it.
 */
export async function setTestClock(
  nats: NatsConnection,
  subjectPrefix: string,
  at: Date | number,
  processes: number,
): Promise<void> {
  const now = typeof at === 'number' ? at : at.getTime();
  const replies = await nats.requestMany(`${subjectPrefix}.test.clock`, JSON.stringify({ now }), {
    strategy: 'count',
    maxMessages: processes,
    maxWait: 5000,
  });
  let answered = 0;
  for await (const reply of replies) {
    if (reply.data.length > 0) answered++;
  }
  if (answered < processes) throw new Error(`the test clock: ${answered} of ${processes} services answered`);
}
