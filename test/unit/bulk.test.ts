import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  UntagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetBucketTaggingCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, TagResourceCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import logs from '../../adapters/logs.js';
import { createTagger, type TaggerOptions } from '../../src/index.js';
import { withoutOptionalPackage } from '../helpers.js';
import { credentialsOf, mockAccounts } from '../mocks/accounts.js';

const rgta = mockClient(ResourceGroupsTaggingAPIClient);
const ec2 = mockClient(EC2Client);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
const tagger = (options: TaggerOptions = {}) =>
  createTagger({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    onNotice: () => {},
    ...options,
  });
// Log groups stand for the resources only the tagging API serves: as where the Logs client is not installed.
withoutOptionalPackage(logs());
const group = (i: number) => `arn:aws:logs:us-east-1:123456789012:log-group:g${i}`;
const volume = (i: number) =>
  `arn:aws:ec2:us-east-1:123456789012:volume/vol-${i.toString(16).padStart(8, '0')}`;
const topic = (i: number) => `arn:aws:sns:us-east-1:123456789012:t${i}`;
const sizes = (calls: { args: [{ input: { ResourceARNList?: string[]; Resources?: string[] } }] }[]) =>
  calls.map((c) => (c.args[0].input.ResourceARNList ?? c.args[0].input.Resources)?.length);

beforeEach(() => {
  mockAccounts();
  for (const m of [rgta, ec2, sns, sqs, s3]) m.reset();
});

describe('batching boundaries', () => {
  it.each([
    [20, [20]],
    [21, [20, 1]],
    [41, [20, 20, 1]],
  ])('%i ARNs through the tagging API -> calls of %j', async (n, expected) => {
    rgta.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
    const report = await tagger().tagMany(
      Array.from({ length: n }, (_, i) => group(i)),
      { a: '1' },
    );
    expect(sizes(rgta.commandCalls(TagResourcesCommand))).toEqual(expected);
    expect(report.totals).toMatchObject({ total: n, changed: n });
  });

  it.each([
    [1000, [1000]],
    [1001, [1000, 1]],
  ])('%i EC2 ids -> CreateTags calls of %j', async (n, expected) => {
    ec2.on(CreateTagsCommand).resolves({});
    const report = await tagger().tagMany(
      Array.from({ length: n }, (_, i) => volume(i)),
      { a: '1' },
    );
    expect(sizes(ec2.commandCalls(CreateTagsCommand))).toEqual(expected);
    expect(report.totals.changed).toBe(n);
  });

  it('groups EC2 batches by region and account', async () => {
    ec2.on(DeleteTagsCommand).resolves({});
    const arns = [
      volume(1),
      volume(2).replace('us-east-1', 'eu-west-1'),
      volume(3).replace('123456789012', '210987654321'),
    ];
    await tagger({ credentialsForAccount: (id) => credentialsOf(id) }).untagMany(arns, ['a']);
    const calls = ec2.commandCalls(DeleteTagsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { Resources: ['vol-00000001'], Tags: [{ Key: 'a' }] },
      { Resources: ['vol-00000002'], Tags: [{ Key: 'a' }] },
      { Resources: ['vol-00000003'], Tags: [{ Key: 'a' }] },
    ]);
  });

  it('reads EC2 tags of many volumes with one DescribeTags', async () => {
    ec2.on(DescribeTagsCommand).resolves({
      Tags: [
        { ResourceId: 'vol-00000001', Key: 'a', Value: '1' },
        { ResourceId: 'vol-00000002', Key: 'b', Value: '2' },
      ],
    });
    const report = await tagger().listMany([volume(1), volume(2), volume(3)]);
    expect(report.results.map((r) => r.tags)).toEqual([{ a: '1' }, { b: '2' }, {}]);
    expect(ec2.commandCalls(DescribeTagsCommand)).toHaveLength(1);
  });

  it('reads tagging-API resources 100 ARNs a call', async () => {
    rgta.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    await tagger().listMany(Array.from({ length: 101 }, (_, i) => group(i)));
    expect(sizes(rgta.commandCalls(GetResourcesCommand))).toEqual([100, 1]);
  });
});

describe('per-resource failure isolation', () => {
  it('drops the ids an EC2 error names and retries the rest', async () => {
    ec2
      .on(CreateTagsCommand)
      .rejectsOnce(
        Object.assign(new Error("The volume 'vol-00000002' does not exist."), {
          name: 'InvalidVolume.NotFound',
        }),
      )
      .resolves({});
    const report = await tagger().tagMany([volume(1), volume(2), volume(3)], { a: '1' });
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual([
      ['changed', undefined],
      ['failed', 'ResourceNotFound'],
      ['changed', undefined],
    ]);
    expect(sizes(ec2.commandCalls(CreateTagsCommand))).toEqual([3, 2]);
  });

  it('matches the ids an EC2 error names as whole ids: vol-1 is not named by an error about vol-10', async () => {
    const short = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000a';
    const long = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0000000a000000000';
    ec2
      .on(CreateTagsCommand)
      .rejectsOnce(
        Object.assign(new Error("The volume 'vol-0000000a000000000' does not exist."), {
          name: 'InvalidVolume.NotFound',
        }),
      )
      .resolves({});
    const report = await tagger().tagMany([short, long], { a: '1' });
    expect(report.results.map((r) => [r.arn, r.outcome])).toEqual([
      [short, 'changed'],
      [long, 'failed'],
    ]);
    expect(ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input.Resources)).toEqual([
      ['vol-0000000a', 'vol-0000000a000000000'],
      ['vol-0000000a'],
    ]);
  });

  it('fails the whole EC2 batch when the error names no id', async () => {
    ec2.on(CreateTagsCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedOperation' }));
    const report = await tagger().tagMany([volume(1), volume(2)], { a: '1' });
    expect(report.results.map((r) => r.error?.code)).toEqual(['AccessDenied', 'AccessDenied']);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(1);
  });

  it('keeps per-ARN tagging-API failures to their ARN', async () => {
    rgta.on(TagResourcesCommand).resolves({
      FailedResourcesMap: {
        [group(1)]: { StatusCode: 400, ErrorCode: 'InvalidParameterException', ErrorMessage: 'bad tag' },
      },
    });
    const report = await tagger().tagMany([group(0), group(1), group(2)], { a: '1' });
    expect(report.results.map((r) => r.outcome)).toEqual(['changed', 'failed', 'changed']);
  });

  it('an S3 read failure fails that bucket only', async () => {
    s3.on(GetBucketTaggingCommand, { Bucket: 'bad' }).rejects(
      Object.assign(new Error('no'), { name: 'AccessDenied' }),
    );
    s3.on(GetBucketTaggingCommand, { Bucket: 'good' }).resolves({ TagSet: [] });
    s3.on(PutBucketTaggingCommand).resolves({});
    const report = await tagger({ preferTaggingApi: false }).tagMany(
      ['arn:aws:s3:::bad', 'arn:aws:s3:::good'],
      {
        a: '1',
      },
    );
    expect(report.results.map((r) => r.outcome)).toEqual(['failed', 'changed']);
    expect(s3.commandCalls(PutBucketTaggingCommand).map((c) => c.args[0].input.Bucket)).toEqual(['good']);
  });
});

describe('tagging API first for services it tags on AWS', () => {
  it('tags SNS topics and SQS queues through TagResources, 20 a call, with no service call', async () => {
    rgta.on(TagResourcesCommand).resolves({ FailedResourcesMap: {} });
    const queues = Array.from({ length: 5 }, (_, i) => `arn:aws:sqs:us-east-1:123456789012:q${i}`);
    const report = await tagger().tagMany([...Array.from({ length: 25 }, (_, i) => topic(i)), ...queues], {
      a: '1',
    });
    expect(report.totals.changed).toBe(30);
    expect(sizes(rgta.commandCalls(TagResourcesCommand)).sort()).toEqual([20, 5, 5].sort());
    expect(sns.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('falls back per ARN on refusal, and remembers the refusal per service and region', async () => {
    rgta.on(TagResourcesCommand).callsFake((input: { ResourceARNList: string[] }) => ({
      FailedResourcesMap: Object.fromEntries(
        input.ResourceARNList.map((arn) => [
          arn,
          {
            StatusCode: 404,
            ErrorCode: 'InternalServiceException',
            ErrorMessage: 'Service not yet supported',
          },
        ]),
      ),
    }));
    sns.on(TagResourceCommand).resolves({});
    const t = tagger();
    const first = await t.tagMany(
      Array.from({ length: 45 }, (_, i) => topic(i)),
      { a: '1' },
    );
    expect(first.totals.changed).toBe(45);
    expect(rgta.commandCalls(TagResourcesCommand)).toHaveLength(1); // the probe only
    expect(sns.commandCalls(TagResourceCommand)).toHaveLength(45);
    await t.tagMany([topic(99)], { a: '2' });
    expect(rgta.commandCalls(TagResourcesCommand)).toHaveLength(1); // not asked again
    // Another region is probed on its own.
    await t.tagMany([topic(1).replace('us-east-1', 'eu-west-1')], { a: '2' });
    expect(rgta.commandCalls(TagResourcesCommand)).toHaveLength(2);
  });

  it('falls back for one ARN on a non-throttling failure without giving up on the API', async () => {
    rgta.on(TagResourcesCommand).resolves({
      FailedResourcesMap: {
        [topic(1)]: { StatusCode: 400, ErrorCode: 'InvalidParameterException', ErrorMessage: 'x' },
      },
    });
    sns.on(TagResourceCommand).resolves({});
    const t = tagger();
    await t.tagMany([topic(0), topic(1)], { a: '1' });
    expect(sns.commandCalls(TagResourceCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([topic(1)]);
    await t.tagMany([topic(2)], { a: '1' });
    expect(rgta.commandCalls(TagResourcesCommand)).toHaveLength(2);
  });

  it('untags through UntagResources, and never sends EC2 through it', async () => {
    rgta.on(UntagResourcesCommand).resolves({});
    ec2.on(DeleteTagsCommand).resolves({});
    await tagger().untagMany([topic(1), volume(1)], ['a']);
    expect(sizes(rgta.commandCalls(UntagResourcesCommand))).toEqual([1]);
    expect(ec2.commandCalls(DeleteTagsCommand)).toHaveLength(1);
  });

  it('can be switched off', async () => {
    sns.on(TagResourceCommand).resolves({});
    await tagger({ preferTaggingApi: false }).tagMany([topic(1)], { a: '1' });
    expect(rgta.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(1);
  });

  it('leaves S3 objects and EC2 to their own adapters', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    await tagger().tagMany([volume(1)], { a: '1' });
    expect(rgta.calls()).toHaveLength(0);
  });
});
