import { describe, it } from '@jest/globals';
import { organizationEvents, type OrganizationEvent } from '@livedesk/contracts';
import { deciderSpec } from '@livedesk/testing/decider';
import { decideTagList, evolveTagList, initialTagList, type TagListEditor } from './tag-list-decider.js';

const { given } = deciderSpec({
  decide: decideTagList,
  evolve: evolveTagList,
  initialState: initialTagList,
  events: organizationEvents,
});

const admin: TagListEditor = { kind: 'agent', agent_id: 'adam' };
const installation: TagListEditor = { kind: 'installation_admin' };
const created: OrganizationEvent = {
  type: 'OrganizationCreated',
  data: { organization_id: 'org-1', name: 'Acme', time_zone: 'UTC' },
};
const added = (name: string, by: TagListEditor = admin): OrganizationEvent => ({
  type: 'OrganizationTagAdded',
  data: { name, by },
});
const removed = (name: string, by: TagListEditor = admin): OrganizationEvent => ({
  type: 'OrganizationTagRemoved',
  data: { name, by },
});

describe('the tag list decider', () => {
  it('adds a tag to the list of an organization, by an admin agent or the installation admin', () => {
    given([created])
      .when({ type: 'add_tag', name: 'vip', by: admin })
      .then([added('vip')]);
    given([created, added('vip')])
      .when({ type: 'add_tag', name: 'refund', by: installation })
      .then([added('refund', installation)]);
  });

  it('refuses a tag already on the list as a conflict, and takes it again once removed', () => {
    given([created, added('vip')])
      .when({ type: 'add_tag', name: 'vip', by: admin })
      .thenRefuses('conflict', 'tag_exists');
    given([created, added('vip'), removed('vip')])
      .when({ type: 'add_tag', name: 'vip', by: admin })
      .then([added('vip')]);
  });

  it('compares names exactly: another case is another tag', () => {
    given([created, added('vip')])
      .when({ type: 'add_tag', name: 'VIP', by: admin })
      .then([added('VIP')]);
  });

  it('removes a listed tag, and refuses one that is not (never added, or removed already) as not_found', () => {
    given([created, added('vip'), added('refund')])
      .when({ type: 'remove_tag', name: 'vip', by: admin })
      .then([removed('vip')]);
    given([created, added('refund')])
      .when({ type: 'remove_tag', name: 'vip', by: admin })
      .thenRefuses('not_found', 'tag_not_found');
    given([created, added('vip'), removed('vip')])
      .when({ type: 'remove_tag', name: 'vip', by: admin })
      .thenRefuses('not_found', 'tag_not_found');
  });

  it('refuses any change to an organization that does not exist', () => {
    given([]).when({ type: 'add_tag', name: 'vip', by: admin }).thenRefuses('not_found', 'organization_not_found');
    given([]).when({ type: 'remove_tag', name: 'vip', by: admin }).thenRefuses('not_found', 'organization_not_found');
  });
});
