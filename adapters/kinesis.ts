import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  type AdapterFactory,
  type ClientLoader,
  chunk,
  DEFAULT_RULES,
  entryTags,
  InvalidArnError,
  type Listing,
  listedInventory,
  listMember,
  malformed,
  newTags,
  once,
  optionalSdk,
  type ParsedArn,
  pages,
  type ResourceInfo,
  rejectTypeCase,
  scopeOf,
  sdkPackage,
  stringMember,
  type Tags,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'kinesis';

/** Most tags one AddTagsToStream call takes (AWS's reference: 1 to 10 entries); a larger write is split. */
export const MAX_TAGS_PER_CALL = 10;
/**
 * Keys sent per RemoveTagsFromStream call: AWS's reference takes 1 to 50, LocalStack's kinesis-mock refuses more
 * than 10; 10 works on both.
 */
export const MAX_KEYS_PER_CALL = 10;
/** Tags asked for per ListTagsForStream page (the API's Limit, 1 to 50). */
const PAGE_SIZE = 50;

const sdk = optionalSdk('@aws-sdk/client-kinesis', () =>
  sdkPackage<typeof import('@aws-sdk/client-kinesis')>('@aws-sdk/client-kinesis'),
);
// The SDK's HTTP/1.1 handler, the one every other client uses (a dependency of unitag's and of each SDK client).
const http1 = once(() => sdkPackage<typeof import('@smithy/node-http-handler')>('@smithy/node-http-handler'));
const loader: ClientLoader<KinesisClient> = {
  id: name,
  async create(config) {
    const [{ KinesisClient }, { NodeHttpHandler }] = await Promise.all([sdk.load(), http1()]);
    // The Kinesis client speaks HTTP/2 by default, for SubscribeToShard alone. The tagging calls need none of
    // it; over HTTP/1.1 they get the timeouts every other client gets (the HTTP/2 handler has no connection
    // timeout), and LocalStack's answers, whose bodies the HTTP/2 handler reads as empty. A handler of the
    // caller's own is kept.
    return new KinesisClient({
      ...config,
      requestHandler: NodeHttpHandler.create(
        config.requestHandler as Parameters<typeof NodeHttpHandler.create>[0],
      ),
    });
  },
  reads: { ListTagsForStreamCommand: { json: ['Tags', 'HasMoreTags'] } },
  writes: { AddTagsToStreamCommand: { empty: 'json' }, RemoveTagsFromStreamCommand: { empty: 'json' } },
};

/** Stream names: 1-128 letters, digits, `_`, `.` and `-` (AWS's reference for StreamName). */
const STREAM_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * What the inventory lists: every data stream of the scope's region, ListStreams, 100 names a page (its most), each
 * page starting after the last name of the one before (ExclusiveStartStreamName) while HasMoreStreams is true.
 * StreamNames and HasMoreStreams are the answer's required members; StreamSummaries and NextToken are not, and some
 * servers leave them out, so the ARN is built from the name.
 */
const LISTED: Readonly<Record<string, Listing>> = {
  'kinesis:stream': {
    operation: 'ListStreams',
    input: { Limit: 100 },
    token: 'ExclusiveStartStreamName',
    next: nextStreamName,
    member: 'StreamNames',
    resource: (stream) => `stream/${stringMember(stream, 'StreamNames', 'ListStreams')}`,
  },
};

/**
 * Kinesis data streams: AddTagsToStream (10 tags a call), RemoveTagsFromStream (10 keys a call) and
 * ListTagsForStream (paged by ExclusiveStartTagKey while HasMoreTags), each with StreamARN, so that the call
 * reaches the account and region the ARN names. Not the newer TagResource family: LocalStack does not serve it.
 */
const kinesis: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeStream,
  permissions: () => ({
    tag: ['kinesis:AddTagsToStream'],
    untag: ['kinesis:RemoveTagsFromStream'],
    list: ['kinesis:ListTagsForStream'],
  }),
  async list(ctx, arn, { signal }) {
    const [client, { ListTagsForStreamCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), signal),
      sdk.load(),
    ]);
    const send = (ExclusiveStartTagKey: string | undefined) =>
      client.send(
        new ListTagsForStreamCommand({ StreamARN: arn.arn, Limit: PAGE_SIZE, ExclusiveStartTagKey }),
        { abortSignal: signal },
      );
    const tags = newTags();
    for await (const page of pages('ListTagsForStream', send, nextTagKey)) {
      Object.assign(tags, entryTags(page, 'Tags', 'ListTagsForStream'));
    }
    return tags;
  },
  async tag(ctx, arn, tags, { signal }) {
    const [client, { AddTagsToStreamCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), signal),
      sdk.load(),
    ]);
    for (const part of chunk(Object.entries(tags), MAX_TAGS_PER_CALL)) {
      const Tags: Tags = Object.fromEntries(part);
      await client.send(new AddTagsToStreamCommand({ StreamARN: arn.arn, Tags }), { abortSignal: signal });
    }
    return 'changed';
  },
  async untag(ctx, arn, keys, { signal }) {
    const [client, { RemoveTagsFromStreamCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), signal),
      sdk.load(),
    ]);
    for (const TagKeys of chunk(keys, MAX_KEYS_PER_CALL)) {
      await client.send(new RemoveTagsFromStreamCommand({ StreamARN: arn.arn, TagKeys }), {
        abortSignal: signal,
      });
    }
    return 'changed';
  },
  inventory: listedInventory({ service: name, loader, load: sdk.load, listings: LISTED }),
});

export default kinesis;

/** The name to start the next ListStreams page after: this page's last, while HasMoreStreams is true. */
function nextStreamName(page: { StreamNames?: unknown; HasMoreStreams?: unknown }): string | undefined {
  if (typeof page.HasMoreStreams !== 'boolean') throw malformed('ListStreams', 'no HasMoreStreams flag');
  const names = listMember(page, 'StreamNames', 'ListStreams');
  if (!page.HasMoreStreams) return undefined;
  const last = names.at(-1);
  if (typeof last !== 'string') throw malformed('ListStreams', 'more streams after a page without a name');
  return last;
}

/** A stream ARN's type and rules; refuses consumers and anything else that is not `stream/NAME`. */
function describeStream(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  rejectTypeCase(arn, ['stream'], name);
  if (arn.resourceType !== 'stream' || !arn.resource.startsWith('stream/') || arn.resourceId.includes('/')) {
    throw new UnsupportedResourceError(
      `unitag tags Kinesis data streams (arn:...:stream/NAME); ${arn.arn} is not one (stream consumers ` +
        'take tags only through TagResource, which unitag does not call).',
      context,
    );
  }
  if (arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn}: a Kinesis stream ARN names its region and 12-digit account.`,
      context,
    );
  }
  if (!STREAM_NAME.test(arn.resourceId)) {
    throw new InvalidArnError(
      `${arn.arn}: "${arn.resourceId}" is not a Kinesis stream name (1-128 letters, digits, _ . -).`,
      context,
    );
  }
  return { type: 'kinesis:stream', rules: DEFAULT_RULES, taggingApi: false };
}

/**
 * The key to start the next ListTagsForStream page after: the last key of this page while HasMoreTags is true.
 * More tags with none on this page (nothing to start after) is not the API's document.
 */
function nextTagKey(page: { Tags?: unknown; HasMoreTags?: unknown }): string | undefined {
  if (typeof page.HasMoreTags !== 'boolean') throw malformed('ListTagsForStream', 'no HasMoreTags flag');
  const tags = listMember(page, 'Tags', 'ListTagsForStream');
  if (!page.HasMoreTags) return undefined;
  const last = tags.at(-1) as { Key?: unknown } | undefined;
  if (typeof last?.Key !== 'string')
    throw malformed('ListTagsForStream', 'more tags after a page without a key');
  return last.Key;
}
