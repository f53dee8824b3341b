// ARNs that name no resource that can exist are refused as InvalidArn before any AWS call: an IAM ARN with a
// region, an S3 bucket name no naming rule allows, an EC2 id of the wrong shape for its type. Names that can exist
// (legacy S3 bucket names among them) are never refused.
import { describe, expect, it } from 'vitest';
import { createRegistry, dispatch, isUnitagError, parseArn } from '../../src/index.js';
import { useFakeAws } from '../fake-aws.js';

const aws = useFakeAws();
const A = '123456789012';

/** What the registry makes of an ARN, with no AWS call: its type, or the code of its refusal. */
function describeArn(arn: string): string {
  try {
    return dispatch(parseArn(arn), createRegistry()).info.type;
  } catch (error) {
    return isUnitagError(error) ? error.code : String(error);
  }
}

const refused: [string, string][] = [
  ['an IAM role ARN with a region', `arn:aws:iam:us-east-1:${A}:role/app`],
  ['an IAM user ARN with a region', `arn:aws:iam:eu-west-1:${A}:user/division/alice`],
  ['an IAM policy ARN with a region', `arn:aws:iam:us-east-1:${A}:policy/p`],
  ['an IAM OIDC provider ARN with a region', `arn:aws:iam:us-east-1:${A}:oidc-provider/example.com`],
  ['a bucket name of 2 characters', 'arn:aws:s3:::ab'],
  ['an object in a bucket of 1 character', 'arn:aws:s3:::b/key'],
  ['a bucket name of 256 characters', `arn:aws:s3:::${'a'.repeat(256)}`],
  ['a bucket name with a space', 'arn:aws:s3:::my bucket'],
  ['a bucket name with "!"', 'arn:aws:s3:::bucket!'],
  ['a bucket name with a non-ASCII letter', 'arn:aws:s3:::bücket'],
  ['a bucket name with a colon', 'arn:aws:s3:::my:bucket'],
  ['an object key over 1,024 bytes', `arn:aws:s3:::logs-bucket/${'é'.repeat(513)}`],
  ['a volume id of 4 hex digits', `arn:aws:ec2:us-east-1:${A}:volume/vol-0abc`],
  ['a volume id of 9 hex digits', `arn:aws:ec2:us-east-1:${A}:volume/vol-0000000a0`],
  ['a volume id of 18 hex digits', `arn:aws:ec2:us-east-1:${A}:volume/vol-0123456789abcdef01`],
  ['a volume id that is not hex', `arn:aws:ec2:us-east-1:${A}:volume/vol-0123456789abcdefg`],
  ['a volume id in capitals', `arn:aws:ec2:us-east-1:${A}:volume/vol-0123456789ABCDEF0`],
  ['an instance id of 1 digit', `arn:aws:ec2:us-east-1:${A}:instance/i-1`],
  ['a security group id with a name in it', `arn:aws:ec2:us-east-1:${A}:security-group/sg-default`],
  ['an image id of 16 digits', `arn:aws:ec2:us-east-1::image/ami-0123456789abcdef`],
];

describe('refused as InvalidArn, with no AWS call', () => {
  it.each(refused)('%s', async (_, arn) => {
    // Act
    const code = describeArn(arn);
    const tagger = aws.tagger();
    const tagged = tagger.tag(arn, { team: 'a' });
    const listed = tagger.list(arn);
    const report = await tagger.listMany([arn]);
    // Assess
    expect(code).toBe('InvalidArn');
    await expect(tagged).rejects.toMatchObject({ code: 'InvalidArn', arn });
    await expect(listed).rejects.toMatchObject({ code: 'InvalidArn' });
    expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'InvalidArn' } });
    expect(aws.fake.requests).toEqual([]);
  });

  it('says what is wrong and what to write instead', () => {
    const messages = [
      `arn:aws:iam:us-east-1:${A}:role/app`,
      'arn:aws:s3:::ab',
      `arn:aws:ec2:us-east-1:${A}:volume/vol-0abc`,
    ].map((arn) => {
      try {
        dispatch(parseArn(arn), createRegistry());
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages[0]).toMatch(/IAM ARNs have an empty region field .*remove "us-east-1"/);
    expect(messages[1]).toMatch(/"ab" cannot be an S3 bucket name \(3 to 63 lower-case letters/);
    expect(messages[2]).toMatch(
      /"vol-0abc" is not a volume id, which is "vol-" and 8 or 17 lower-case hex digits/,
    );
  });
});

describe('names that can exist are taken, still with no call', () => {
  it.each([
    ['an IAM role', `arn:aws:iam::${A}:role/app`, 'iam:role'],
    ['a bucket of 3 characters', 'arn:aws:s3:::abc', 's3:bucket'],
    ['a bucket of 63 characters', `arn:aws:s3:::${'a'.repeat(63)}`, 's3:bucket'],
    ['a bucket with dots and hyphens', 'arn:aws:s3:::logs.example-1', 's3:bucket'],
    // us-east-1's legacy rules (before March 2018): capitals, underscores, up to 255 characters.
    ['a legacy bucket with capitals and underscores', 'arn:aws:s3:::My_Legacy_Bucket', 's3:bucket'],
    ['a legacy bucket of 255 characters', `arn:aws:s3:::${'a'.repeat(255)}`, 's3:bucket'],
    // Not refused: the legacy rules may have allowed them, and unitag cannot tell when a bucket was made.
    ['a leading dot', 'arn:aws:s3:::.dotted', 's3:bucket'],
    ['a name shaped like an IP address', 'arn:aws:s3:::192.168.5.4', 's3:bucket'],
    ['an object key of 1,024 bytes', `arn:aws:s3:::logs-bucket/${'é'.repeat(512)}`, 's3:object'],
    ['an 8-digit volume id', `arn:aws:ec2:us-east-1:${A}:volume/vol-0123abcd`, 'ec2:volume'],
    ['a 17-digit volume id', `arn:aws:ec2:us-east-1:${A}:volume/vol-0123456789abcdef0`, 'ec2:volume'],
    ['an 8-digit instance id', `arn:aws:ec2:us-east-1:${A}:instance/i-1a2b3c4d`, 'ec2:instance'],
    ['a public image', 'arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0', 'ec2:image'],
    // Types outside EC2's move to longer ids keep the general check: their prefix and letters, digits, hyphens.
    [
      'a spot fleet request (a UUID)',
      `arn:aws:ec2:us-east-1:${A}:spot-fleet-request/sfr-73fbd2ce-aa30-494c-8788-1cee4d1b1b1b`,
      'ec2:spot-fleet-request',
    ],
    [
      'an import task',
      `arn:aws:ec2:us-east-1:${A}:import-image-task/import-ami-fgxn195v`,
      'ec2:import-image-task',
    ],
  ])('%s', (_, arn, type) => {
    expect(describeArn(arn)).toBe(type);
    expect(aws.fake.requests).toEqual([]);
  });

  it('an IAM ARN without a region is read, through STS and IAM', async () => {
    // Act
    const tags = await aws.tagger().list(`arn:aws:iam::${A}:user/alice`);
    // Assess
    expect(tags).toEqual({ a: '1', b: '2' });
    expect(aws.fake.requests).toEqual(['GetCallerIdentity', 'GetUser']);
  });
});
