// The shared conformance suite on the DynamoDB adapter, against an in-memory fake of DynamoDB's tagging
// (test/mocks/fake-dynamodb.ts): LocalStack here serves no DynamoDB, as DynamoDB Local is not open source.
import { describe } from 'vitest';
import { createTagger } from '../../../src/index.js';
import { testAdapter } from '../../conformance.js';
import { OWN_ACCOUNT } from '../../mocks/accounts.js';
import { fakeDynamoDB } from '../../mocks/fake-dynamodb.js';
import { CREDENTIALS } from '../../mocks/sdk.js';

const fake = fakeDynamoDB();
const onMocks = { tagger: () => createTagger({ region: 'us-east-1', credentials: CREDENTIALS }) };

describe('DynamoDB on an in-memory fake', () => {
  testAdapter(
    {
      name: 'dynamodb table',
      create: fake.table,
      missing: () => `arn:aws:dynamodb:us-east-1:${OWN_ACCOUNT}:table/never-made`,
    },
    onMocks,
  );
  testAdapter(
    {
      name: 'dynamodb stream',
      create: fake.stream,
      missing: () =>
        `arn:aws:dynamodb:us-east-1:${OWN_ACCOUNT}:table/never-made/stream/2024-01-31T12:00:00.000`,
    },
    onMocks,
  );
});
