import { describe } from 'vitest';
import logs from '../../../adapters/logs.js';
import { createTagger } from '../../../src/index.js';
import { testAdapter } from '../../conformance.js';
import { withoutOptionalPackage } from '../../helpers.js';
import { fakeAws } from '../../mocks/fake-clients.js';

// The shared conformance suite, on mocked clients with each service's tagging semantics (test/mocks).
const fake = fakeAws();
const onMocks = {
  tagger: () =>
    createTagger({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      preferTaggingApi: false,
      onNotice: () => {},
    }),
};
const ACCOUNT = '123456789012';

describe('every adapter on mocked clients', () => {
  testAdapter(
    { name: 'sns topic', create: fake.topic, missing: () => `arn:aws:sns:us-east-1:${ACCOUNT}:nope` },
    onMocks,
  );
  testAdapter(
    { name: 'sqs queue', create: fake.queue, missing: () => `arn:aws:sqs:us-east-1:${ACCOUNT}:nope` },
    onMocks,
  );
  testAdapter(
    {
      name: 'lambda function',
      create: fake.fn,
      missing: () => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:nope`,
    },
    onMocks,
  );
  testAdapter({ name: 's3 bucket', create: fake.bucket, missing: () => 'arn:aws:s3:::nope' }, onMocks);
  testAdapter(
    {
      name: 's3 object',
      create: fake.object,
      missing: () => 'arn:aws:s3:::nope/key',
      versions: async () => ({ arn: await fake.object(), versionIds: ['v1', 'v2'] }),
    },
    onMocks,
  );
  testAdapter(
    {
      name: 'ec2 volume',
      create: fake.volume,
      missing: () => `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-0123456789abcdef0`,
      missingOnlyOnWrite: true,
    },
    onMocks,
  );
  testAdapter(
    { name: 'iam role', create: fake.role, missing: () => `arn:aws:iam::${ACCOUNT}:role/service/nope` },
    onMocks,
  );
  testAdapter(
    { name: 'iam policy', create: fake.policy, missing: () => `arn:aws:iam::${ACCOUNT}:policy/nope` },
    onMocks,
  );
  describe('where the Logs client is not installed', () => {
    withoutOptionalPackage(logs());
    testAdapter(
      {
        name: 'logs log group (tagging API)',
        create: fake.logGroup,
        missing: () => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:nope`,
        // GetResources leaves out what does not exist, as it leaves out what was never tagged.
        missingOnlyOnWrite: true,
        standIn: true,
      },
      onMocks,
    );
  });
});
