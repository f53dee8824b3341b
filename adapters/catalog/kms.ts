import type { Catalog } from './types.js';

/** KMS keys (adapters/kms.ts). */
export const catalog: Catalog = [
  {
    type: 'kms:key',
    arn: 'arn:aws:kms:REGION:ACCOUNT:key/KEY-ID',
    example: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    calls: { tag: ['TagResource'], untag: ['UntagResource'], list: ['ListResourceTags'] },
    identifier: 'the key ARN, as `KeyId`',
    notes:
      'A key id is a UUID, or `mrk-` and 32 hex digits for a multi-Region key. Alias ARNs are refused (tag the key). Tags go as `TagKey`/`TagValue`; ListResourceTags pages by Marker; a tag quota error is `TagLimitExceeded`.',
  },
];
