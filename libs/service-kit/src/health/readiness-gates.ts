import { Injectable } from '@nestjs/common';

/** A service's own condition for readiness: `ready: false` makes `/health/ready` answer 503. */
export type ReadinessGate = () => { ready: boolean; detail?: Record<string, unknown> };

/**
 * Conditions beyond Postgres, NATS and Redis answering that a service adds to its readiness
 * (routing: not while it rebuilds a lost state). Each shows under its name in the answer.
 */
@Injectable()
export class ReadinessGates {
  private readonly gates = new Map<string, ReadinessGate>();

  add(name: string, gate: ReadinessGate): void {
    if (this.gates.has(name)) throw new Error(`readiness gate ${name} added twice`);
    this.gates.set(name, gate);
  }

  entries(): [string, ReadinessGate][] {
    return [...this.gates];
  }
}
