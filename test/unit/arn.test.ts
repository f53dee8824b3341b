import { describe, expect, it } from 'vitest';
import { partitionOfRegion } from '../../src/core/arn.js';
import { formatArn, InvalidArnError, PARTITIONS, parseArn } from '../../src/index.js';

describe('parseArn', () => {
  it.each([
    // [arn, partition, service, region, account, resourceType, resourceId]
    ['arn:aws:sns:us-east-1:123456789012:orders', 'aws', 'sns', 'us-east-1', '123456789012', '', 'orders'],
    [
      'arn:aws-cn:sqs:cn-north-1:123456789012:jobs.fifo',
      'aws-cn',
      'sqs',
      'cn-north-1',
      '123456789012',
      '',
      'jobs.fifo',
    ],
    [
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f',
      'aws-us-gov',
      'lambda',
      'us-gov-west-1',
      '123456789012',
      'function',
      'f',
    ],
    [
      'arn:aws-iso:ec2:us-iso-east-1:123456789012:volume/vol-1',
      'aws-iso',
      'ec2',
      'us-iso-east-1',
      '123456789012',
      'volume',
      'vol-1',
    ],
    [
      'arn:aws-iso-b:ec2:us-isob-east-1:123456789012:vpc/vpc-1',
      'aws-iso-b',
      'ec2',
      'us-isob-east-1',
      '123456789012',
      'vpc',
      'vpc-1',
    ],
    ['arn:aws:s3:::my-bucket', 'aws', 's3', '', '', '', 'my-bucket'],
    ['arn:aws:s3:::my-bucket/a/b/c.txt', 'aws', 's3', '', '', 'my-bucket', 'a/b/c.txt'],
    ['arn:aws:s3:::my-bucket/key:with:colons', 'aws', 's3', '', '', 'my-bucket', 'key:with:colons'],
    [
      'arn:aws:iam::123456789012:user/division/team/alice',
      'aws',
      'iam',
      '',
      '123456789012',
      'user',
      'division/team/alice',
    ],
    ['arn:aws:iam::aws:policy/AdministratorAccess', 'aws', 'iam', '', 'aws', 'policy', 'AdministratorAccess'],
    ['arn:aws:ec2:us-east-1::image/ami-0abc', 'aws', 'ec2', 'us-east-1', '', 'image', 'ami-0abc'],
    [
      'arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST',
      'aws',
      'lambda',
      'eu-west-1',
      '123456789012',
      'function',
      'f:$LATEST',
    ],
    [
      'arn:aws:lambda:eu-west-1:123456789012:function:f:prod',
      'aws',
      'lambda',
      'eu-west-1',
      '123456789012',
      'function',
      'f:prod',
    ],
    [
      'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f',
      'aws',
      'logs',
      'us-east-1',
      '123456789012',
      'log-group',
      '/aws/lambda/f',
    ],
    [
      'arn:aws:sns:us-east-1:123456789012:orders:5f3c-uuid',
      'aws',
      'sns',
      'us-east-1',
      '123456789012',
      'orders',
      '5f3c-uuid',
    ],
  ])('%s', (arn, partition, service, region, accountId, resourceType, resourceId) => {
    expect(parseArn(arn)).toEqual({
      arn,
      partition,
      service,
      region,
      accountId,
      resource: arn.split(':').slice(5).join(':'),
      resourceType,
      resourceId,
    });
  });

  it.each([
    ['', 'form'],
    ['not-an-arn', 'form'],
    ['arn:aws:sns:us-east-1:123456789012', 'form'],
    ['urn:aws:sns:us-east-1:123456789012:t', 'form'],
    ['arn:azure:sns:us-east-1:123456789012:t', 'partition'],
    ['arn:aws:SNS:us-east-1:123456789012:t', 'service'],
    ['arn:aws::us-east-1:123456789012:t', 'service'],
    ['arn:aws:sns:mars-1:123456789012:t', 'region'],
    ['arn:aws:sns:us-east-1:12345:t', 'account'],
    ['arn:aws:sns:us-east-1:123456789012:', 'resource'],
    ['arn:aws:sns:us-east-1:123456789012:a\nb', 'control character U.000A'],
  ])('refuses %j (%s)', (arn, field) => {
    const error = (() => {
      try {
        parseArn(arn);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArnError);
    expect(error).toMatchObject({ code: 'InvalidArn', arn });
    expect(String((error as Error).message)).toMatch(new RegExp(field === 'form' ? 'form' : field, 'i'));
  });

  it('formatArn builds back the ARN it parsed', () => {
    for (const arn of [
      'arn:aws:s3:::b/k/with:colon',
      'arn:aws-cn:iam::123456789012:user/a/b',
      'arn:aws:sns:us-east-1:123456789012:t',
    ]) {
      expect(formatArn(parseArn(arn))).toBe(arn);
    }
  });

  it('refuses a value that is not a string', () => {
    expect(() => parseArn(42 as unknown as string)).toThrow(InvalidArnError);
  });

  it("knows every partition the SDK knows, with the SDK's DNS suffix", async () => {
    const { partition } = await import('@aws-sdk/core/client');
    // The SDK's partition data answers per region: each of ours must come back as itself.
    for (const [id, { dnsSuffix, globalRegion }] of Object.entries(PARTITIONS)) {
      expect(partition(globalRegion), id).toMatchObject({ name: id, dnsSuffix });
    }
    const sdk = [
      'us-east-1',
      'cn-north-1',
      'us-gov-west-1',
      'us-iso-east-1',
      'us-isob-east-1',
      'eu-isoe-west-1',
      'us-isof-south-1',
      'eusc-de-east-1',
    ].map((r) => partition(r).name);
    expect(Object.keys(PARTITIONS).sort()).toEqual([...new Set(sdk)].sort());
    expect(parseArn('arn:aws-eusc:sqs:eusc-de-east-1:123456789012:q').partition).toBe('aws-eusc');
  });
});

describe('partitionOfRegion', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
    [undefined, 'aws'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  it('every partition it names is one parseArn knows, and its global region maps back to it', () => {
    for (const [partition, { globalRegion }] of Object.entries(PARTITIONS)) {
      expect(partitionOfRegion(globalRegion)).toBe(partition);
    }
  });
});
