import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  type AdapterContext,
  type AdapterFactory,
  type BatchResult,
  type BatchTags,
  byScope,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  chunk,
  DEFAULT_RULES,
  entryTags,
  type ListedResource,
  listMember,
  malformed,
  newTags,
  once,
  type ParsedArn,
  pages,
  regionOf,
  scopeOf,
  sdkPackage,
  stringMember,
  type TagRules,
  type Tags,
  toTagList,
} from '../src/core/kit.js';
import { resourceId } from './ec2-resource-ids.js';

export { ID_PREFIXES } from './ec2-resource-ids.js';

/** The ARN service field this adapter serves. */
export const name = 'ec2';

/** CreateTags and DeleteTags take up to 1000 resource ids a call (docs/aws-facts.md, EC2). */
export const MAX_IDS_PER_CALL = 1000;
/** Resource ids per DescribeTags filter when listing many resources at once. */
const MAX_IDS_PER_FILTER = 200;

/** Instance states that DescribeInstances lists for the inventory: all but `terminated`. */
const LIVE_STATES = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];

/** EC2 accepts any character in keys and values (docs/aws-facts.md, tags in general). */
const EC2_RULES: TagRules = { ...DEFAULT_RULES, charset: null };

/** One EC2 type the inventory lists: its Describe call, and where its answer keeps each resource. */
interface Listing {
  operation: string;
  /** The answer's list member; each entry carries its id, its tags and (most) its owner's account. */
  member: string;
  id: string;
  input?: Record<string, unknown>;
  /** DescribeVolumes returns at most 500 a page, the others 1000. */
  maxResults?: number;
}

/** The EC2 types the inventory lists; instances sit inside reservations (see {@link entries}). */
const LISTED: Readonly<Record<string, Listing>> = {
  'ec2:instance': {
    operation: 'DescribeInstances',
    member: 'Reservations',
    id: 'InstanceId',
    // A terminated instance stays listed for about an hour, and can no longer be tagged.
    input: { Filters: [{ Name: 'instance-state-name', Values: LIVE_STATES }] },
  },
  'ec2:volume': { operation: 'DescribeVolumes', member: 'Volumes', id: 'VolumeId', maxResults: 500 },
  // Without OwnerIds, DescribeSnapshots lists every public snapshot too.
  'ec2:snapshot': {
    operation: 'DescribeSnapshots',
    member: 'Snapshots',
    id: 'SnapshotId',
    input: { OwnerIds: ['self'] },
  },
  'ec2:security-group': { operation: 'DescribeSecurityGroups', member: 'SecurityGroups', id: 'GroupId' },
  'ec2:vpc': { operation: 'DescribeVpcs', member: 'Vpcs', id: 'VpcId' },
};

const sdk = once(() => sdkPackage<typeof import('@aws-sdk/client-ec2')>('@aws-sdk/client-ec2'));
// The inventory's Describe operations, as SDK command classes, all paged by NextToken.
type Command = new (input: Record<string, unknown>) => Parameters<EC2Client['send']>[0];
const loader: ClientLoader<EC2Client> = {
  id: name,
  create: async (config) => new (await sdk()).EC2Client(config),
  // Query-protocol answers: the root element is the operation's name and `Response`. The Describe calls of the
  // inventory carry each resource's tags, so a stray document must not read as "no resources".
  reads: Object.fromEntries(
    ['DescribeTags', ...Object.values(LISTED).map((l) => l.operation)].map((operation) => [
      `${operation}Command`,
      { xml: `${operation}Response` },
    ]),
  ),
  writes: {
    CreateTagsCommand: { xml: 'CreateTagsResponse' },
    DeleteTagsCommand: { xml: 'DeleteTagsResponse' },
  },
  // CreateTags and DeleteTags take bare ids: the ARN's account must be the credentials' account.
  namesWithoutAccount: true,
};

/**
 * EC2 resources by id: CreateTags, DeleteTags and DescribeTags. The id is the part of the ARN after the type
 * (`arn:aws:ec2:r:acct:volume/vol-0abc` -> `vol-0abc`), and it must belong to that type (see ID_PREFIXES).
 */
const ec2: AdapterFactory = () => ({
  name,
  describe(arn) {
    resourceId(arn);
    return { type: `ec2:${arn.resourceType}`, rules: EC2_RULES };
  },
  // EC2 names resources by id, not by account: the core checks the credentials' account with STS first.
  permissions: () => ({
    tag: ['ec2:CreateTags', 'sts:GetCallerIdentity'],
    untag: ['ec2:DeleteTags', 'sts:GetCallerIdentity'],
    list: ['ec2:DescribeTags', 'sts:GetCallerIdentity'],
  }),
  async list(ctx, arn, { signal }) {
    const id = resourceId(arn);
    const found = await describeTags(await ctx.client(loader, scopeOf(arn), signal), [id], signal);
    return found.get(id) ?? newTags();
  },
  async tag(ctx, arn, tags, options) {
    const [client, { CreateTagsCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), options.signal),
      sdk(),
    ]);
    await client.send(new CreateTagsCommand({ Resources: [resourceId(arn)], Tags: toTagList(tags) }), {
      abortSignal: options.signal,
    });
    return 'changed';
  },
  async untag(ctx, arn, keys, options) {
    const [client, { DeleteTagsCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), options.signal),
      sdk(),
    ]);
    await client.send(new DeleteTagsCommand({ Resources: [resourceId(arn)], Tags: keysToDelete(keys) }), {
      abortSignal: options.signal,
    });
    return 'changed';
  },
  batchSize: MAX_IDS_PER_CALL,
  listBatchSize: MAX_IDS_PER_FILTER,
  async tagBatch(ctx, arns, tags, { signal }) {
    const { CreateTagsCommand } = await sdk();
    return writeBatch(ctx, arns, signal, (client, Resources) =>
      client.send(new CreateTagsCommand({ Resources, Tags: toTagList(tags) }), { abortSignal: signal }),
    );
  },
  async untagBatch(ctx, arns, keys, { signal }) {
    const { DeleteTagsCommand } = await sdk();
    return writeBatch(ctx, arns, signal, (client, Resources) =>
      client.send(new DeleteTagsCommand({ Resources, Tags: keysToDelete(keys) }), { abortSignal: signal }),
    );
  },
  listBatch,
  inventory: { types: Object.keys(LISTED), enumerate },
});

export default ec2;

/**
 * Every instance (but terminated ones), volume, own snapshot, security group and VPC of the scope's region, as
 * `types` asks, with the tags each Describe answer carries: no tag read afterwards. The ARN's account is the
 * entry's owner where the answer names it (a VPC shared with the account), else the scope's.
 */
async function* enumerate(
  ctx: AdapterContext,
  scope: ClientScope,
  types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, api] = await Promise.all([ctx.client(loader, scope, signal), sdk()]);
  const region = await regionOf(client, scope);
  for (const [type, listing] of Object.entries(LISTED)) {
    if (!types.includes(type)) continue;
    const { operation, input, maxResults = 1000 } = listing;
    const CommandClass = (api as unknown as Record<string, Command>)[`${operation}Command`] as Command;
    const send = (NextToken: string | undefined) =>
      client.send(new CommandClass({ ...input, MaxResults: maxResults, NextToken }), {
        abortSignal: signal,
      }) as Promise<{ NextToken?: unknown }>;
    for await (const page of pages(operation, send, (out) => out.NextToken)) {
      for (const { entry, owner } of entries(page, listing)) {
        const id = stringMember(entry, listing.id, operation);
        const account = typeof owner === 'string' && owner !== '' ? owner : scope.account;
        const tags = entryTags(entry, 'Tags', operation);
        yield { arn: `arn:${scope.partition}:ec2:${region}:${account}:${type.slice(4)}/${id}`, type, tags };
      }
    }
  }
}

/** The resources of one Describe answer, each with the owner it names (instances: their reservation's). */
function entries(page: unknown, { operation, member }: Listing): { entry: unknown; owner: unknown }[] {
  const owner = (entry: unknown) => (entry as { OwnerId?: unknown }).OwnerId;
  const list = listMember(page, member, operation);
  if (member !== 'Reservations') return list.map((entry) => ({ entry, owner: owner(entry) }));
  return list.flatMap((reservation) =>
    listMember(reservation, 'Instances', operation).map((entry) => ({ entry, owner: owner(reservation) })),
  );
}

/** Many resources' tags, 200 ids a DescribeTags call; a part that fails fails only its own ARNs. */
async function listBatch(
  ctx: AdapterContext,
  arns: ParsedArn[],
  { signal }: CallOptions,
): Promise<BatchTags> {
  const result: BatchTags = new Map();
  for (const group of byScope(arns)) {
    for (const part of chunk(group, MAX_IDS_PER_FILTER)) {
      try {
        // Per part, so that an account the credentials do not act in fails only its own ARNs.
        const client = await ctx.client(loader, scopeOf(part[0] as ParsedArn), signal);
        const found = await describeTags(client, part.map(resourceId), signal);
        for (const arn of part) result.set(arn.arn, found.get(resourceId(arn)) ?? newTags());
      } catch (error) {
        for (const arn of part) result.set(arn.arn, error as Error);
      }
    }
  }
  return result;
}

/** Tags of the given ids from DescribeTags (resource-id filter), following NextToken to the last page. */
async function describeTags(
  client: EC2Client,
  ids: string[],
  signal?: AbortSignal,
): Promise<Map<string, Tags>> {
  const { DescribeTagsCommand } = await sdk();
  const found = new Map<string, Tags>();
  let NextToken: string | undefined;
  do {
    const out = await client.send(
      new DescribeTagsCommand({
        Filters: [{ Name: 'resource-id', Values: ids }],
        MaxResults: 1000,
        NextToken,
      }),
      { abortSignal: signal },
    );
    if (!Array.isArray(out.Tags)) throw malformed('DescribeTags', 'no tagSet');
    for (const { ResourceId, Key, Value } of out.Tags) {
      if (ResourceId === undefined || Key === undefined) continue;
      const tags = found.get(ResourceId) ?? newTags();
      tags[Key] = Value ?? '';
      found.set(ResourceId, tags);
    }
    NextToken = out.NextToken || undefined;
  } while (NextToken);
  return found;
}

/**
 * Sends one CreateTags/DeleteTags per region, account and 1000 ids. One missing id fails a whole call and the
 * error names it (docs/aws-facts.md, EC2): the named ids are marked failed and the rest sent again, so one deleted
 * resource never fails its neighbours.
 */
async function writeBatch(
  ctx: AdapterContext,
  arns: ParsedArn[],
  signal: AbortSignal | undefined,
  send: (client: EC2Client, ids: string[]) => Promise<unknown>,
): Promise<BatchResult> {
  const result: BatchResult = new Map();
  for (const group of byScope(arns)) {
    let client: EC2Client;
    try {
      client = await ctx.client(loader, scopeOf(group[0] as ParsedArn), signal);
    } catch (error) {
      // No client for this account (AccountMismatch, no credentials): its ARNs fail, the other groups go on.
      for (const arn of group) result.set(arn.arn, error as Error);
      continue;
    }
    for (const part of chunk(group, MAX_IDS_PER_CALL)) {
      let pending = part;
      while (pending.length > 0) {
        try {
          await send(client, pending.map(resourceId));
          for (const arn of pending) result.set(arn.arn, 'changed');
          pending = [];
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const named = pending.filter((arn) => namesId(message, resourceId(arn)));
          const failed = named.length > 0 ? named : pending;
          for (const arn of failed) result.set(arn.arn, error as Error);
          pending = pending.filter((arn) => !failed.includes(arn));
        }
      }
    }
  }
  return result;
}

/** True when `message` names `id` as a whole id (`vol-1` is not named by a message about `vol-10`). */
function namesId(message: string, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9-])${escaped}($|[^A-Za-z0-9-])`).test(message);
}

/**
 * DeleteTags entries that delete each key whatever its value (Key without Value). Never empty: the SDK drops
 * an empty list and AWS then deletes EVERY tag on the resource (docs/aws-facts.md, EC2).
 */
export function keysToDelete(keys: string[]): { Key: string }[] {
  if (keys.length === 0) throw new Error('unitag bug: DeleteTags must never be sent without keys');
  return keys.map((Key) => ({ Key }));
}
