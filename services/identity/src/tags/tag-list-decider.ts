import { DomainError, type OrganizationEvent } from '@livedesk/contracts';

/**
 * The organization's tag list as a decider over its `organization-<id>` stream (pure, no I/O):
 * `decide(command, state) → events`, `evolve(state, event) → state`. Other events of the stream
 * (the organization's other changes) leave the list as it is.
 */
export type TagListEditor = { kind: 'installation_admin' } | { kind: 'agent'; agent_id: string };

export type TagListCommand =
  | { type: 'add_tag'; name: string; by: TagListEditor }
  | { type: 'remove_tag'; name: string; by: TagListEditor };

export interface TagListState {
  /** The stream version of the last event applied (0: no organization). */
  readonly version: number;
  readonly exists: boolean;
  /** The names on the list, in the order they were added. */
  readonly tags: readonly string[];
}

export const initialTagList: TagListState = { version: 0, exists: false, tags: [] };

export function decideTagList(command: TagListCommand, state: TagListState): OrganizationEvent[] {
  if (!state.exists) throw new DomainError('not_found', 'organization_not_found', 'The organization does not exist.');
  const listed = state.tags.includes(command.name);
  if (command.type === 'add_tag') {
    if (listed) throw new DomainError('conflict', 'tag_exists', `The tag "${command.name}" is already on the list.`);
    return [{ type: 'OrganizationTagAdded', data: { name: command.name, by: command.by } }];
  }
  if (!listed) throw new DomainError('not_found', 'tag_not_found', `The tag "${command.name}" is not on the list.`);
  return [{ type: 'OrganizationTagRemoved', data: { name: command.name, by: command.by } }];
}

export function evolveTagList(state: TagListState, event: OrganizationEvent & { version: number }): TagListState {
  const version = event.version;
  switch (event.type) {
    case 'OrganizationCreated':
      return { ...state, version, exists: true };
    case 'OrganizationTagAdded':
      return {
        ...state,
        version,
        tags: state.tags.includes(event.data.name) ? state.tags : [...state.tags, event.data.name],
      };
    case 'OrganizationTagRemoved':
      return { ...state, version, tags: state.tags.filter((name) => name !== event.data.name) };
    default:
      return { ...state, version };
  }
}
