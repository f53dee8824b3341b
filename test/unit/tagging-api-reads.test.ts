// Bulk reads through the Resource Groups Tagging API: GetResources with ResourceARNList, 100 ARNs a call, per
// service, region and account, probe first, with the resource's own adapter for what the API refuses, fails or
// leaves out of its answer. LocalStack ignores ResourceARNList, so the exact calls are checked on mocked clients.
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTagsForResourceCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it, vi } from 'vitest';
import logs from '../../adapters/logs.js';
import { ClientMissingError, UnsupportedResourceError } from '../../src/core/errors.js';
import { withoutOptionalPackage } from '../helpers.js';
import { awsError, mockClients, mockedTagger } from '../mocks/sdk.js';

const { rgta, sns, sqs, iam, s3 } = mockClients({
  rgta: ResourceGroupsTaggingAPIClient,
  sns: SNSClient,
  sqs: SQSClient,
  iam: IAMClient,
  s3: S3Client,
});

const topic = (i: number, region = 'us-east-1') => `arn:aws:sns:${region}:123456789012:t${i}`;
const topics = (n: number) => Array.from({ length: n }, (_, i) => topic(i));
const queue = (i: number) => `arn:aws:sqs:us-east-1:123456789012:q${i}`;
// Log groups stand for the resources only the tagging API serves: as where the Logs client is not installed.
withoutOptionalPackage(logs());
const group = (i: number) => `arn:aws:logs:us-east-1:123456789012:log-group:g${i}`;
const ROLE = 'arn:aws:iam::123456789012:role/R';
// An RDS database: a service with no adapter of its own, which only the tagging API serves.
const DB = 'arn:aws:rds:us-east-1:123456789012:db:orders';

/** Each resource's tags as the tagging API and the services keep them: `{ arn: <arn> }`. */
const tagsOf = (arn: string) => ({ arn });
const mapping = (arn: string) => ({ ResourceARN: arn, Tags: [{ Key: 'arn', Value: arn }] });

/** GetResources answering every ARN asked for except `left`, as AWS does. */
function answerAsked(left: ReadonlySet<string> = new Set()) {
  rgta.on(GetResourcesCommand).callsFake((input: GetResourcesCommandInput) => ({
    ResourceTagMappingList: (input.ResourceARNList ?? []).filter((a) => !left.has(a)).map(mapping),
  }));
}

/** The services' own reads, answering every resource with its `tagsOf` tags. */
function answerOwn() {
  const tags = (arn: string) => Object.entries(tagsOf(arn)).map(([Key, Value]) => ({ Key, Value }));
  sns
    .on(ListTagsForResourceCommand)
    .callsFake((i: { ResourceArn: string }) => ({ Tags: tags(i.ResourceArn) }));
  sqs.on(ListQueueTagsCommand).callsFake((i: { QueueUrl: string }) => {
    const name = i.QueueUrl.split('/').pop() as string;
    return { Tags: tagsOf(`arn:aws:sqs:us-east-1:123456789012:${name}`) };
  });
}

const asked = () => rgta.commandCalls(GetResourcesCommand).map((c) => c.args[0].input.ResourceARNList ?? []);
const ownReads = () => sns.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceArn);

describe('listMany through the tagging API', () => {
  it('reads 250 SNS topics in 3 GetResources calls of at most 100 ARNs, and no ListTagsForResource', async () => {
    answerAsked();
    answerOwn();
    const report = await mockedTagger().listMany(topics(250));
    expect(asked().map((arns) => arns.length)).toEqual([100, 100, 50]);
    expect(asked().flat().sort()).toEqual(topics(250).sort());
    expect(ownReads()).toEqual([]);
    expect(report.totals).toMatchObject({ total: 250, read: 250, failed: 0 });
    for (const r of report.results) expect(r).toMatchObject({ outcome: 'read', tags: tagsOf(r.arn) });
  });

  it('reads a topic the answer leaves out with ListTagsForResource, never as untagged', async () => {
    answerAsked(new Set([topic(7)]));
    answerOwn();
    const report = await mockedTagger().listMany(topics(10));
    expect(asked()).toEqual([topics(10)]);
    expect(ownReads()).toEqual([topic(7)]);
    expect(report.results[7]).toMatchObject({ arn: topic(7), outcome: 'read', tags: tagsOf(topic(7)) });
    expect(report.totals).toMatchObject({ read: 10, failed: 0 });
  });

  it('plans with the same reads', async () => {
    answerAsked();
    answerOwn();
    const plan = await mockedTagger().plan(topics(3).map((arn) => ({ arn, set: { a: '1' } })));
    expect(asked()).toEqual([topics(3)]);
    expect(ownReads()).toEqual([]);
    expect(plan.entries.map((e) => e.before)).toEqual(topics(3).map(tagsOf));
  });

  it('groups calls per service, region and account', async () => {
    answerAsked();
    answerOwn();
    const arns = [topic(1), queue(1), queue(2), topic(2, 'eu-west-1'), topic(3)];
    const report = await mockedTagger().listMany(arns);
    expect(asked().sort()).toEqual(
      [
        [queue(1), queue(2)],
        [topic(1), topic(3)],
      ].sort(),
    );
    expect(report.totals).toMatchObject({ read: 5, failed: 0 });
    expect(sqs.calls()).toEqual([]);
    // Alone in its region, the eu-west-1 topic is read with its own call: one GetResources would save nothing.
    expect(ownReads()).toEqual([topic(2, 'eu-west-1')]);
  });

  it('never reads one ARN of a service and region through it: its own call is one call too', async () => {
    answerAsked();
    answerOwn();
    const report = await mockedTagger().listMany([topic(1)]);
    expect(rgta.calls()).toEqual([]);
    expect(ownReads()).toEqual([topic(1)]);
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: tagsOf(topic(1)) });
  });

  it('counts every resource of a service and place, those it never reads too: a bucket with objects goes to it', async () => {
    // S3 objects are no type the tagging API tags, but they name the bucket's place (s3, no region, no account):
    // with them the bucket is not alone there, so it goes to GetResources, as the permissions `unitag permissions`
    // gives for such a job expect.
    answerAsked();
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });
    const bucket = 'arn:aws:s3:::logs-bucket';
    const object = 'arn:aws:s3:::logs-bucket/2026/app.log';
    const report = await mockedTagger().listMany([bucket, object]);
    expect(asked()).toEqual([[bucket]]);
    expect(s3.commandCalls(GetObjectTaggingCommand).map((c) => c.args[0].input.Key)).toEqual([
      '2026/app.log',
    ]);
    expect(report.totals).toMatchObject({ read: 2, failed: 0 });
  });

  it('once an answer holds ARNs it was not asked for (LocalStack), later reads go to the services own calls', async () => {
    // LocalStack ignores ResourceARNList and answers every resource it holds.
    rgta.on(GetResourcesCommand).resolves({ ResourceTagMappingList: topics(5).map(mapping) });
    answerOwn();
    const tagger = mockedTagger();
    const first = await tagger.listMany([topic(1), topic(2)]);
    expect(first.results.map((r) => r.tags)).toEqual([tagsOf(topic(1)), tagsOf(topic(2))]);
    expect(asked()).toEqual([[topic(1), topic(2)]]);
    const second = await tagger.listMany([topic(3), topic(4), queue(1), queue(2)]);
    expect(asked()).toHaveLength(1);
    expect(ownReads()).toEqual([topic(3), topic(4)]);
    expect(sqs.commandCalls(ListQueueTagsCommand)).toHaveLength(2);
    expect(second.totals).toMatchObject({ read: 4, failed: 0 });
  });

  it('stops paging once every ARN asked for is answered (LocalStack pages through everything)', async () => {
    rgta
      .on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [mapping(topic(0)), mapping(topic(1))], PaginationToken: 'p2' })
      .resolves({ ResourceTagMappingList: [mapping(topic(9))], PaginationToken: 'p3' });
    answerOwn();
    const report = await mockedTagger().listMany(topics(2));
    expect(rgta.commandCalls(GetResourcesCommand)).toHaveLength(1);
    expect(report.totals).toMatchObject({ read: 2, failed: 0 });
  });

  it('follows PaginationToken across pages', async () => {
    rgta
      .on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [mapping(topic(0))], PaginationToken: 'next' })
      .resolvesOnce({ ResourceTagMappingList: [mapping(topic(1))], PaginationToken: '' });
    answerOwn();
    const report = await mockedTagger().listMany(topics(2));
    const inputs = rgta.commandCalls(GetResourcesCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { ResourceARNList: topics(2) },
      { ResourceARNList: topics(2), PaginationToken: 'next' },
    ]);
    expect(ownReads()).toEqual([]);
    expect(report.results.map((r) => r.tags)).toEqual(topics(2).map(tagsOf));
  });
});

describe('answers that are not what was asked', () => {
  it('ignores a resource not asked for: it is never attributed to another one', async () => {
    rgta
      .on(GetResourcesCommand)
      .resolves({ ResourceTagMappingList: [mapping(topic(99)), mapping(topic(1))] });
    answerOwn();
    const report = await mockedTagger().listMany([topic(0), topic(1)]);
    expect(report.results.map((r) => r.arn)).toEqual([topic(0), topic(1)]);
    expect(report.results.map((r) => r.tags)).toEqual([tagsOf(topic(0)), tagsOf(topic(1))]);
    expect(ownReads()).toEqual([topic(0)]);
  });

  it('does not take an ARN in another case for the one asked', async () => {
    const asked = 'arn:aws:sns:us-east-1:123456789012:Orders';
    rgta.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [mapping(asked.toLowerCase()), mapping(topic(1))],
    });
    answerOwn();
    const report = await mockedTagger().listMany([asked, topic(1)]);
    expect(asked).not.toBe(asked.toLowerCase());
    // The answer names an ARN not asked for (an endpoint that ignores ResourceARNList): the one left out is looked
    // for once more, then read through its own adapter.
    expect(rgta.commandCalls(GetResourcesCommand)).toHaveLength(2);
    expect(ownReads()).toEqual([asked]);
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: tagsOf(asked) });
  });

  it('an endpoint that ignores ResourceARNList and leaves an ARN out of its pages (its list changed meanwhile): looked for once more', async () => {
    // LocalStack pages through every resource it holds; resources made by others between two pages shift the
    // list, and one asked for can fall between them. The tagging API is the only reader of a DynamoDB-less ARN.
    const other = 'arn:aws:rds:us-east-1:123456789012:db:other';
    rgta
      .on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [mapping(other)] })
      .resolves({
        ResourceTagMappingList: [mapping(other), { ResourceARN: DB, Tags: [{ Key: 'a', Value: '1' }] }],
      });
    const report = await mockedTagger().listMany([DB]);
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: { a: '1' } });
    expect(rgta.commandCalls(GetResourcesCommand)).toHaveLength(2);
  });

  it('for a service without an adapter, reads an ARN in another case as untagged, not as its tags', async () => {
    rgta.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [mapping(DB.toUpperCase())] });
    const report = await mockedTagger().listMany([DB]);
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: {} });
  });

  it('for a type whose own SDK client is missing, fails what the answer leaves out as ClientMissing', async () => {
    // Prepare: the answer names group 1 only; group 2 was never tagged, or the API does not index it.
    rgta.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [mapping(group(1))] });
    const tagger = mockedTagger({ onNotice: () => {} });
    // Act
    const report = await tagger.listMany([group(1), group(2)]);
    const single = tagger.list(group(2));
    // Assess: read as unknown, never as {}, and the error names the package that would read it.
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: tagsOf(group(1)) });
    const expected = {
      code: 'ClientMissing',
      arn: group(2),
      packageName: '@aws-sdk/client-cloudwatch-logs',
      message: expect.stringMatching(/npm install @aws-sdk\/client-cloudwatch-logs/),
    };
    expect(report.results[1]).toMatchObject({ outcome: 'failed', error: expected });
    await expect(single).rejects.toMatchObject(expected);
    await expect(single).rejects.toBeInstanceOf(ClientMissingError);
  });

  it('never takes a malformed answer for "no tags"', async () => {
    rgta.on(GetResourcesCommand).resolves({});
    answerOwn();
    const report = await mockedTagger({ onNotice: () => {} }).listMany([topic(1), group(1)]);
    expect(ownReads()).toEqual([topic(1)]);
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: tagsOf(topic(1)) });
    expect(report.results[1]).toMatchObject({ outcome: 'failed', error: { code: 'MalformedResponse' } });
  });
});

describe('refusals and preferences', () => {
  it.each([
    ['AccessDenied', () => awsError('AccessDeniedException', 400)],
    ['UnsupportedResource', () => new UnsupportedResourceError('the tagging API does not tag topics here')],
  ])('a probe refused as %s falls back for its group, and later reads skip the API', async (_, error) => {
    rgta.on(GetResourcesCommand).rejects(error());
    answerOwn();
    const tagger = mockedTagger();
    const first = await tagger.listMany(topics(250));
    expect(asked().map((arns) => arns.length)).toEqual([100]);
    expect(ownReads()).toHaveLength(250);
    expect(first.totals).toMatchObject({ read: 250, failed: 0 });
    const second = await tagger.listMany([...topics(3), queue(1), queue(2)]);
    expect(asked().map((arns) => arns.length)).toEqual([100, 2]);
    expect(asked()[1]).toEqual([queue(1), queue(2)]);
    expect(ownReads()).toHaveLength(253);
    expect(second.totals).toMatchObject({ read: 5, failed: 0 });
  });

  it('shares refusals between writes and reads of one tagger', async () => {
    rgta.on(GetResourcesCommand).rejects(awsError('AccessDeniedException', 403));
    answerOwn();
    const tagger = mockedTagger();
    await tagger.listMany([topic(1), topic(2)]);
    rgta.reset();
    await tagger.tagMany([topic(1)], { a: '1' }).catch(() => undefined);
    expect(rgta.calls()).toEqual([]);
  });

  it('with preferTaggingApi: false, makes no GetResources call', async () => {
    answerAsked();
    answerOwn();
    const report = await mockedTagger({ preferTaggingApi: false }).listMany(topics(3));
    expect(rgta.calls()).toEqual([]);
    expect(ownReads()).toEqual(topics(3));
    expect(report.totals).toMatchObject({ read: 3, failed: 0 });
  });

  it('never reads IAM roles through it', async () => {
    answerAsked();
    iam.on(GetRoleCommand).resolves({
      Role: { Path: '/', RoleName: 'R', Arn: ROLE, Tags: [{ Key: 'k', Value: 'v' }] } as never,
    });
    const report = await mockedTagger().listMany([ROLE]);
    expect(rgta.calls()).toEqual([]);
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(1);
    expect(report.results[0]).toMatchObject({ outcome: 'read', tags: { k: 'v' } });
  });
});

describe('throttling', () => {
  it('sends a throttled GetResources again (job-level retry), with no fallback to the own adapter', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      rgta
        .on(GetResourcesCommand)
        .rejectsOnce(awsError('ThrottlingException', 400))
        .callsFake((input: GetResourcesCommandInput) => ({
          ResourceTagMappingList: (input.ResourceARNList ?? []).map(mapping),
        }));
      answerOwn();
      const running = mockedTagger().listMany(topics(2));
      await vi.advanceTimersByTimeAsync(10_000);
      const report = await running;
      expect(asked()).toEqual([topics(2), topics(2)]);
      expect(ownReads()).toEqual([]);
      expect(report.results.map((r) => r.tags)).toEqual(topics(2).map(tagsOf));
    } finally {
      vi.useRealTimers();
    }
  });
});
