import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTags'] };

/** Lambda functions, event-source mappings, code-signing configs, capacity providers, network connectors and MicroVM images (adapters/lambda.ts). */
export const catalog: Catalog = [
  {
    type: 'lambda:function',
    arn: 'arn:aws:lambda:REGION:ACCOUNT:function:NAME',
    example: 'arn:aws:lambda:us-east-1:123456789012:function:resize',
    calls,
    identifier: 'the function ARN',
    notes:
      'Qualified ARNs (`:1`, `:alias`, `:$LATEST`) are refused (`UnsupportedResource`), as AWS refuses them: tag the function.',
  },
  {
    type: 'lambda:event-source-mapping',
    arn: 'arn:aws:lambda:REGION:ACCOUNT:event-source-mapping:UUID',
    example:
      'arn:aws:lambda:us-east-1:123456789012:event-source-mapping:1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901',
    calls,
    identifier: 'the mapping ARN',
  },
  {
    type: 'lambda:code-signing-config',
    arn: 'arn:aws:lambda:REGION:ACCOUNT:code-signing-config:csc-ID',
    example: 'arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef0',
    calls,
    identifier: 'the config ARN',
    mockedOnly: 'Every call: LocalStack does not implement code-signing configs.',
  },
  {
    type: 'lambda:capacity-provider',
    arn: 'arn:aws:lambda:REGION:ACCOUNT:capacity-provider:NAME',
    example: 'arn:aws:lambda:us-east-1:123456789012:capacity-provider:batch-fleet',
    calls,
    identifier: 'the capacity provider ARN',
    mockedOnly: 'Every call: LocalStack does not implement capacity providers.',
  },
  {
    type: 'lambda:network-connector',
    arn: 'arn:aws:lambda:REGION:ACCOUNT:network-connector:ID',
    example: 'arn:aws:lambda:us-east-1:123456789012:network-connector:nc-0123456789abcdef0',
    calls,
    identifier: 'the network connector ARN',
    mockedOnly: 'Every call: LocalStack does not implement network connectors.',
  },
  {
    type: 'lambda:microvm-image',
    arn: 'arn:aws:lambda:REGION:ACCOUNT:microvm-image:NAME',
    example: 'arn:aws:lambda:us-east-1:123456789012:microvm-image:base-image',
    calls,
    identifier: 'the MicroVM image ARN',
    mockedOnly: 'Every call: LocalStack does not implement MicroVM images.',
  },
];
