// The KMS, Secrets Manager and Systems Manager adapters (their SDK clients optional peer dependencies) through
// the shared conformance suite on LocalStack. DynamoDB is not here: LocalStack's DynamoDB runs DynamoDB Local,
// whose licence is not open source, so it runs on an in-memory fake (test/unit/adapters/dynamodb-conformance).
// Patch baselines are not here either: LocalStack answers InvalidResourceId to every tag call on one (it cannot
// tag them), so their calls are asserted on mocked clients (test/unit/adapters/ssm.test.ts).
import { describe } from 'vitest';
import {
  createDocument,
  createKey,
  createMaintenanceWindow,
  createParameter,
  createSecret,
} from '../../fixtures/optional-resources.js';
import { testAdapter } from '../conformance.js';
import { ACCOUNT, awsConfig, onLocalStack, REGION, uniqueName } from '../helpers.js';

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

describe('KMS on LocalStack', () => {
  testAdapter(
    {
      name: 'kms key',
      create: () => createKey(awsConfig()),
      missing: () => arn('kms', 'key/11111111-2222-3333-4444-555555555555'),
    },
    onLocalStack,
  );
});

describe('Secrets Manager on LocalStack', () => {
  testAdapter(
    {
      name: 'secretsmanager secret',
      create: () => createSecret(awsConfig(), uniqueName('unitag/secret')),
      missing: () => arn('secretsmanager', `secret:${uniqueName('never-made')}-AbC123`),
    },
    onLocalStack,
  );
});

describe('Systems Manager on LocalStack', () => {
  testAdapter(
    {
      name: 'ssm parameter (hierarchy)',
      create: () => createParameter(awsConfig(), `/unitag/${uniqueName('param')}`),
      missing: () => arn('ssm', `parameter/unitag/${uniqueName('never-made')}`),
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'ssm parameter (top level)',
      create: () => createParameter(awsConfig(), uniqueName('param')),
      missing: () => arn('ssm', `parameter/${uniqueName('never-made')}`),
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'ssm document',
      create: () => createDocument(awsConfig(), uniqueName('unitag-doc')),
      missing: () => arn('ssm', `document/${uniqueName('never-made')}`),
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 'ssm maintenance window',
      create: () => createMaintenanceWindow(awsConfig(), uniqueName('unitag-mw')),
      missing: () => arn('ssm', 'maintenancewindow/mw-0123456789abcdef0'),
    },
    onLocalStack,
  );
});
