import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type AdapterContext,
  type AdapterFactory,
  type ClientLoader,
  InvalidArnError,
  type Listing,
  listedInventory,
  newTags,
  optionalSdk,
  type ParsedArn,
  pages,
  type ResourceInfo,
  requiredTagList,
  scopeOf,
  sdkPackage,
  stringMember,
  type TagRules,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'dynamodb';

const sdk = optionalSdk('@aws-sdk/client-dynamodb', () =>
  sdkPackage<typeof import('@aws-sdk/client-dynamodb')>('@aws-sdk/client-dynamodb'),
);
const loader: ClientLoader<DynamoDBClient> = {
  id: name,
  create: async (config) => new (await sdk.load()).DynamoDBClient(config),
  reads: { ListTagsOfResourceCommand: { json: ['Tags', 'NextToken'] } },
  writes: { TagResourceCommand: { empty: 'json' }, UntagResourceCommand: { empty: 'json' } },
};

/**
 * DynamoDB's tag rules: 50 tags a resource, and letters, digits, white space and `+ - = . _ : /` only (no `@`,
 * which most services take).
 */
const DYNAMODB_RULES: TagRules = {
  maxTags: 50,
  charset: /^[\p{L}\p{Z}\p{N}_.:/=+-]*$/u,
  caseInsensitiveKeys: false,
};

/** Table names: 3 to 255 letters, digits, `_`, `-` and `.`. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** A stream's label: the time it was enabled, `2024-01-31T12:00:00.000`. */
const STREAM_LABEL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;
/** What a table ARN may name below the table, and cannot be tagged. */
const UNTAGGABLE = new Set(['index', 'backup', 'export', 'import']);

/**
 * What the inventory lists: every table of the scope's region, ListTables, 100 names a page, following
 * LastEvaluatedTableName. Streams are not listed: their ARNs come from DescribeTable (a call per table) or from
 * DynamoDB Streams' own ListStreams, whose SDK client is another package.
 */
const LISTED: Readonly<Record<string, Listing>> = {
  'dynamodb:table': {
    operation: 'ListTables',
    input: { Limit: 100 },
    token: 'ExclusiveStartTableName',
    next: 'LastEvaluatedTableName',
    member: 'TableNames',
    resource: (table) => `table/${stringMember(table, 'TableNames', 'ListTables')}`,
  },
};

/**
 * DynamoDB tables and streams: TagResource, UntagResource and ListTagsOfResource (paged by NextToken), all by
 * ARN. Indexes, backups, exports, imports and (2017) global tables are refused.
 */
const dynamodb: AdapterFactory = () => ({
  name,
  optionalPackage: sdk,
  describe: describeResource,
  permissions: () => ({
    tag: ['dynamodb:TagResource'],
    untag: ['dynamodb:UntagResource'],
    list: ['dynamodb:ListTagsOfResource'],
  }),
  async list(ctx, arn, { signal }) {
    const [client, { ListTagsOfResourceCommand }] = await connect(ctx, arn, signal);
    const send = (NextToken: string | undefined) =>
      client.send(new ListTagsOfResourceCommand({ ResourceArn: arn.arn, NextToken }), {
        abortSignal: signal,
      });
    const tags = newTags();
    for await (const page of pages('ListTagsOfResource', send, (out) => out.NextToken)) {
      Object.assign(tags, requiredTagList(page, 'Tags', 'ListTagsOfResource'));
    }
    return tags;
  },
  async tag(ctx, arn, tags, { signal }) {
    const [client, { TagResourceCommand }] = await connect(ctx, arn, signal);
    await client.send(new TagResourceCommand({ ResourceArn: arn.arn, Tags: toTagList(tags) }), {
      abortSignal: signal,
    });
    return 'changed';
  },
  async untag(ctx, arn, keys, { signal }) {
    const [client, { UntagResourceCommand }] = await connect(ctx, arn, signal);
    await client.send(new UntagResourceCommand({ ResourceArn: arn.arn, TagKeys: keys }), {
      abortSignal: signal,
    });
    return 'changed';
  },
  inventory: listedInventory({ service: name, loader, load: sdk.load, listings: LISTED }),
});

export default dynamodb;

/** A table or stream ARN's type and rules; refuses what DynamoDB cannot tag, before any call. */
function describeResource(arn: ParsedArn): ResourceInfo {
  const context = { arn: arn.arn, service: name };
  if (arn.resourceType === 'global-table') {
    throw new UnsupportedResourceError(
      `${arn.arn}: a global table is tagged replica by replica; tag each replica by its own table ARN ` +
        '(arn:aws:dynamodb:REGION:ACCOUNT:table/NAME).',
      context,
    );
  }
  const [table = '', below, label, ...rest] = arn.resourceId.split('/');
  if (!arn.resource.startsWith('table/')) {
    throw new UnsupportedResourceError(
      `${arn.arn} is not a DynamoDB table or stream ARN (table/NAME, table/NAME/stream/LABEL).`,
      context,
    );
  }
  if (below !== undefined && UNTAGGABLE.has(below)) {
    throw new UnsupportedResourceError(
      `DynamoDB tags tables and streams, not a table's ${below}; tag the table itself: ${arn.arn.split('/').slice(0, 2).join('/')}.`,
      context,
    );
  }
  const stream = below === 'stream' && STREAM_LABEL.test(label ?? '') && rest.length === 0;
  const plain = below === undefined;
  if (!TABLE_NAME.test(table) || !(plain || stream) || arn.region === '' || !/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(
      `${arn.arn}: a DynamoDB ARN names a region, a 12-digit account and table/NAME (3 to 255 letters, digits, ` +
        '_ - and .), or table/NAME/stream/LABEL for a stream.',
      context,
    );
  }
  return { type: stream ? 'dynamodb:stream' : 'dynamodb:table', rules: DYNAMODB_RULES, taggingApi: false };
}

function connect(ctx: AdapterContext, arn: ParsedArn, signal: AbortSignal | undefined) {
  return Promise.all([ctx.client(loader, scopeOf(arn), signal), sdk.load()]);
}
