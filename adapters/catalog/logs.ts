import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTagsForResource'] };

/** CloudWatch Logs log groups and destinations (adapters/logs.ts). */
export const catalog: Catalog = [
  {
    type: 'logs:log-group',
    arn: 'arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]',
    example: 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/resize:*',
    calls,
    identifier: 'the ARN without `:*`',
    notes:
      'With or without the `:*` DescribeLogGroups writes: both name one group, and the IAM policy names the ARN without it. Log streams are refused (tag their group).',
    mockedOnly:
      "A missing log group (LocalStack answers `{}` where AWS answers `ResourceNotFoundException`). LocalStack keeps Logs tags only on a group created with tags, so the tests create theirs that way, and its tagging API keeps log-group tags apart from the Logs API's.",
  },
  {
    type: 'logs:destination',
    arn: 'arn:aws:logs:REGION:ACCOUNT:destination:NAME',
    example: 'arn:aws:logs:us-east-1:123456789012:destination:central',
    calls,
    identifier: 'the destination ARN',
    mockedOnly: '`find --missing`/`--untagged` listing (DescribeDestinations).',
  },
];
