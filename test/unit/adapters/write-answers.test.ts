import { describe, expect, it } from 'vitest';
import logs from '../../../adapters/logs.js';
import { createRegistry } from '../../../src/core/registry.js';
import type { Adapter } from '../../../src/core/types.js';
import { type Answer, useFakeAws } from '../../fake-aws.js';
import { withoutOptionalPackage } from '../../helpers.js';

// Every adapter's tag write, answered by a local HTTP server as a broken proxy would: a write is done only when
// AWS's answer says so, so none of these answers may be reported `changed`. Whether the write happened is
// unknown: each is a MalformedResponse for every resource the call named.
const aws = useFakeAws();
// Each write goes to the adapter's own operation; the tagging API's writes are tested below.
const tagger = () => aws.tagger({ onNotice: () => {}, preferTaggingApi: false });

const ACCOUNT = '123456789012';
const arnOf = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
const KEY = arnOf('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab');
const OU = `arn:aws:organizations::${ACCOUNT}:ou/o-exampleorgid/ou-ab12-cdefgh34`;

/** One write: the ARN, what it changes (the fake's reads answer the tags a=1 and b=2), and how AWS answers it. */
interface Write {
  arn: string;
  /** `tag` sets c=3; `untag` removes the keys. */
  change: { tag: Record<string, string> } | { untag: string[] };
  /**
   * AWS answers it with a document (query protocols, the tagging API). The other writes' outputs have no member
   * in their body: AWS answers them with an empty body (200 or 204) or `{}` (JSON protocols).
   */
  document?: true;
  /** An adapter whose optional SDK package counts as not installed, so that the tagging API writes instead. */
  missing?: Adapter;
}

const tag = { tag: { c: '3' } };
const untag = { untag: ['a'] };
const untagAll = { untag: ['a', 'b'] };
const WRITES: [string, Write][] = [
  ['SNS TagResource', { arn: arnOf('sns', 'orders'), change: tag, document: true }],
  ['SNS UntagResource', { arn: arnOf('sns', 'orders'), change: untag, document: true }],
  ['SQS TagQueue', { arn: arnOf('sqs', 'jobs'), change: tag }],
  ['SQS UntagQueue', { arn: arnOf('sqs', 'jobs'), change: untag }],
  ['Lambda TagResource', { arn: arnOf('lambda', 'function:f'), change: tag }],
  ['Lambda UntagResource', { arn: arnOf('lambda', 'function:f'), change: untag }],
  ['S3 PutBucketTagging', { arn: 'arn:aws:s3:::bucket', change: tag }],
  ['S3 DeleteBucketTagging', { arn: 'arn:aws:s3:::bucket', change: untagAll }],
  ['S3 PutObjectTagging', { arn: 'arn:aws:s3:::bucket/dir/key.txt', change: untag }],
  ['S3 DeleteObjectTagging', { arn: 'arn:aws:s3:::bucket/dir/key.txt', change: untagAll }],
  ['IAM TagUser', { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, change: tag, document: true }],
  ['IAM UntagUser', { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, change: untag, document: true }],
  ['IAM TagPolicy', { arn: `arn:aws:iam::${ACCOUNT}:policy/p`, change: tag, document: true }],
  ['IAM UntagPolicy', { arn: `arn:aws:iam::${ACCOUNT}:policy/p`, change: untag, document: true }],
  ['EC2 CreateTags', { arn: arnOf('ec2', 'volume/vol-0123456789abcdef0'), change: tag, document: true }],
  ['EC2 DeleteTags', { arn: arnOf('ec2', 'volume/vol-0123456789abcdef0'), change: untag, document: true }],
  ['CloudWatch TagResource', { arn: arnOf('cloudwatch', 'alarm:high'), change: tag }],
  ['CloudWatch UntagResource', { arn: arnOf('cloudwatch', 'alarm:high'), change: untag }],
  ['KMS TagResource', { arn: KEY, change: tag }],
  ['KMS UntagResource', { arn: KEY, change: untag }],
  ['DynamoDB TagResource', { arn: arnOf('dynamodb', 'table/orders'), change: tag }],
  ['DynamoDB UntagResource', { arn: arnOf('dynamodb', 'table/orders'), change: untag }],
  ['Logs TagResource', { arn: arnOf('logs', 'log-group:g'), change: tag }],
  ['Logs UntagResource', { arn: arnOf('logs', 'log-group:g'), change: untag }],
  ['Kinesis AddTagsToStream', { arn: arnOf('kinesis', 'stream/s'), change: tag }],
  ['Kinesis RemoveTagsFromStream', { arn: arnOf('kinesis', 'stream/s'), change: untag }],
  ['Step Functions TagResource', { arn: arnOf('states', 'stateMachine:m'), change: tag }],
  ['Step Functions UntagResource', { arn: arnOf('states', 'stateMachine:m'), change: untag }],
  ['EventBridge TagResource', { arn: arnOf('events', 'rule/r'), change: tag }],
  ['EventBridge UntagResource', { arn: arnOf('events', 'rule/r'), change: untag }],
  ['Secrets Manager TagResource', { arn: arnOf('secretsmanager', 'secret:s-AbCdEf'), change: tag }],
  ['Secrets Manager UntagResource', { arn: arnOf('secretsmanager', 'secret:s-AbCdEf'), change: untag }],
  ['SSM AddTagsToResource', { arn: arnOf('ssm', 'parameter/p'), change: tag }],
  ['SSM RemoveTagsFromResource', { arn: arnOf('ssm', 'parameter/p'), change: untag }],
  ['Organizations TagResource', { arn: OU, change: tag }],
  ['Organizations UntagResource', { arn: OU, change: untag }],
  // A log group where the Logs client is not installed: the tagging API writes it.
  [
    'tagging-API TagResources',
    { arn: arnOf('logs', 'log-group:g'), change: tag, missing: logs(), document: true },
  ],
  [
    'tagging-API UntagResources',
    { arn: arnOf('logs', 'log-group:g'), change: untag, missing: logs(), document: true },
  ],
];

// The bad answers, and what each is; `dropped` is no answer at all, in passing.
const BAD: [Answer, string][] = [
  ['empty', 'MalformedResponse'],
  ['error', 'MalformedResponse'],
  ['foreign', 'MalformedResponse'],
  ['wrong-root', 'MalformedResponse'],
  ['truncated', 'MalformedResponse'],
  ['trailing', 'MalformedResponse'],
  ['dropped', 'NetworkError'],
];

/** The write one call makes, and the same as a bulk write with its report. */
function write(t: ReturnType<typeof tagger>, { arn, change }: Write) {
  return {
    one: () => ('tag' in change ? t.tag(arn, change.tag) : t.untag(arn, change.untag)),
    many: () => ('tag' in change ? t.tagMany([arn], change.tag) : t.untagMany([arn], change.untag)),
  };
}

it('covers every adapter in adapters/', () => {
  // test/unit/registry.test.ts checks that the registry has one adapter per adapter file of adapters/.
  const registry = createRegistry();
  const adapters = [...registry.adapters.keys(), registry.fallback.name];
  const covered = new Set(WRITES.map(([, w]) => (w.missing ? 'tagging-api' : w.arn.split(':')[2])));
  expect([...covered].sort()).toEqual(adapters.sort());
});

describe.each(WRITES)('%s', (_, w) => {
  if (w.missing) withoutOptionalPackage(w.missing);

  it('answered as AWS answers it: the control case is changed', async () => {
    const t = write(tagger(), w);
    expect(await t.one()).toBe('changed');
    const report = await t.many();
    expect(report.results[0]).toMatchObject({ arn: w.arn, outcome: 'changed' });
    expect(aws.fake.writes().length).toBeGreaterThan(0);
  }, 30_000); // the adapter's first call loads its SDK client: seconds on a loaded machine

  it.each(BAD)('answered %s: failed with %s, never changed', async (answer, code) => {
    // Prepare: an empty body is AWS's own answer to a write whose output has no member.
    const expected = answer === 'empty' && !w.document ? 'changed' : code;
    aws.fake.writeAnswer = answer;
    const t = write(tagger(), w);
    // Act
    const one = await t.one().catch((error: unknown) => error);
    const report = await t.many();
    // Assess: the write was sent, and its answer decides.
    expect(aws.fake.writes().length).toBeGreaterThan(0);
    if (expected === 'changed') {
      expect([one, report.totals.changed]).toEqual(['changed', 1]);
      return;
    }
    expect(one).toMatchObject({ code: expected, arn: w.arn });
    expect(report.results[0]).toMatchObject({ arn: w.arn, outcome: 'failed', error: { code: expected } });
    expect(report.totals).toMatchObject({ changed: 0, failed: 1 });
  });
});

describe('a batch written through the tagging API', () => {
  // RDS has no adapter of its own: the tagging API writes it, 20 ARNs a call, and reads it (the fake's answer
  // names none of them: untagged).
  const arns = [1, 2, 3].map((n) => arnOf('rds', `db:db${n}`));

  // AWS adds members to its answers over time (`extra`): one that carries FailedResourcesMap is the API's.
  const answers: [Answer, string][] = [
    ['valid', 'changed'],
    ['extra', 'changed'],
    ...BAD.filter(([answer]) => answer !== 'dropped'),
  ];

  it.each(answers)('answered %s: every resource of the batch is %s', async (answer, expected) => {
    // Prepare: a plan that tags three resources, read as untagged.
    const t = tagger();
    const planned = await t.plan(arns.map((arn) => ({ arn, set: { c: '3' } })));
    expect(planned.entries.map((e) => e.status)).toEqual(['change', 'change', 'change']);
    aws.fake.writeAnswer = answer;
    // Act
    const report = await t.apply(planned);
    // Assess: one call for the three, and its answer decides for each of them.
    expect(aws.fake.writes()).toEqual(['TagResources']);
    if (expected === 'changed') {
      expect(report.totals).toMatchObject({ changed: 3, failed: 0 });
      return;
    }
    expect(report.results).toEqual(
      arns.map((arn) =>
        expect.objectContaining({
          arn,
          outcome: 'failed',
          error: expect.objectContaining({ code: expected }),
        }),
      ),
    );
    expect(report.totals).toMatchObject({ changed: 0, failed: 3 });
  });

  it('untagged with an empty answer: every resource of the batch failed with MalformedResponse', async () => {
    aws.fake.writeAnswer = 'empty';
    const report = await tagger().untagMany(arns, ['a']);
    expect(aws.fake.writes()).toEqual(['UntagResources']);
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual(
      arns.map(() => ['failed', 'MalformedResponse']),
    );
  });

  it('where it is preferred to an adapter: a wrong answer is sent again through the adapter', async () => {
    // Prepare: SNS topics go to the tagging API first, as the tagger prefers by default.
    const topics = [1, 2].map((n) => arnOf('sns', `t${n}`));
    aws.fake.writeAnswer = 'empty';
    // Act
    const report = await aws.tagger({ onNotice: () => {} }).tagMany(topics, { c: '3' });
    // Assess: the adapter's own write was answered empty too.
    expect(aws.fake.writes()).toEqual(['TagResources', 'TagResource', 'TagResource']);
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual([
      ['failed', 'MalformedResponse'],
      ['failed', 'MalformedResponse'],
    ]);
  });
});

describe('EC2 batch writes', () => {
  it('a CreateTags for several volumes answered empty fails every one of them', async () => {
    const volumes = ['vol-0123456789abcdef0', 'vol-0123456789abcdef1'].map((id) =>
      arnOf('ec2', `volume/${id}`),
    );
    aws.fake.writeAnswer = 'empty';
    const report = await tagger().tagMany(volumes, { c: '3' });
    expect(aws.fake.writes()).toEqual(['CreateTags']);
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual([
      ['failed', 'MalformedResponse'],
      ['failed', 'MalformedResponse'],
    ]);
  });
});
