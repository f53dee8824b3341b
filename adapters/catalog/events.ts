import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTagsForResource'] };

/** EventBridge rules and event buses (adapters/events.ts). */
export const catalog: Catalog = [
  {
    type: 'events:rule',
    arn: 'arn:aws:events:REGION:ACCOUNT:rule/[BUS/]NAME',
    example: 'arn:aws:events:us-east-1:123456789012:rule/orders-bus/nightly',
    calls,
    identifier: 'the ARN',
    notes: 'Rules on the default bus (`rule/NAME`), and on custom and partner buses (`rule/BUS/NAME`).',
  },
  {
    type: 'events:event-bus',
    arn: 'arn:aws:events:REGION:ACCOUNT:event-bus/NAME',
    example: 'arn:aws:events:us-east-1:123456789012:event-bus/orders-bus',
    calls,
    identifier: 'the ARN',
  },
];
