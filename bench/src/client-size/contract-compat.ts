/**
 * `@livedesk/client` declares the protocol's payloads as plain types of its own, so that the
 * published package needs neither zod nor the private `@livedesk/contracts`. This file holds
 * them against the contract's schemas at build time: if the contract changes a payload and the
 * client does not follow, `pnpm build` fails here. Nothing of it runs.
 */
import type * as Client from '@livedesk/client';
import type {
  ActionContract,
  ActionRequest,
  ActionResponse,
  agentActions,
  AgentTokenRequest,
  ChatEventView,
  ChatPage,
  ChatSummary,
  customerActions,
  CustomerTokenRequest,
  ProtocolError,
  PushAction,
  PushPayload,
  TokenResponse,
} from '@livedesk/contracts';

type Holds<T extends true> = T;
/** Every value of A is a value of B. */
type Fits<A, B> = [A] extends [B] ? true : false;
type AllTrue<T> = false extends T[keyof T] ? false : true;

type CustomerActionTable = typeof customerActions;
type AgentActionTable = typeof agentActions;

/** What the server answers fits the client's response type; what the client sends fits the server's request schema. */
type ActionsFit<Table extends Record<string, ActionContract>, ClientTable> = AllTrue<{
  [K in keyof ClientTable & keyof Table]: ClientTable[K] extends { request: infer Req; response: infer Res }
    ? Fits<ActionResponse<Table, K>, Res> extends true
      ? Fits<Req, ActionRequest<Table, K>>
      : false
    : false;
}>;

type PushesFit<ClientPushes> = AllTrue<{
  [K in keyof ClientPushes & PushAction]: Fits<PushPayload<K>, ClientPushes[K]>;
}>;

/** Names the client knows that the contract does not: must stay empty. */
type Unknown<ClientTable, Table> = Exclude<keyof ClientTable, keyof Table>;

export type ContractChecks = [
  Holds<Fits<ChatEventView, Client.ChatEventView>>,
  Holds<Fits<ChatSummary, Client.ChatSummary>>,
  Holds<Fits<ChatPage, Client.ChatPage>>,
  Holds<Fits<ProtocolError, Client.ProtocolErrorPayload>>,
  Holds<Fits<ReturnType<typeof TokenResponse.parse>, Client.TokenResponse>>,
  Holds<Fits<Parameters<typeof Client.fetchCustomerToken>[1], ReturnType<typeof CustomerTokenRequest.parse>>>,
  Holds<Fits<Parameters<typeof Client.fetchAgentToken>[1], ReturnType<typeof AgentTokenRequest.parse>>>,
  Holds<ActionsFit<CustomerActionTable, Client.CustomerActions>>,
  Holds<ActionsFit<AgentActionTable, Client.AgentActions>>,
  Holds<Fits<Unknown<Client.CustomerActions, CustomerActionTable>, never>>,
  Holds<Fits<Unknown<Client.AgentActions, AgentActionTable>, never>>,
  Holds<PushesFit<Client.CustomerPushes>>,
  Holds<PushesFit<Client.AgentPushes>>,
  Holds<Fits<Exclude<keyof Client.CustomerPushes | keyof Client.AgentPushes, PushAction>, never>>,
];
