import type { Catalog } from './types.js';

const calls = { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListTagsForResource'] };

/** CloudWatch alarms and Contributor Insights rules (adapters/cloudwatch.ts). */
export const catalog: Catalog = [
  {
    type: 'cloudwatch:alarm',
    arn: 'arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME',
    example: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:api/5xx:high',
    calls,
    identifier: 'the ARN',
    notes: 'Alarm names may hold `:` and `/`: the rest of the ARN is the name.',
    mockedOnly: 'A missing alarm (LocalStack answers `{}` where AWS answers `ResourceNotFoundException`).',
  },
  {
    type: 'cloudwatch:insight-rule',
    arn: 'arn:aws:cloudwatch:REGION:ACCOUNT:insight-rule/NAME',
    example: 'arn:aws:cloudwatch:us-east-1:123456789012:insight-rule/top-talkers',
    calls,
    identifier: 'the ARN',
    mockedOnly: '`find --missing`/`--untagged` listing: LocalStack does not emulate DescribeInsightRules.',
  },
];
