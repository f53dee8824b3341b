import type { SNSClient } from '@aws-sdk/client-sns';
import {
  type AdapterContext,
  type AdapterFactory,
  arnTagging,
  type CallOptions,
  type ClientLoader,
  type ClientScope,
  DEFAULT_RULES,
  InvalidArnError,
  type ListedResource,
  listMember,
  once,
  pages,
  requiredTagList,
  sdkPackage,
  stringMember,
  toTagList,
  UnsupportedResourceError,
} from '../src/core/kit.js';

/** The ARN service field this adapter serves. */
export const name = 'sns';

const sdk = once(() => sdkPackage<typeof import('@aws-sdk/client-sns')>('@aws-sdk/client-sns'));
const loader: ClientLoader<SNSClient> = {
  id: name,
  create: async (config) => new (await sdk()).SNSClient(config),
  reads: { ListTagsForResourceCommand: { xml: 'ListTagsForResourceResponse' } },
  // Query-protocol answers: the root element is the operation's name and `Response`.
  writes: {
    TagResourceCommand: { xml: 'TagResourceResponse' },
    UntagResourceCommand: { xml: 'UntagResourceResponse' },
  },
};

/** Topic names: up to 256 letters, digits, `-` and `_`, with `.fifo` at the end of FIFO topics. */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * SNS topics: TagResource, UntagResource and ListTagsForResource, all by topic ARN.
 * SNS tags nothing but topics; subscription and platform-application ARNs are refused.
 */
const sns: AdapterFactory = () => ({
  name,
  describe(arn) {
    // A topic ARN's resource is the bare topic name; `topic:uuid` is a subscription.
    if (arn.resourceType !== '') {
      throw new UnsupportedResourceError(`SNS tags topics only; ${arn.arn} is not a topic ARN.`, {
        arn: arn.arn,
        service: name,
      });
    }
    if (!TOPIC_NAME.test(arn.resource)) {
      throw new InvalidArnError(
        `${arn.arn}: "${arn.resource}" is not an SNS topic name (letters, digits, - and _, optionally .fifo).`,
        { arn: arn.arn, service: name },
      );
    }
    return { type: 'sns:topic', rules: DEFAULT_RULES, taggingApi: true };
  },
  permissions: () => ({
    tag: ['sns:TagResource'],
    untag: ['sns:UntagResource'],
    list: ['sns:ListTagsForResource'],
  }),
  ...arnTagging({
    loader,
    load: sdk,
    tag: (m, ResourceArn, tags) => new m.TagResourceCommand({ ResourceArn, Tags: toTagList(tags) }),
    untag: (m, ResourceArn, TagKeys) => new m.UntagResourceCommand({ ResourceArn, TagKeys }),
    list: (m, ResourceArn) => new m.ListTagsForResourceCommand({ ResourceArn }),
    tags: (answer) => requiredTagList(answer, 'Tags', 'ListTagsForResource'),
  }),
  inventory: { types: ['sns:topic'], enumerate: listTopics },
});

export default sns;

/** Every topic of the scope's region: ListTopics, 100 a page, to the last page. */
async function* listTopics(
  ctx: AdapterContext,
  scope: ClientScope,
  _types: readonly string[],
  { signal }: CallOptions,
): AsyncGenerator<ListedResource> {
  const [client, { ListTopicsCommand }] = await Promise.all([ctx.client(loader, scope, signal), sdk()]);
  const send = (NextToken: string | undefined) =>
    client.send(new ListTopicsCommand({ NextToken }), { abortSignal: signal });
  for await (const page of pages('ListTopics', send, (out) => out.NextToken)) {
    for (const topic of listMember(page, 'Topics', 'ListTopics')) {
      yield { arn: stringMember(topic, 'TopicArn', 'ListTopics'), type: 'sns:topic' };
    }
  }
}
