import type { Catalog } from './types.js';

/**
 * The Resource Groups Tagging API (adapters/tagging-api.ts): every service it tags that has no adapter of its own,
 * and the types of the adapters whose optional SDK client is not installed. One example stands for them all.
 */
export const catalog: Catalog = [
  {
    type: 'SERVICE:TYPE',
    arn: 'arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE',
    example: 'arn:aws:rds:us-east-1:123456789012:db:orders',
    calls: { tag: ['TagResources'], untag: ['UntagResources'], list: ['GetResources'] },
    identifier: 'the ARN (`ResourceARNList`: 20 ARNs a write, 100 a read)',
    notes:
      "The type is the service and the ARN's resource type (`rds:db`, `ecs:cluster`), or `SERVICE:resource` where the ARN has none. Per-ARN failures come inside a successful answer (`FailedResourcesMap`): each becomes a typed error, and only throttled ARNs are sent again. GetResources does not return a resource that was never tagged: it lists as `{}`, except where the service has an adapter whose SDK client is not installed (`ClientMissing`, naming the package). Writes also need the service's own tagging permission.",
    mockedOnly:
      'Throttled ARNs inside an answer, and reads of a list of ARNs (`ResourceARNList`, which LocalStack ignores, paging through everything). LocalStack answers "Service not yet supported" to SNS, SQS, S3, EC2 and IAM ARNs, and to untagging log groups; the integration tests show that typed per-ARN error.',
  },
];
