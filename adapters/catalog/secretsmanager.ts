import type { Catalog } from './types.js';

/** Secrets Manager secrets (adapters/secretsmanager.ts). */
export const catalog: Catalog = [
  {
    type: 'secretsmanager:secret',
    arn: 'arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-SUFFIX',
    example: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password-AbC123',
    calls: { tag: ['TagResource'], untag: ['UntagResource'], list: ['DescribeSecret'] },
    identifier: 'the secret ARN, as `SecretId`',
    notes:
      'Complete ARNs only (with the six characters Secrets Manager adds to the name). DescribeSecret leaves `Tags` out when there are none; its `ARN` is required instead, so that another answer is not read as "no tags".',
  },
];
