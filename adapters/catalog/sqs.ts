import type { Catalog } from './types.js';

/** SQS queues (adapters/sqs.ts). */
export const catalog: Catalog = [
  {
    type: 'sqs:queue',
    arn: 'arn:aws:sqs:REGION:ACCOUNT:NAME',
    example: 'arn:aws:sqs:eu-west-1:123456789012:jobs',
    calls: { tag: ['TagQueue'], untag: ['UntagQueue'], list: ['ListQueueTags'] },
    identifier:
      'the queue URL, built from the ARN with no call (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`)',
    notes:
      'A name of 1-80 letters, digits, `-` and `_` (`.fifo` at the end of FIFO queues): `?`, `#` and other characters would change the URL, so they are `InvalidArn`.',
  },
];
