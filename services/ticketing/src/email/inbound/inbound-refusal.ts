/**
 * An email refused over SMTP with a permanent error (5xx): the sending server returns it to
 * its sender with this text, so nothing is lost silently, and nothing of it is stored here.
 */
export class InboundRefusal extends Error {
  constructor(
    readonly responseCode: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'InboundRefusal';
  }
}
