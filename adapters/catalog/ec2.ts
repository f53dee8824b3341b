import type { Catalog, ResourceDescription } from './types.js';

/** What every EC2 type has in common: one id, and the same three calls. */
function ec2(
  type: string,
  example: string,
  more: Partial<Pick<ResourceDescription, 'notes' | 'mockedOnly'>> = {},
): ResourceDescription {
  return {
    type: `ec2:${type}`,
    arn: `arn:aws:ec2:REGION:${type === 'image' || type === 'snapshot' ? '[ACCOUNT]' : 'ACCOUNT'}:${type}/ID`,
    example: `arn:aws:ec2:us-east-1:123456789012:${type}/${example}`,
    calls: { tag: ['CreateTags'], untag: ['DeleteTags'], list: ['DescribeTags'] },
    identifier: "the id after `TYPE/`, which must have the type's own prefix and shape",
    ...more,
  };
}

const LISTED_ON_MOCKS_ONLY =
  '`find --missing`/`--untagged` listing (LocalStack answers in one page and ignores `OwnerIds: self`).';

/**
 * EC2 resources by id (adapters/ec2.ts): the common types here; every type of docs/ec2-resource-ids.md (the
 * adapter's ID_PREFIXES) is tagged the same way.
 */
export const catalog: Catalog = [
  ec2('instance', 'i-0123456789abcdef0', { mockedOnly: LISTED_ON_MOCKS_ONLY }),
  ec2('volume', 'vol-0123456789abcdef0'),
  ec2('snapshot', 'snap-0123456789abcdef0', {
    notes: "A public snapshot's ARN may leave the account out; it is then not checked.",
    mockedOnly: LISTED_ON_MOCKS_ONLY,
  }),
  ec2('image', 'ami-0123456789abcdef0', {
    notes: "A public image's ARN may leave the account out; it is then not checked.",
  }),
  ec2('vpc', 'vpc-0123456789abcdef0', { mockedOnly: LISTED_ON_MOCKS_ONLY }),
  ec2('subnet', 'subnet-0123456789abcdef0'),
  ec2('security-group', 'sg-0123456789abcdef0'),
  ec2('key-pair', 'key-0123456789abcdef0', {
    notes: "Named by its id (`key-...`), which CreateTags takes, not by the name AWS's own ARN carries.",
  }),
  {
    ...ec2('transit-gateway', 'tgw-0123456789abcdef0'),
    type: 'ec2:TYPE',
    arn: 'arn:aws:ec2:REGION:ACCOUNT:TYPE/ID',
    mockedOnly:
      'For every EC2 type: DeleteTags always sent with keys, and without values (AWS deletes every tag when none is named); DescribeTags paging by NextToken (LocalStack answers in one page).',
    notes:
      'Every other type of docs/ec2-resource-ids.md (`natgateway/nat-...`, `launch-template/lt-...`, `transit-gateway/tgw-...`, ...), by its id: an id of another type, or of a type unitag has no id prefix for, is refused before any call.',
  },
];
