import type { Catalog } from './types.js';

/** S3 buckets and objects (adapters/s3.ts). */
export const catalog: Catalog = [
  {
    type: 's3:bucket',
    arn: 'arn:aws:s3:::BUCKET',
    example: 'arn:aws:s3:::reports',
    calls: {
      tag: ['GetBucketTagging', 'PutBucketTagging'],
      untag: ['GetBucketTagging', 'PutBucketTagging or DeleteBucketTagging'],
      list: ['GetBucketTagging'],
    },
    identifier: 'the bucket name',
    notes:
      "Read-modify-write of the whole set (`aws:` tags written back as they were; the tagging deleted when no tag is left; nothing written when nothing changes). The ARN has no region: the client follows S3's redirect to the bucket's. A name no naming rule allows is `InvalidArn`. Access points, Outposts and S3 Control resources are refused (`UnsupportedResource`).",
    mockedOnly:
      'Existing `aws:` system tags carried through writes, the 50-tag limit, and failed reads (an error, never "no tags"; `NoSuchTagSet` inside a 200 answer): LocalStack neither sets `aws:` tags nor enforces the limit.',
  },
  {
    type: 's3:object',
    arn: 'arn:aws:s3:::BUCKET/KEY',
    example: 'arn:aws:s3:::reports/2026/q3.csv',
    calls: {
      tag: ['GetObjectTagging', 'PutObjectTagging'],
      untag: ['GetObjectTagging', 'PutObjectTagging or DeleteObjectTagging'],
      list: ['GetObjectTagging'],
    },
    identifier: 'the bucket and key, and the `versionId` option for one version',
    notes:
      'Read-modify-write of the whole set, as for buckets; the key may hold slashes and is at most 1,024 bytes. The actions of a version are `s3:*ObjectVersionTagging`.',
    mockedOnly:
      'The 10-tag limit of objects (LocalStack does not enforce it), and the version named on both the read and the write.',
  },
];
