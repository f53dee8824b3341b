import type { Catalog } from './types.js';

/** Kinesis data streams (adapters/kinesis.ts). */
export const catalog: Catalog = [
  {
    type: 'kinesis:stream',
    arn: 'arn:aws:kinesis:REGION:ACCOUNT:stream/NAME',
    example: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
    calls: { tag: ['AddTagsToStream'], untag: ['RemoveTagsFromStream'], list: ['ListTagsForStream'] },
    identifier: 'the stream ARN, as `StreamARN`',
    notes:
      '10 tags and 10 keys a call (a write of 23 tags is three calls, in order); ListTagsForStream pages by ExclusiveStartTagKey. AWS allows 5 of these calls a second per account. Consumers are refused. On LocalStack, Kinesis runs on kinesis-mock.',
  },
];
