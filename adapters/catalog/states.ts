import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTagsForResource'] };

/** Step Functions state machines and activities (adapters/states.ts). */
export const catalog: Catalog = [
  {
    type: 'states:stateMachine',
    arn: 'arn:aws:states:REGION:ACCOUNT:stateMachine:NAME',
    example: 'arn:aws:states:us-east-1:123456789012:stateMachine:checkout',
    calls,
    identifier: 'the ARN',
    notes:
      'Tags go as lowercase `key`/`value`. Versions and aliases (`:NAME:1`, `:NAME:prod`) are refused (tag the state machine); executions take no tags.',
    mockedOnly: 'More than 50 tags, which AWS refuses (`TooManyTags`) and LocalStack accepts.',
  },
  {
    type: 'states:activity',
    arn: 'arn:aws:states:REGION:ACCOUNT:activity:NAME',
    example: 'arn:aws:states:us-east-1:123456789012:activity:approve',
    calls,
    identifier: 'the ARN',
    mockedOnly:
      'Every call: LocalStack refuses to tag activities, so they run the conformance suite on an in-memory fake of Step Functions.',
  },
];
