import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type AdapterContext,
  type AdapterFactory,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  DEFAULT_RULES,
  InvalidArnError,
  type ListedResource,
  listMember,
  malformed,
  once,
  optionalTagMap,
  PARTITIONS,
  type ParsedArn,
  pages,
  type ResourceInfo,
  regionOf,
  scopeOf,
  sdkPackage,
  stringMember,
  UnsupportedResourceError,
  usesCustomEndpoint,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'sqs';

const sdk = once(() => sdkPackage<typeof import('@aws-sdk/client-sqs')>('@aws-sdk/client-sqs'));
const loader: ClientLoader<SQSClient> = {
  id: name,
  create: async (config) =>
    new (await sdk()).SQSClient({
      // With an endpoint from the environment (AWS_ENDPOINT_URL) the SDK would still send to the URL's AWS host.
      useQueueUrlAsEndpoint: !usesCustomEndpoint(config, 'sqs'),
      ...config,
    }),
  reads: {
    ListQueueTagsCommand: { json: ['Tags'] },
    // ListQueues leaves QueueUrls out when there is no queue: only the whole document tells "none" from a stray answer.
    ListQueuesCommand: { json: ['QueueUrls', 'NextToken'] },
  },
  writes: { TagQueueCommand: { empty: 'json' }, UntagQueueCommand: { empty: 'json' } },
};

/**
 * Queue names: 1-80 letters, digits, `-` and `_`, with `.fifo` at the end of FIFO queues. Anything else (a `?`
 * or `#` above all) would change the queue URL built from the ARN, and so the queue it names.
 */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/**
 * SQS queues: TagQueue, UntagQueue and ListQueueTags. SQS addresses queues by URL, not ARN; the URL is built
 * from the ARN (see {@link queueUrl}) at no extra call.
 */
const sqs: AdapterFactory = () => ({
  name,
  describe: describeQueue,
  // The queue URL is built from the ARN: no GetQueueUrl, so no sqs:GetQueueUrl.
  permissions: () => ({ tag: ['sqs:TagQueue'], untag: ['sqs:UntagQueue'], list: ['sqs:ListQueueTags'] }),
  async list(ctx, arn, options) {
    const [client, { ListQueueTagsCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), options.signal),
      sdk(),
    ]);
    const out = await client.send(new ListQueueTagsCommand({ QueueUrl: queueUrl(arn) }), {
      abortSignal: options.signal,
    });
    // SQS leaves Tags out when the queue has none; the client has refused an empty body already.
    return optionalTagMap(out.Tags, 'ListQueueTags');
  },
  async tag(ctx, arn, tags, options) {
    const [client, { TagQueueCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), options.signal),
      sdk(),
    ]);
    await client.send(new TagQueueCommand({ QueueUrl: queueUrl(arn), Tags: tags }), {
      abortSignal: options.signal,
    });
    return 'changed';
  },
  async untag(ctx, arn, keys, options) {
    const [client, { UntagQueueCommand }] = await Promise.all([
      ctx.client(loader, scopeOf(arn), options.signal),
      sdk(),
    ]);
    await client.send(new UntagQueueCommand({ QueueUrl: queueUrl(arn), TagKeys: keys }), {
      abortSignal: options.signal,
    });
    return 'changed';
  },
  inventory: { types: ['sqs:queue'], enumerate: listQueues },
});

export default sqs;

/** A queue ARN's type and rules; refuses what is not a queue ARN SQS would take. */
function describeQueue(arn: ParsedArn): ResourceInfo {
  if (arn.resourceType !== '' || arn.region === '') {
    throw new UnsupportedResourceError(
      `${arn.arn} is not an SQS queue ARN (arn:aws:sqs:region:account:name).`,
      {
        arn: arn.arn,
        service: name,
      },
    );
  }
  // The queue URL is built from the account: it must be one (`aws` is not).
  if (!/^\d{12}$/.test(arn.accountId)) {
    throw new InvalidArnError(`${arn.arn}: an SQS queue ARN names its 12-digit account.`, {
      arn: arn.arn,
      service: name,
    });
  }
  if (!QUEUE_NAME.test(arn.resource)) {
    throw new InvalidArnError(
      `${arn.arn}: "${arn.resource}" is not an SQS queue name (1-80 letters, digits, - and _, optionally .fifo).`,
      { arn: arn.arn, service: name },
    );
  }
  return { type: 'sqs:queue', rules: DEFAULT_RULES, taggingApi: true };
}

/**
 * Every queue of the scope's region: ListQueues, 1000 a page (NextToken paging needs MaxResults), each URL
 * (`https://sqs.<region>.<domain>/<account>/<name>`) turned into the queue's ARN.
 */
async function* listQueues(
  ctx: AdapterContext,
  scope: ClientScope,
  _types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, { ListQueuesCommand }] = await Promise.all([ctx.client(loader, scope, signal), sdk()]);
  const region = await regionOf(client, scope);
  const send = (NextToken: string | undefined) =>
    client.send(new ListQueuesCommand({ MaxResults: 1000, NextToken }), { abortSignal: signal });
  for await (const page of pages('ListQueues', send, (out) => out.NextToken)) {
    for (const url of listMember(page, 'QueueUrls', 'ListQueues', true)) {
      const [account, queue] = urlPath(stringMember(url, 'QueueUrls', 'ListQueues'));
      yield { arn: `arn:${scope.partition}:sqs:${region}:${account}:${queue}`, type: 'sqs:queue' };
    }
  }
}

/**
 * The account and queue name that end a queue URL's path (`/<account>/<name>`; LocalStack's path-style URLs put
 * `/queue/<region>` before them); any other answer is malformed.
 */
function urlPath(url: string): [string, string] {
  const parts = URL.canParse(url) ? new URL(url).pathname.split('/').filter(Boolean) : [];
  const [account = '', queue = ''] = parts.slice(-2);
  if (!/^\d{12}$/.test(account) || !QUEUE_NAME.test(queue))
    throw malformed('ListQueues', `a queue URL that is not .../<account>/<queue>: ${url}`);
  return [account, queue];
}

/**
 * `arn:aws:sqs:eu-west-1:123456789012:jobs` -> `https://sqs.eu-west-1.amazonaws.com/123456789012/jobs`.
 * With a custom endpoint (the `endpoint` option, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_SQS) the client sends the
 * request to that endpoint whatever the URL's host is, so the same URL serves LocalStack.
 */
export function queueUrl(arn: ParsedArn): string {
  const suffix = PARTITIONS[arn.partition]?.dnsSuffix ?? 'amazonaws.com';
  return `https://sqs.${arn.region}.${suffix}/${arn.accountId}/${arn.resourceId}`;
}
