import type { EventStore, RecordedEvent } from '@livedesk/event-store';
import { MicroBatcher } from '@livedesk/service-kit';

/** One stream's events after a version. */
export interface StreamRead {
  streamId: string;
  afterVersion: number;
}

/**
 * Reads of streams that arrive together answered by one statement (`readStreams`): the
 * catch-ups of a reconnect storm's `get_chat`s, the commands of a burst that missed the cache.
 * Each read gets only the events after its own version.
 */
export function batchedStreamReads(store: Pick<EventStore, 'readStreams'>): MicroBatcher<StreamRead, RecordedEvent[]> {
  return new MicroBatcher(async (reads: readonly StreamRead[]) => {
    const streams = await store.readStreams(reads);
    return reads.map(({ streamId, afterVersion }) =>
      streams.get(streamId)!.filter((event) => event.streamVersion > afterVersion),
    );
  });
}
