/**
 * The notes of routing's automatic transfers. The rebuild (recovery/fold-conversation.ts) reads
 * them back from ConversationTransferred events: an agent who let a chat pass for want of a
 * reply is never offered it again in that cycle, one who went offline may be.
 */
export const TRANSFER_NOTES = {
  noReply: 'no reply in time',
  agentOffline: 'the agent went offline',
} as const;
