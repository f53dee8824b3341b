import type { Catalog } from './types.js';

/** SNS topics (adapters/sns.ts). */
export const catalog: Catalog = [
  {
    type: 'sns:topic',
    arn: 'arn:aws:sns:REGION:ACCOUNT:NAME',
    example: 'arn:aws:sns:us-east-1:123456789012:orders',
    calls: { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTagsForResource'] },
    identifier: 'the topic ARN',
    notes: 'Topics only: subscription and platform-application ARNs are refused (`UnsupportedResource`).',
    mockedOnly:
      "AWS's answers to a tag call on a topic that does not exist, and to more than 50 tags: LocalStack's SNS checks neither.",
  },
];
