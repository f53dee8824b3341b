import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  type AdapterContext,
  type AdapterFactory,
  type BatchResult,
  type BatchTags,
  byScope,
  type CallOptions,
  type ClientLoader,
  chunk,
  DEFAULT_RULES,
  InvalidArnError,
  malformed,
  newTags,
  once,
  type ParsedArn,
  rejectTypeCase,
  scopeOf,
  type TagRules,
  type Tags,
  toTagList,
  UnsupportedResourceError,
} from '../src/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'ec2';

/** CreateTags and DeleteTags take up to 1000 resource ids a call (docs/aws-facts.md, EC2). */
export const MAX_IDS_PER_CALL = 1000;
/** Resource ids per DescribeTags filter when listing many resources at once. */
const MAX_IDS_PER_FILTER = 200;

/** EC2 accepts any character in keys and values (docs/aws-facts.md, tags in general). */
const EC2_RULES: TagRules = { ...DEFAULT_RULES, charset: null };

const sdk = once(() => import('@aws-sdk/client-ec2'));
const loader: ClientLoader<EC2Client> = {
  id: name,
  create: async (config) => new (await sdk()).EC2Client(config),
  reads: { DescribeTagsCommand: { xml: 'DescribeTagsResponse' } },
  // CreateTags and DeleteTags take bare ids: the ARN's account must be the credentials' account.
  namesWithoutAccount: true,
};

/**
 * The id prefix of each EC2 resource type that CreateTags takes (docs/ec2-resource-ids.md). CreateTags takes
 * bare ids and tags whatever id it is given, so an ARN whose id belongs to another type
 * (`instance/vol-0abc`) would tag a resource the ARN does not name: such ARNs are `InvalidArn`.
 * `reserved-instances` ids are UUIDs, with no prefix. Key pairs and placement groups are named in AWS's own
 * ARNs by name, but CreateTags takes their ids (`key-`, `pg-`): their ARNs must carry the id.
 */
export const ID_PREFIXES: Readonly<Record<string, string>> = {
  'capacity-reservation': 'cr',
  'capacity-reservation-fleet': 'crf',
  'carrier-gateway': 'cagw',
  'client-vpn-endpoint': 'cvpn-endpoint',
  'coip-pool': 'ipv4pool-coip',
  'customer-gateway': 'cgw',
  'dedicated-host': 'h',
  'dhcp-options': 'dopt',
  'egress-only-internet-gateway': 'eigw',
  'elastic-gpu': 'egpu',
  'elastic-ip': 'eipalloc',
  'export-image-task': 'export-ami',
  'export-instance-task': 'export-i',
  fleet: 'fleet',
  'fpga-image': 'afi',
  'host-reservation': 'hr',
  image: 'ami',
  'import-image-task': 'import-ami',
  'import-snapshot-task': 'import-snap',
  instance: 'i',
  'instance-connect-endpoint': 'eice',
  'instance-event-window': 'iew',
  'internet-gateway': 'igw',
  ipam: 'ipam',
  'ipam-pool': 'ipam-pool',
  'ipam-resource-discovery': 'ipam-res-disco',
  'ipam-resource-discovery-association': 'ipam-res-disco-assoc',
  'ipam-scope': 'ipam-scope',
  'ipv4pool-ec2': 'ipv4pool-ec2',
  'ipv6pool-ec2': 'ipv6pool-ec2',
  'key-pair': 'key',
  'launch-template': 'lt',
  'local-gateway': 'lgw',
  'local-gateway-route-table': 'lgw-rtb',
  'local-gateway-route-table-virtual-interface-group-association': 'lgw-vif-grp-assoc',
  'local-gateway-route-table-vpc-association': 'lgw-vpc-assoc',
  'local-gateway-virtual-interface': 'lgw-vif',
  'local-gateway-virtual-interface-group': 'lgw-vif-grp',
  natgateway: 'nat',
  'network-acl': 'acl',
  'network-insights-access-scope': 'nis',
  'network-insights-access-scope-analysis': 'nisa',
  'network-insights-analysis': 'nia',
  'network-insights-path': 'nip',
  'network-interface': 'eni',
  'placement-group': 'pg',
  'prefix-list': 'pl',
  'replace-root-volume-task': 'replacevol',
  'route-table': 'rtb',
  'security-group': 'sg',
  'security-group-rule': 'sgr',
  snapshot: 'snap',
  'spot-fleet-request': 'sfr',
  'spot-instances-request': 'sir',
  subnet: 'subnet',
  'subnet-cidr-reservation': 'scr',
  'traffic-mirror-filter': 'tmf',
  'traffic-mirror-filter-rule': 'tmfr',
  'traffic-mirror-session': 'tms',
  'traffic-mirror-target': 'tmt',
  'transit-gateway': 'tgw',
  'transit-gateway-attachment': 'tgw-attach',
  'transit-gateway-connect-peer': 'tgw-connect-peer',
  'transit-gateway-multicast-domain': 'tgw-mcast-domain',
  'transit-gateway-policy-table': 'tgw-ptb',
  'transit-gateway-route-table': 'tgw-rtb',
  'transit-gateway-route-table-announcement': 'tgw-rtb-ann',
  'verified-access-endpoint': 'vae',
  'verified-access-group': 'vagr',
  'verified-access-instance': 'vai',
  'verified-access-trust-provider': 'vatp',
  volume: 'vol',
  vpc: 'vpc',
  'vpc-endpoint': 'vpce',
  'vpc-endpoint-service': 'vpce-svc',
  'vpc-flow-log': 'fl',
  'vpc-peering-connection': 'pcx',
  'vpn-connection': 'vpn',
  'vpn-gateway': 'vgw',
};

/** Types whose ARNs may leave the account out (public images and snapshots are shared across accounts). */
const ACCOUNTLESS = new Set(['image', 'snapshot']);

/** Types whose ids carry no prefix, each with the pattern its ids follow. */
const UNPREFIXED: Readonly<Record<string, RegExp>> = {
  'reserved-instances': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
};

// Prefixes longest first, so that `tgw-attach-0abc` is read as an attachment, not a transit gateway.
const PREFIXES = Object.entries(ID_PREFIXES)
  .map(([type, prefix]) => ({ type, prefix: `${prefix}-` }))
  .sort((a, b) => b.prefix.length - a.prefix.length);
const ID_BODY = /^[0-9A-Za-z-]+$/;

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
});

export default ec2;

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

/**
 * The EC2 resource id of an ARN (everything after `type/`), checked against the type: an id of another type,
 * a type in the wrong case or a malformed id is `InvalidArn`; a type unitag does not know is
 * `UnsupportedResource`.
 */
export function resourceId(arn: ParsedArn): string {
  const context = { arn: arn.arn, service: name };
  const separator = arn.resource.charAt(arn.resourceType.length);
  if (arn.resourceType === '' || separator !== '/' || arn.resourceId === '' || arn.region === '') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not an EC2 resource ARN (arn:aws:ec2:region:account:type/id).`,
      context,
    );
  }
  const type = arn.resourceType;
  const id = arn.resourceId;
  rejectTypeCase(arn, [...Object.keys(ID_PREFIXES), ...Object.keys(UNPREFIXED)], name);
  // Only public images and snapshots have ARNs without an account; any other would act on the credentials'
  // own account, which it does not name.
  if (arn.accountId === '' ? !ACCOUNTLESS.has(type) : !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": an EC2 ${type} ARN names its 12-digit account.`,
      context,
    );
  }
  const pattern = Object.hasOwn(UNPREFIXED, type) ? UNPREFIXED[type] : undefined;
  if (pattern) {
    if (!pattern.test(id))
      throw new InvalidArnError(`Invalid ARN "${arn.arn}": "${id}" is not a ${type} id.`, context);
    return id;
  }
  if (!Object.hasOwn(ID_PREFIXES, type)) {
    throw new UnsupportedResourceError(
      `unitag does not know the EC2 resource type "${type}" of ${arn.arn}, so it cannot check that the id belongs to it; ` +
        'known types are listed in docs/ec2-resource-ids.md.',
      context,
    );
  }
  const owner = PREFIXES.find(({ prefix }) => id.startsWith(prefix));
  const body = owner ? id.slice(owner.prefix.length) : '';
  if (owner?.type !== type || body === '' || !ID_BODY.test(body)) {
    const expected = `${ID_PREFIXES[type]}-`;
    const named = owner && owner.type !== type ? ` (that is ${article(owner.type)} ${owner.type} id)` : '';
    const hint =
      type === 'key-pair' || type === 'placement-group'
        ? `; CreateTags takes the ${type} id, not its name (see Describe${type === 'key-pair' ? 'KeyPairs' : 'PlacementGroups'})`
        : '';
    throw new InvalidArnError(
      `Invalid ARN "${arn.arn}": ${article(type)} ${type} id starts with "${expected}", not "${id}"${named}${hint}.`,
      context,
    );
  }
  return id;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
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
