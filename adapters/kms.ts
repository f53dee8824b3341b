import type { KMSClient } from '@aws-sdk/client-kms';
import {
  type AdapterContext,
  type AdapterFactory,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  DEFAULT_RULES,
  InvalidArnError,
  type ListCall,
  type ListedResource,
  listEntries,
  malformed,
  newTags,
  optionalSdk,
  type ParsedArn,
  pages,
  type ResourceInfo,
  scopeOf,
  sdkPackage,
  stringMember,
  type Tags,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'kms';

type Sdk = typeof import('@aws-sdk/client-kms');
const sdk = optionalSdk('@aws-sdk/client-kms', (): Promise<Sdk> => sdkPackage<Sdk>('@aws-sdk/client-kms'));
const loader: ClientLoader<KMSClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).KMSClient(config),
  reads: { ListResourceTagsCommand: { json: ['Tags', 'NextMarker', 'Truncated'] } },
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/** A key id: a UUID, or `mrk-` and 32 hex digits for a multi-Region key; KMS writes both in lower case. */
const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** ListResourceTags' largest page (its `Limit` takes 1 to 50). */
const PAGE_SIZE = 50;

/**
 * KMS keys (customer managed): TagResource, UntagResource and ListResourceTags, each naming the key by its ARN,
 * which KMS accepts as `KeyId`. Tags cross the API as `TagKey`/`TagValue` pairs. Alias ARNs are refused: KMS
 * tags keys, not aliases.
 */
const kms: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeKey,
  permissions: () => ({
    tag: ['kms:TagResource'],
    untag: ['kms:UntagResource'],
    list: ['kms:ListResourceTags'],
  }),
  async list(ctx, arn, { signal }) {
    const [client, { ListResourceTagsCommand }] = await connect(ctx, arn, signal);
    const send = (Marker: string | undefined) =>
      client.send(new ListResourceTagsCommand({ KeyId: arn.arn, Limit: PAGE_SIZE, Marker }), {
        abortSignal: signal,
      });
    const tags = newTags();
    for await (const page of pages('ListResourceTags', send, nextMarker)) Object.assign(tags, pageTags(page));
    return tags;
  },
  async tag(ctx, arn, tags, { signal }) {
    const [client, { TagResourceCommand }] = await connect(ctx, arn, signal);
    const Tags = Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
    await client.send(new TagResourceCommand({ KeyId: arn.arn, Tags }), { abortSignal: signal });
    return 'changed';
  },
  async untag(ctx, arn, keys, { signal }) {
    const [client, { UntagResourceCommand }] = await connect(ctx, arn, signal);
    await client.send(new UntagResourceCommand({ KeyId: arn.arn, TagKeys: keys }), { abortSignal: signal });
    return 'changed';
  },
  inventory: { types: ['kms:key'], enumerate: listKeys },
});

export default kms;

/**
 * Every customer managed key of the scope's region: ListKeys (1000 a page) less the AWS managed keys, which cannot
 * be tagged. ListKeys does not say who manages a key, but an AWS managed key's alias is always `alias/aws/...`, a
 * prefix reserved for them (KMS developer guide, "Aliases in AWS KMS" and "Create aliases"): ListAliases (100 a
 * page) marks them at a few calls a region, where DescribeKey would cost a call per key.
 */
async function* listKeys(
  ctx: AdapterContext,
  scope: ClientScope,
  _types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, api] = await Promise.all([ctx.client(loader, scope, signal), sdk.load()]);
  const awsManaged = await awsManagedKeys(client, api, signal);
  const listKeys = { operation: 'ListKeys', input: { Limit: 1000 }, ...byMarker('ListKeys'), member: 'Keys' };
  for await (const key of listEntries(client, api, listKeys, signal)) {
    if (awsManaged.has(stringMember(key, 'KeyId', 'ListKeys'))) continue;
    yield { arn: stringMember(key, 'KeyArn', 'ListKeys'), type: 'kms:key' };
  }
}

/** The ids of the keys that an `alias/aws/...` alias points to: AWS managed keys. */
async function awsManagedKeys(
  client: KMSClient,
  api: Sdk,
  signal: AbortSignal | undefined,
): Promise<Set<string>> {
  const keys = new Set<string>();
  const listAliases = {
    operation: 'ListAliases',
    input: { Limit: 100 },
    ...byMarker('ListAliases'),
    member: 'Aliases',
  };
  for await (const alias of listEntries(client, api, listAliases, signal)) {
    const aliasName = stringMember(alias, 'AliasName', 'ListAliases');
    const target = (alias as { TargetKeyId?: unknown }).TargetKeyId;
    // An `aws/` alias without a target stands for an AWS managed key that does not exist yet.
    if (aliasName.startsWith('alias/aws/') && typeof target === 'string') keys.add(target);
  }
  return keys;
}

/**
 * How a list call of KMS pages (by Marker): the marker of the page after `page` is its NextMarker while Truncated
 * is true. Unlike ListResourceTags (see {@link nextMarker}), a last page without the flag is taken as the last: not
 * every server sends `false`.
 */
function byMarker(operation: string): Pick<ListCall, 'token' | 'next'> {
  const next = (page: { Truncated?: unknown; NextMarker?: unknown }): unknown => {
    if (page.Truncated === undefined || page.Truncated === false) return undefined;
    if (page.Truncated !== true) throw malformed(operation, 'a Truncated flag that is not a boolean');
    if (!page.NextMarker) throw malformed(operation, 'a truncated page without its NextMarker');
    return page.NextMarker;
  };
  return { token: 'Marker', next };
}

/** A key ARN's type and rules; refuses aliases and anything but `key/<key id>`, before any call. */
function describeKey(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  if (arn.resourceType === 'alias') {
    throw new UnsupportedResourceError(
      `KMS tags keys, not aliases: tag the key that ${arn.arn} points to, by its key ARN ` +
        `(aws kms describe-key --key-id ${arn.resource} prints it).`,
      context,
    );
  }
  if (arn.resourceType !== 'key') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not a KMS key ARN (arn:aws:kms:region:account:key/ID).`,
      context,
    );
  }
  if (!KEY_ID.test(arn.resourceId) || arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn}: a KMS key ARN names a region, a 12-digit account and a key id (a lower-case UUID, or mrk- ` +
        'and 32 hex digits).',
      context,
    );
  }
  return { type: 'kms:key', rules: DEFAULT_RULES, taggingApi: false };
}

function connect(ctx: AdapterContext, arn: ParsedArn, signal: AbortSignal | undefined) {
  return Promise.all([ctx.client(loader, scopeOf(arn), signal), sdk.load()]);
}

interface TagsPage {
  Tags?: { TagKey?: string | undefined; TagValue?: string | undefined }[] | undefined;
  Truncated?: boolean | undefined;
  NextMarker?: string | undefined;
}

/**
 * The marker of the page after `page`. KMS always says whether the list goes on (`Truncated`): an answer without
 * it is not ListResourceTags' document, and a truncated page without a marker could never be followed.
 */
function nextMarker(page: TagsPage): string | undefined {
  if (typeof page.Truncated !== 'boolean') throw malformed('ListResourceTags', 'no Truncated flag');
  if (!page.Truncated) return undefined;
  if (!page.NextMarker) throw malformed('ListResourceTags', 'a truncated page without its NextMarker');
  return page.NextMarker;
}

/** One page's `TagKey`/`TagValue` pairs as tags; the flag checked in {@link nextMarker} vouches for the page. */
function pageTags(page: TagsPage): Tags {
  if (page.Tags !== undefined && !Array.isArray(page.Tags)) {
    throw malformed('ListResourceTags', 'Tags that are not a list');
  }
  // KMS defines both members as required: a pair without its value is not an empty value.
  const tags = newTags();
  for (const { TagKey, TagValue } of page.Tags ?? []) {
    if (typeof TagKey !== 'string' || typeof TagValue !== 'string')
      throw malformed('ListResourceTags', 'a tag without its TagKey and TagValue strings');
    tags[TagKey] = TagValue;
  }
  return tags;
}
