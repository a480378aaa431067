/** The stream's version is not what the caller expected (optimistic concurrency). */
export class StreamVersionConflictError extends Error {
  readonly code = 'conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersionLabel,
    readonly actual: number | undefined,
  ) {
    super(`stream ${streamId} is at version ${actual ?? 'unknown'}, expected ${String(expected)}`);
    this.name = 'StreamVersionConflictError';
  }
}

/** The stream exists and belongs to another organization. */
export class StreamOwnershipError extends Error {
  readonly code = 'authorization';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} belongs to another organization`);
    this.name = 'StreamOwnershipError';
  }
}

/** Some, not all, of the event ids of an append are already stored (or stored in another stream). */
export class EventIdReuseError extends Error {
  readonly code = 'conflict';
  constructor(readonly streamId: string) {
    super(`an append to ${streamId} reuses event ids of other events`);
    this.name = 'EventIdReuseError';
  }
}

type ExpectedVersionLabel = number | 'no_stream' | 'any';
