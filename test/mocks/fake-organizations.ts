// An in-memory AWS Organizations for unit tests (LocalStack's community edition has none: it answers 501): one
// organization whose accounts, OUs, root and policies carry tags, with AWS's tagging semantics (50 tags a
// resource, TargetNotFoundException for an id that names nothing) and its list calls, every one paged small so
// that the tests follow NextToken.
import {
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-organizations';
import type { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { awsError } from './sdk.js';

/** The organization's id, its management account and its root. */
export const ORG_ID = 'o-exampleorgid';
export const MANAGEMENT = '111111111111';
export const ROOT = 'r-ab12';

const MAX_TAGS = 50;
const arnPrefix = `arn:aws:organizations::${MANAGEMENT}`;

/** An account as ListAccounts answers it, where it sits, and its tags. */
export interface FakeAccount {
  Id: string;
  Name: string;
  Email: string;
  State: string;
  parent: string;
  tags?: Record<string, string>;
}

type Mock = ReturnType<typeof mockClient>;
type ResourceType = 'account' | 'ou' | 'root' | 'policy';

/** The id of the `n`th resource of a type, as AWS shapes them. */
function idOf(type: ResourceType, n: number): string {
  const digits = String(n).padStart(8, '0');
  return { account: `2222${digits}`, ou: `ou-ab12-${digits}`, root: `r-${digits}`, policy: `p-${digits}ab` }[
    type
  ];
}

function arnOf(type: ResourceType, id: string): string {
  return `${arnPrefix}:${type}/${ORG_ID}/${type === 'policy' ? `service_control_policy/${id}` : id}`;
}

/** One page of `list` after `token` (an offset), `size` entries long, and the token of the next. */
function page<T>(list: T[], token: string | undefined, size: number): { items: T[]; NextToken?: string } {
  const from = token === undefined ? 0 : Number(token.replace(/^t/, ''));
  const items = list.slice(from, from + size);
  return from + size < list.length ? { items, NextToken: `t${from + size}` } : { items };
}

/**
 * Answers the Organizations calls of `org` (a mock that `mockClients` resets before each test) from one store
 * kept for the calling `describe`: `create` makes an untagged resource of a type and returns its ARN,
 * `addOu` and `addAccount` build the tree. Every list answers `pageSize` entries a page (tags too).
 */
export function fakeOrganizations(org: Mock, pageSize = 2) {
  const tags = new Map<string, Map<string, string>>([[ROOT, new Map()]]);
  const ous = new Map<string, { Id: string; Name: string; parent: string }>();
  const accounts: FakeAccount[] = [];
  let serial = 0;
  const tagsOf = (id: string) => {
    const found = tags.get(id);
    if (!found) throw awsError('TargetNotFoundException', 400);
    return found;
  };
  const accountEntry = ({ parent: _, tags: __, ...account }: FakeAccount) => ({
    ...account,
    Arn: `${arnPrefix}:account/${ORG_ID}/${account.Id}`,
  });
  beforeEach(() => {
    org.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string; NextToken?: string }) => {
      const pairs = [...tagsOf(input.ResourceId)].map(([Key, Value]) => ({ Key, Value }));
      const { items, NextToken } = page(pairs, input.NextToken, pageSize);
      return { Tags: items, NextToken };
    });
    org
      .on(TagResourceCommand)
      .callsFake((input: { ResourceId: string; Tags: { Key: string; Value: string }[] }) => {
        const next = new Map(tagsOf(input.ResourceId));
        for (const { Key, Value } of input.Tags) next.set(Key, Value);
        if (next.size > MAX_TAGS) {
          throw Object.assign(awsError('ConstraintViolationException', 400), {
            Reason: 'MAX_TAG_LIMIT_EXCEEDED',
          });
        }
        tags.set(input.ResourceId, next);
        return {};
      });
    org.on(UntagResourceCommand).callsFake((input: { ResourceId: string; TagKeys: string[] }) => {
      const found = tagsOf(input.ResourceId);
      for (const key of input.TagKeys) found.delete(key);
      return {};
    });
    org.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => {
      const { items, NextToken } = page(accounts, input.NextToken, pageSize);
      return { Accounts: items.map(accountEntry), NextToken };
    });
    org.on(ListAccountsForParentCommand).callsFake((input: { ParentId: string; NextToken?: string }) => {
      parentOf(input.ParentId);
      const children = accounts.filter((a) => a.parent === input.ParentId);
      const { items, NextToken } = page(children, input.NextToken, pageSize);
      return { Accounts: items.map(accountEntry), NextToken };
    });
    org
      .on(ListOrganizationalUnitsForParentCommand)
      .callsFake((input: { ParentId: string; NextToken?: string }) => {
        parentOf(input.ParentId);
        const children = [...ous.values()].filter((ou) => ou.parent === input.ParentId);
        const { items, NextToken } = page(children, input.NextToken, pageSize);
        const entries = items.map(({ Id, Name }) => ({ Id, Name, Arn: `${arnPrefix}:ou/${ORG_ID}/${Id}` }));
        return { OrganizationalUnits: entries, NextToken };
      });
    org.on(ListParentsCommand).callsFake((input: { ChildId: string }) => {
      const parent = parentOf(input.ChildId);
      return { Parents: [{ Id: parent, Type: parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] };
    });
    org.on(DescribeOrganizationalUnitCommand).callsFake((input: { OrganizationalUnitId: string }) => {
      const ou = ous.get(input.OrganizationalUnitId);
      if (!ou) throw awsError('OrganizationalUnitNotFoundException', 400);
      return { OrganizationalUnit: { Id: ou.Id, Name: ou.Name, Arn: `${arnPrefix}:ou/${ORG_ID}/${ou.Id}` } };
    });
  });
  /** The parent of an OU or account (ListParents), or the root's own id for the root; else not found. */
  const parentOf = (id: string): string => {
    if (id === ROOT) return ROOT;
    const found = ous.get(id)?.parent ?? accounts.find((a) => a.Id === id)?.parent;
    if (found === undefined)
      throw awsError(id.startsWith('ou-') ? 'ParentNotFoundException' : 'ChildNotFoundException', 400);
    return found;
  };
  return {
    /** A fresh, untagged resource of `type`, by its ARN. */
    create(type: ResourceType): string {
      const id = idOf(type, ++serial);
      tags.set(id, new Map());
      return arnOf(type, id);
    },
    /** The ARN of a resource of `type` that does not exist. */
    missing: (type: ResourceType): string => arnOf(type, idOf(type, 99_999_999)),
    /** An OU named `Name` under `parent` (the root by default); returns its id. */
    addOu(Name: string, parent = ROOT): string {
      const Id = `ou-ab12-${String(++serial).padStart(8, '0')}`;
      ous.set(Id, { Id, Name, parent });
      tags.set(Id, new Map());
      return Id;
    },
    /** An account in the tree, with its tags. */
    addAccount(account: FakeAccount): void {
      accounts.push(account);
      tags.set(account.Id, new Map(Object.entries(account.tags ?? {})));
    },
  };
}
