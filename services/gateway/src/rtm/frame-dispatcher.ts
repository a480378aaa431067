import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RawData } from 'ws';
import {
  agentActions as agentActionContracts,
  customerActions as customerActionContracts,
  errorFrame,
  RequestFrame,
  successFrame,
  type ActionContract,
  type ProtocolError,
  type RequestId,
} from '@livedesk/contracts';
import { InvalidTokenError, OriginChecks, TokenService } from '@livedesk/auth';
import { ApiError } from '@livedesk/service-kit';
import { runRequest } from '@livedesk/messaging';
import { SpanKind } from '@opentelemetry/api';
import type { ActionContext } from './action-context.js';
import { AgentActions } from './agent-actions.js';
import { bindActions, type BoundAction } from './bound-actions.js';
import { ConnectionRegistry } from './connection-registry.js';
import { CustomerActions } from './customer-actions.js';
import { OverloadGuard } from './overload/overload-guard.js';
import type { RtmConnection, RtmEndpoint } from './rtm-connection.js';
import { RtmMetrics } from './rtm-metrics.js';
import { describeZodError, RtmError, toProtocolError } from './to-protocol-error.js';

/**
 * Turns one text frame into exactly one response (docs/protocol.md, "Frames"): charge the rate
 * limit, parse the JSON and the request envelope, check that the connection has logged in, parse the
 * payload with the action's contract, run the action. Every failure is an error response; the
 * socket stays open.
 */
@Injectable()
export class FrameDispatcher {
  private readonly logger = new Logger(FrameDispatcher.name);
  // Maps, not objects: an action is a client's string, and `constructor` or `__proto__` must
  // find nothing rather than Object.prototype's members (they answered `internal`).
  private readonly contracts: Record<RtmEndpoint, ReadonlyMap<string, ActionContract>> = {
    customer: new Map(Object.entries(customerActionContracts)),
    agent: new Map(Object.entries(agentActionContracts)),
  };
  private readonly actions: Record<RtmEndpoint, ReadonlyMap<string, BoundAction>>;

  constructor(
    private readonly tokens: TokenService,
    private readonly registry: ConnectionRegistry,
    private readonly customerActions: CustomerActions,
    private readonly agentActions: AgentActions,
    private readonly metrics: RtmMetrics,
    private readonly overload: OverloadGuard,
    @Inject(OriginChecks) private readonly origins: OriginChecks,
  ) {
    this.actions = {
      customer: bindActions(customerActionContracts, customerActions.handlers()),
      agent: bindActions(agentActionContracts, agentActions.handlers()),
    };
  }

  /**
   * Called for every frame, in arrival order; the work is queued on the connection. The rate
   * limit is charged first, before the frame is decoded, so that frames that are not even
   * JSON cost the client as much as valid ones.
   */
  receive(connection: RtmConnection, data: RawData, isBinary: boolean): void {
    if (connection.closing) return;
    const admission = connection.rateLimit.admit();
    if (admission.kind === 'close') {
      this.metrics.closedForFlooding.inc({ endpoint: connection.endpoint });
      connection.close(POLICY_VIOLATION, 'too many frames');
      return;
    }
    const refusal = admission.kind === 'refuse' ? rateLimited(admission.retryAfterMs) : undefined;
    if (isBinary) {
      connection.respond(
        errorFrame(null, null, refusal ?? { code: 'validation', message: 'frames must be JSON text, not binary' }),
      );
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(rawToString(data));
    } catch {
      connection.respond(
        errorFrame(null, null, refusal ?? { code: 'validation', message: 'the frame is not valid JSON' }),
      );
      return;
    }
    const requestId = requestIdOf(json);
    const action = actionOf(json);
    if (refusal) {
      // Decoded only to give the refusal its request id, so that the client can retry it.
      connection.respond(errorFrame(requestId, action, refusal));
      return;
    }
    const frame = RequestFrame.safeParse(json);
    if (!frame.success) {
      connection.respond(
        errorFrame(requestId, action, { code: 'validation', message: describeZodError(frame.error, 'frame') }),
      );
      return;
    }
    connection.enqueue(() => this.run(connection, frame.data));
  }

  /**
   * One frame's work runs as a request of its own (`runRequest`): a new request id, which its
   * log lines carry and the commands it sends pass on (`x-request-id`), and, with OpenTelemetry
   * on, the root span of its trace (`rtm <action>`).
   */
  private run(connection: RtmConnection, frame: RequestFrame): Promise<void> {
    const label = this.contracts[connection.endpoint].has(frame.action) ? frame.action : 'other';
    return runRequest(
      {
        spanName: `rtm ${label}`,
        spanKind: SpanKind.SERVER,
        attributes: { 'livedesk.endpoint': connection.endpoint, 'livedesk.action': label },
      },
      () => this.answer(connection, frame, label),
    );
  }

  private async answer(connection: RtmConnection, frame: RequestFrame, label: string): Promise<void> {
    const { request_id: requestId, action } = frame;
    const started = performance.now();
    try {
      const payload = await this.execute(connection, frame);
      connection.respond(successFrame(requestId, action, payload));
      if (action === 'login') connection.releasePushes();
      this.metrics.answered(connection.endpoint, label, 'ok', (performance.now() - started) / 1000);
    } catch (error) {
      const protocolError = toProtocolError(error);
      if (protocolError.code === 'internal') this.logger.error({ err: error, action }, 'request failed');
      connection.respond(errorFrame(requestId, action, protocolError));
      if (error instanceof RtmError && error.closeWith) connection.close(error.closeWith.code, error.closeWith.reason);
      this.metrics.answered(connection.endpoint, label, protocolError.code, (performance.now() - started) / 1000);
    }
  }

  private async execute(connection: RtmConnection, frame: RequestFrame): Promise<unknown> {
    const endpoint = connection.endpoint;
    if (frame.action === 'login') {
      const parsed = (endpoint === 'customer' ? customerActionContracts : agentActionContracts).login.request.safeParse(
        frame.payload,
      );
      if (!parsed.success)
        throw new RtmError('validation', describeZodError(parsed.error, 'payload'), 'invalid_payload');
      return this.login(connection, parsed.data);
    }
    const action = this.actions[endpoint].get(frame.action);
    if (!action) throw new RtmError('validation', `unknown action ${frame.action}`, 'unknown_action');
    if (!connection.principal)
      throw new RtmError('authentication', 'log in first: the first request must be login', 'login_required');
    // New work is refused while the pipeline is past its bounds (docs/limits.md, "Overload").
    const overloaded = this.overload.refusal(endpoint, frame.action);
    if (overloaded) throw overloaded;
    return action(contextOf(connection), frame.payload);
  }

  /** A browser page's socket (it sent `Origin`) must come from one of the organization's `allowed_origins`. */
  private async requireCustomerOrigin(connection: RtmConnection, organizationId: string): Promise<void> {
    try {
      await this.origins.requireCustomerOrigin(organizationId, connection.origin);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      throw new RtmError(error.code, error.message, error.reason, undefined, {
        code: ORIGIN_NOT_ALLOWED_CLOSE_CODE,
        reason: 'origin not allowed',
      });
    }
  }

  private async login(connection: RtmConnection, payload: { token: string }): Promise<unknown> {
    if (connection.principal)
      throw new RtmError('conflict', 'this connection is logged in already', 'already_logged_in');
    const principal = await this.tokens.verify(payload.token).catch((error: unknown) => {
      if (error instanceof InvalidTokenError) throw new RtmError('authentication', error.message, error.reason);
      throw error;
    });
    if (principal.kind !== connection.endpoint) {
      throw new RtmError(
        'authentication',
        `this is a ${principal.kind} token; use /v1/${principal.kind}/rtm`,
        'wrong_endpoint',
      );
    }
    if (principal.kind === 'customer') await this.requireCustomerOrigin(connection, principal.organizationId);
    // An agent's role is the directory's, which the answer reads (a token may be older than a
    // change of role): until then the socket hears only what every agent hears.
    connection.principal = principal.kind === 'agent' ? { ...principal, role: 'agent' } : principal;
    // Registered for pushes before the answer reads the chats: an event stored after that read is
    // pushed, one stored before is in the answer (each chat's `version` is its stream's at the
    // read), so a client holding every event up to that version needs no `get_chat`. The pushes
    // wait until the answer is sent (`answer` releases them), and a refused login never hears them.
    connection.holdPushes();
    this.registry.loggedIn(connection);
    try {
      const context = contextOf(connection);
      return principal.kind === 'customer'
        ? await this.customerActions.loginReply(context)
        : await this.agentActions.loginReply(context);
    } catch (error) {
      this.registry.loggedOut(connection);
      connection.dropHeldPushes();
      connection.principal = undefined;
      throw error;
    }
  }
}

/**
 * Close code of a customer socket whose page's origin the organization does not allow (the
 * application range 4000–4999; 4403 echoes HTTP 403). The organization is known only from the
 * token, so the check runs at `login`, which answers `authorization` / `origin_not_allowed` first.
 */
export const ORIGIN_NOT_ALLOWED_CLOSE_CODE = 4403;

/** Close code of a socket that kept flooding (1008, policy violation). */
const POLICY_VIOLATION = 1008;

function rateLimited(retryAfterMs: number): ProtocolError {
  return { code: 'rate_limited', message: 'too many frames, slow down', retry_after_ms: retryAfterMs };
}

function contextOf(connection: RtmConnection): ActionContext {
  const principal = connection.principal!;
  return { connection, principal, actor: connection.actor!, organizationId: principal.organizationId };
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** The request id of a frame that failed validation, when it has a usable one; else null. */
function requestIdOf(json: unknown): RequestId | null {
  const value = (json as { request_id?: unknown } | null)?.request_id;
  return (typeof value === 'string' && value.length > 0 && value.length <= 128) || Number.isInteger(value)
    ? (value as RequestId)
    : null;
}

function actionOf(json: unknown): string | null {
  const value = (json as { action?: unknown } | null)?.action;
  return typeof value === 'string' && value.length <= 64 ? value : null;
}
