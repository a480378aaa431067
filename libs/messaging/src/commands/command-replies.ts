import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { CommandTimeoutError, NoRespondersError } from './command-errors.js';

interface Waiting {
  subject: string;
  resolve: (reply: Msg) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const repliesOf = new WeakMap<NatsConnection, CommandReplies>();

/**
 * The replies to a connection's commands, all on one subscription (`<inbox>.*`): a command is
 * published with the reply subject `<inbox>.<n>`, and its reply is matched by `n`.
 *
 * nats.js's own `request` does the same, but it also builds an `Error` (a stack trace) for every
 * request it completes, reply or not (`RequestOne.cancel`, nats-core 3.4): 3.7 % of the gateway's
 * CPU while 5,000 customers logged in and resumed. This keeps a map and a timer per command.
 * The NATS server answers a command nobody listens to with an empty message of status 503 (the
 * client announces `no_responders`), which fails the command with `NoRespondersError` at once.
 */
export class CommandReplies {
  private readonly prefix = `${createInbox()}.`;
  private readonly waiting = new Map<string, Waiting>();
  private last = 0;

  /** The one instance of a connection (its subscription is made on first use). */
  static of(connection: NatsConnection): CommandReplies {
    let replies = repliesOf.get(connection);
    if (!replies) {
      replies = new CommandReplies(connection);
      repliesOf.set(connection, replies);
    }
    return replies;
  }

  private constructor(private readonly connection: NatsConnection) {
    connection.subscribe(`${this.prefix}*`, { callback: (error, msg) => this.receive(error, msg) });
  }

  /** Publishes `data` to `subject` and answers its first reply; fails after `timeoutMs` with `CommandTimeoutError`. */
  request(subject: string, data: string, headers: MsgHdrs | undefined, timeoutMs: number): Promise<Msg> {
    this.last += 1;
    const token = String(this.last);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(token);
        reject(new CommandTimeoutError(subject, timeoutMs));
      }, timeoutMs);
      this.waiting.set(token, { subject, resolve, reject, timer });
      try {
        this.connection.publish(
          subject,
          data,
          headers ? { reply: this.prefix + token, headers } : { reply: this.prefix + token },
        );
      } catch (error) {
        this.settle(token);
        reject(error as Error);
      }
    });
  }

  /** How many commands wait for their replies (for tests). */
  get pending(): number {
    return this.waiting.size;
  }

  private receive(error: Error | null, msg: Msg): void {
    if (error) {
      // The subscription itself failed (the connection closed): nothing else will come.
      for (const token of [...this.waiting.keys()]) this.settle(token)?.reject(error);
      return;
    }
    const waiting = this.settle(msg.subject.slice(this.prefix.length));
    if (!waiting) return; // a reply after its timeout, or a second one
    if (isNoRespondersStatus(msg)) waiting.reject(new NoRespondersError(waiting.subject));
    else waiting.resolve(msg);
  }

  private settle(token: string): Waiting | undefined {
    const waiting = this.waiting.get(token);
    if (!waiting) return undefined;
    this.waiting.delete(token);
    clearTimeout(waiting.timer);
    return waiting;
  }
}

/** The NATS server's "no responders" status: an empty message with header code 503, sent to the reply subject when nobody subscribes. */
function isNoRespondersStatus(msg: Msg): boolean {
  return msg.data.length === 0 && msg.headers?.code === 503;
}
