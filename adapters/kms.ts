import type { KMSClient } from '@aws-sdk/client-kms';
import {
  type AdapterContext,
  type AdapterFactory,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  malformed,
  newTags,
  optionalSdk,
  type ParsedArn,
  pages,
  type ResourceInfo,
  scopeOf,
  type Tags,
  UnsupportedResourceError,
} from '../src/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'kms';

const sdk = optionalSdk('@aws-sdk/client-kms', () => import('@aws-sdk/client-kms'));
const loader: ClientLoader<KMSClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).KMSClient(config),
  reads: { ListResourceTagsCommand: { json: ['Tags', 'NextMarker', 'Truncated'] } },
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
});

export default kms;

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
