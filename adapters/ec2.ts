import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ParsedArn } from '../src/arn.js';
import { chunk, groupBy, once } from '../src/collections.js';
import { toUnitagError, type UnitagError, UnsupportedResourceError } from '../src/errors.js';
import { toTagList } from '../src/shapes.js';
import type {
  AdapterContext,
  AdapterFactory,
  BatchResult,
  ClientLoader,
  TagRules,
  Tags,
} from '../src/types.js';
import { DEFAULT_RULES } from '../src/validate.js';

/** The ARN service field this adapter serves. */
export const name = 'ec2';

/** CreateTags and DeleteTags take up to 1000 resource ids a call (AWS-FACTS.md, EC2). */
export const MAX_IDS_PER_CALL = 1000;
/** Resource ids per DescribeTags filter when listing many resources at once. */
const MAX_IDS_PER_FILTER = 200;

/** EC2 accepts any character in keys and values (AWS-FACTS.md, common rules). */
const EC2_RULES: TagRules = { ...DEFAULT_RULES, charset: null };

const sdk = once(() => import('@aws-sdk/client-ec2'));
const loader: ClientLoader<EC2Client> = {
  id: name,
  create: async (config) => new (await sdk()).EC2Client(config),
};

/**
 * Every EC2 resource taggable by id: CreateTags, DeleteTags and DescribeTags. The id is the part of the ARN
 * after the type (`arn:aws:ec2:r:acct:volume/vol-0abc` -> `vol-0abc`), whatever the type, so instances,
 * volumes, snapshots, images, VPCs, subnets, security groups, gateways, launch templates, elastic IPs, key
 * pairs and the rest all work without a list of types.
 */
const ec2: AdapterFactory = () => ({
  name,
  describe(arn) {
    resourceId(arn);
    return { type: `ec2:${arn.resourceType}`, rules: EC2_RULES };
  },
  async list(ctx, arn, options) {
    const id = resourceId(arn);
    return (await describeTags(await ctx.client(loader, arn), [id], options.signal)).get(id) ?? {};
  },
  async tag(ctx, arn, tags, options) {
    const [client, { CreateTagsCommand }] = await Promise.all([ctx.client(loader, arn), sdk()]);
    await client.send(new CreateTagsCommand({ Resources: [resourceId(arn)], Tags: toTagList(tags) }), {
      abortSignal: options.signal,
    });
    return 'changed';
  },
  async untag(ctx, arn, keys, options) {
    const [client, { DeleteTagsCommand }] = await Promise.all([ctx.client(loader, arn), sdk()]);
    await client.send(new DeleteTagsCommand({ Resources: [resourceId(arn)], Tags: keysToDelete(keys) }), {
      abortSignal: options.signal,
    });
    return 'changed';
  },
  batchSize: MAX_IDS_PER_CALL,
  listBatchSize: MAX_IDS_PER_FILTER,
  async tagBatch(ctx, arns, tags) {
    const { CreateTagsCommand } = await sdk();
    return writeBatch(ctx, arns, (client, Resources) =>
      client.send(new CreateTagsCommand({ Resources, Tags: toTagList(tags) })),
    );
  },
  async untagBatch(ctx, arns, keys) {
    const { DeleteTagsCommand } = await sdk();
    return writeBatch(ctx, arns, (client, Resources) =>
      client.send(new DeleteTagsCommand({ Resources, Tags: keysToDelete(keys) })),
    );
  },
  async listBatch(ctx, arns) {
    const result = new Map<string, Tags | UnitagError>();
    for (const group of groupBy(arns, (arn) => `${arn.region}|${arn.accountId}`).values()) {
      const client = await ctx.client(loader, group[0] as ParsedArn);
      for (const part of chunk(group, MAX_IDS_PER_FILTER)) {
        try {
          const found = await describeTags(client, part.map(resourceId));
          for (const arn of part) result.set(arn.arn, found.get(resourceId(arn)) ?? {});
        } catch (error) {
          for (const arn of part) result.set(arn.arn, toUnitagError(error, { arn: arn.arn, service: name }));
        }
      }
    }
    return result;
  },
});

export default ec2;

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
    for (const { ResourceId, Key, Value } of out.Tags ?? []) {
      if (ResourceId === undefined || Key === undefined) continue;
      const tags = found.get(ResourceId) ?? {};
      tags[Key] = Value ?? '';
      found.set(ResourceId, tags);
    }
    NextToken = out.NextToken || undefined;
  } while (NextToken);
  return found;
}

/**
 * Sends one CreateTags/DeleteTags per region, account and 1000 ids. One missing id fails a whole call and the
 * error names it (AWS-FACTS.md, EC2): the named ids are marked failed and the rest sent again, so one deleted
 * resource never fails its neighbours.
 */
async function writeBatch(
  ctx: AdapterContext,
  arns: ParsedArn[],
  send: (client: EC2Client, ids: string[]) => Promise<unknown>,
): Promise<BatchResult> {
  const result: BatchResult = new Map();
  for (const group of groupBy(arns, (arn) => `${arn.region}|${arn.accountId}`).values()) {
    const client = await ctx.client(loader, group[0] as ParsedArn);
    for (const part of chunk(group, MAX_IDS_PER_CALL)) {
      let pending = part;
      while (pending.length > 0) {
        try {
          await send(client, pending.map(resourceId));
          for (const arn of pending) result.set(arn.arn, 'changed');
          pending = [];
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const named = pending.filter((arn) => message.includes(resourceId(arn)));
          const failed = named.length > 0 ? named : pending;
          for (const arn of failed)
            result.set(arn.arn, toUnitagError(error, { arn: arn.arn, service: name }));
          pending = pending.filter((arn) => !failed.includes(arn));
        }
      }
    }
  }
  return result;
}

/** The EC2 resource id of an ARN: everything after `type/`. */
export function resourceId(arn: ParsedArn): string {
  const separator = arn.resource.charAt(arn.resourceType.length);
  if (arn.resourceType === '' || separator !== '/' || arn.resourceId === '' || arn.region === '') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not an EC2 resource ARN (arn:aws:ec2:region:account:type/id).`,
      {
        arn: arn.arn,
        service: name,
      },
    );
  }
  return arn.resourceId;
}

/**
 * DeleteTags entries that delete each key whatever its value (Key without Value). Never empty: the SDK drops
 * an empty list and AWS then deletes EVERY tag on the resource (AWS-FACTS.md, EC2).
 */
export function keysToDelete(keys: string[]): { Key: string }[] {
  if (keys.length === 0) throw new Error('unitag bug: DeleteTags must never be sent without keys');
  return keys.map((Key) => ({ Key }));
}
