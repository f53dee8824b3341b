import { describe } from 'vitest';
import {
  createEventSourceMapping,
  createFunction,
  createQueue,
  createTopic,
} from '../../fixtures/aws-resources.js';
import { testAdapter } from '../conformance.js';
import { ACCOUNT, awsConfig, onLocalStack, REGION, uniqueName } from '../helpers.js';

describe('SNS, SQS and Lambda on LocalStack', () => {
  testAdapter(
    {
      name: 'sns topic',
      create: () => createTopic(awsConfig(), uniqueName('topic')),
      // LocalStack's SNS tag operations do not check that the topic exists (unit tests cover it): no missing case.
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'sqs queue',
      create: () => createQueue(awsConfig(), uniqueName('queue')),
      missing: () => `arn:aws:sqs:${REGION}:${ACCOUNT}:${uniqueName('missing')}`,
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'lambda function',
      create: () => createFunction(awsConfig(), uniqueName('fn')),
      missing: () => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${uniqueName('missing')}`,
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'lambda event-source mapping',
      create: () => createEventSourceMapping(awsConfig(), uniqueName('esm')),
    },
    onLocalStack,
  );
  // Code-signing configs: LocalStack 2026.3 answers "Resource tagging on CSC not yet implemented", so they
  // are covered by the mocked unit tests (test/unit/core-adapters.test.ts).
});
