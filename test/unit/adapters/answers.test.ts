import { describe, expect, it } from 'vitest';
import logs from '../../../adapters/logs.js';
import type { Adapter } from '../../../src/core/types.js';
import { type Answer, useFakeAws } from '../../fake-aws.js';
import { withoutOptionalPackage } from '../../helpers.js';

// Every adapter's tag read, answered by a local HTTP server as a broken proxy would: a read is "no tags" only
// when AWS says so, so none of these answers may lead to a write.
const aws = useFakeAws();
const tagger = () => aws.tagger({ onNotice: () => {} });

// Each read, its ARN, and an adapter whose optional SDK package counts as not installed for it.
const READS: [string, string, Adapter?][] = [
  ['SNS ListTagsForResource', 'arn:aws:sns:us-east-1:123456789012:orders'],
  ['SQS ListQueueTags', 'arn:aws:sqs:us-east-1:123456789012:jobs'],
  ['Lambda ListTags', 'arn:aws:lambda:us-east-1:123456789012:function:f'],
  ['S3 GetBucketTagging', 'arn:aws:s3:::bucket'],
  ['S3 GetObjectTagging', 'arn:aws:s3:::bucket/dir/key.txt'],
  ['IAM GetUser', 'arn:aws:iam::123456789012:user/alice'],
  ['IAM ListPolicyTags', 'arn:aws:iam::123456789012:policy/p'],
  ['EC2 DescribeTags', 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0'],
  ['Logs ListTagsForResource', 'arn:aws:logs:us-east-1:123456789012:log-group:g'],
  ['Kinesis ListTagsForStream', 'arn:aws:kinesis:us-east-1:123456789012:stream/s'],
  ['Step Functions ListTagsForResource', 'arn:aws:states:us-east-1:123456789012:stateMachine:m'],
  ['EventBridge ListTagsForResource', 'arn:aws:events:us-east-1:123456789012:rule/r'],
  [
    'Organizations ListTagsForResource',
    'arn:aws:organizations::123456789012:account/o-exampleorgid/222222222222',
  ],
  // A log group where the Logs client is not installed: the tagging API reads it.
  ['tagging-API GetResources', 'arn:aws:logs:us-east-1:123456789012:log-group:g', logs()],
];

describe.each(READS)('%s', (_, arn, missing) => {
  if (missing) withoutOptionalPackage(missing);
  it('answered in full: the control case reads both tags and writes only the absent key', async () => {
    const t = tagger();
    expect(await t.list(arn)).toEqual({ a: '1', b: '2' });
    const planned = await t.plan([{ arn, setIfAbsent: { a: 'new', c: '3' } }]);
    expect(planned.entries[0]).toMatchObject({ status: 'change', set: { c: '3' }, remove: [] });
    const report = await t.apply(planned);
    expect(report.totals).toMatchObject({ changed: 1, failed: 0 });
    expect(aws.fake.writes().length).toBeGreaterThan(0);
  }, 30_000); // the first call loads the SDK client: seconds on a loaded machine

  it.each<[Answer, string]>([
    ['empty', 'MalformedResponse'],
    ['truncated', 'MalformedResponse'],
    ['foreign', 'MalformedResponse'],
    ['wrong-root', 'MalformedResponse'],
    ['trailing', 'MalformedResponse'],
    ['error', 'MalformedResponse'],
    ['dropped', 'NetworkError'],
  ])('answered %s: a typed error (%s), never "no tags", and no write reaches AWS', async (answer, code) => {
    // Prepare
    aws.fake.answer = answer;
    const t = tagger();
    try {
      // Act
      const listed = await t.list(arn).catch((error: unknown) => error);
      const planned = await t.plan([{ arn, setIfAbsent: { a: 'overwritten' } }]);
      const applied = await t.apply(planned);
      // S3 and IAM users read before every write: that write must fail with its read.
      const readFirst = /:s3:|:user\//.test(arn);
      const tagged = readFirst ? await t.tag(arn, { c: '3' }).catch((error: unknown) => error) : undefined;
      // Assess
      expect(listed).toMatchObject({ code, arn });
      expect(planned.entries[0]).toMatchObject({ status: 'failed', error: { code } });
      expect(applied.totals).toMatchObject({ changed: 0, failed: 1 });
      if (readFirst) expect(tagged).toMatchObject({ code, arn });
      expect(aws.fake.writes()).toEqual([]);
    } finally {
      aws.fake.answer = 'valid';
    }
  });
});

describe.each(READS)('%s, as AWS may extend it', (_, arn, missing) => {
  if (missing) withoutOptionalPackage(missing);
  it('with a member or element the API did not define yet: read as the answer it carries', async () => {
    aws.fake.answer = 'extra';
    try {
      expect(await tagger().list(arn)).toEqual({ a: '1', b: '2' });
    } finally {
      aws.fake.answer = 'valid';
    }
  });
});

// A tag without its value, where the answer lists tags as pairs: the APIs that define the value as required are
// refused (read as "", the real value would be written back over); EC2, Kinesis and Step Functions define it as
// optional. SQS, Lambda and Logs answer a key-to-value map, which cannot leave a value out.
const WITHOUT_VALUE: [string, string, Adapter | undefined, 'MalformedResponse' | ''][] = [
  ...READS.filter(([read]) => !/^(SQS|Lambda|Logs|EC2|Kinesis|Step)/.test(read)).map(
    ([read, arn, missing]) =>
      [read, arn, missing, 'MalformedResponse'] as [string, string, Adapter | undefined, 'MalformedResponse'],
  ),
  ...READS.filter(([read]) => /^(EC2|Kinesis|Step)/.test(read)).map(
    ([read, arn, missing]) => [read, arn, missing, ''] as [string, string, Adapter | undefined, ''],
  ),
];

describe.each(WITHOUT_VALUE)('%s, a tag without its value', (_, arn, missing, expected) => {
  if (missing) withoutOptionalPackage(missing);
  it(
    expected === ''
      ? 'reads it as the empty value the API defines'
      : 'is MalformedResponse and writes nothing',
    async () => {
      aws.fake.answer = 'no-value';
      const t = tagger();
      try {
        if (expected === '') {
          expect(await t.list(arn)).toEqual({ a: '1', b: '' });
          return;
        }
        await expect(t.list(arn)).rejects.toMatchObject({ code: expected, arn });
        const planned = await t.plan([{ arn, setIfAbsent: { c: '3' } }]);
        expect(planned.entries[0]).toMatchObject({ status: 'failed', error: { code: expected } });
        expect(aws.fake.writes()).toEqual([]);
      } finally {
        aws.fake.answer = 'valid';
      }
    },
  );
});
