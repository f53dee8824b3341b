import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type AdapterFactory,
  type ClientLoader,
  DEFAULT_RULES,
  InvalidArnError,
  once,
  optionalTagMap,
  PARTITIONS,
  type ParsedArn,
  scopeOf,
  UnsupportedResourceError,
  usesCustomEndpoint,
} from '../src/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'sqs';

const sdk = once(() => import('@aws-sdk/client-sqs'));
const loader: ClientLoader<SQSClient> = {
  id: name,
  create: async (config) =>
    new (await sdk()).SQSClient({
      // With an endpoint from the environment (AWS_ENDPOINT_URL) the SDK would still send to the URL's AWS host.
      useQueueUrlAsEndpoint: !usesCustomEndpoint(config, 'sqs'),
      ...config,
    }),
  reads: { ListQueueTagsCommand: { json: ['Tags'] } },
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
  describe(arn) {
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
  },
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
});

export default sqs;

/**
 * `arn:aws:sqs:eu-west-1:123456789012:jobs` -> `https://sqs.eu-west-1.amazonaws.com/123456789012/jobs`.
 * With a custom endpoint (the `endpoint` option, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_SQS) the client sends the
 * request to that endpoint whatever the URL's host is, so the same URL serves LocalStack.
 */
export function queueUrl(arn: ParsedArn): string {
  const suffix = PARTITIONS[arn.partition]?.dnsSuffix ?? 'amazonaws.com';
  return `https://sqs.${arn.region}.${suffix}/${arn.accountId}/${arn.resourceId}`;
}
