import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTags'] };

/** Lambda functions, event-source mappings and code-signing configs (adapters/lambda.ts). */
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
];
