// The CloudWatch adapter (its SDK client an optional peer dependency) through the shared conformance suite on
// LocalStack. LocalStack's ListTagsForResource answers {} for an alarm that does not exist, where AWS answers
// ResourceNotFoundException: that case is covered on mocked clients (test/unit/adapters/cloudwatch.test.ts).
import { describe } from 'vitest';
import { createAlarm } from '../../fixtures/optional-resources.js';
import { testAdapter } from '../conformance.js';
import { awsConfig, onLocalStack, uniqueName } from '../helpers.js';

describe('CloudWatch on LocalStack', () => {
  testAdapter(
    {
      name: 'cloudwatch alarm',
      create: () => createAlarm(awsConfig(), uniqueName('alarm')),
    },
    onLocalStack,
  );
});
