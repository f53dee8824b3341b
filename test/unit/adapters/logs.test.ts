import {
  CloudWatchLogsClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { logs } = mockClients({ logs: CloudWatchLogsClient });
const tagger = () => mockedTagger();
const GROUP = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders';
const DESTINATION = 'arn:aws:logs:us-east-1:123456789012:destination:central';

describe('CloudWatch Logs', () => {
  it('tags a log group with one TagResource by ARN, tags as a map', async () => {
    logs.on(TagResourceCommand).resolves({});
    await tagger().tag(GROUP, { team: 'a', stage: 'prod' });
    expect(logs.calls()).toHaveLength(1);
    expect(logs.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: GROUP,
      tags: { team: 'a', stage: 'prod' },
    });
  });

  it('takes the ARN with a trailing :* (as DescribeLogGroups gives it) and calls with the ARN without it', async () => {
    logs.on(TagResourceCommand).resolves({});
    logs.on(UntagResourceCommand).resolves({});
    logs.on(ListTagsForResourceCommand).resolves({ tags: { team: 'a' } });
    const t = tagger();
    await t.tag(`${GROUP}:*`, { team: 'a' });
    await t.untag(`${GROUP}:*`, ['stage']);
    expect(await t.list(`${GROUP}:*`)).toEqual({ team: 'a' });
    const arns = logs.calls().map((call) => (call.args[0].input as { resourceArn: string }).resourceArn);
    expect(arns).toEqual([GROUP, GROUP, GROUP]);
  });

  it('plans a log group named with and without :* in one job as one resource, read and written once', async () => {
    logs.on(ListTagsForResourceCommand).resolves({ tags: { team: 'a', old: 'x' } });
    logs.on(TagResourceCommand).resolves({});
    logs.on(UntagResourceCommand).resolves({});
    const t = tagger();
    const planned = await t.plan([
      { arn: GROUP, set: { stage: 'prod' } },
      { arn: `${GROUP}:*`, remove: ['old'] },
    ]);
    expect(planned.entries).toHaveLength(1);
    expect(planned.entries[0]).toMatchObject({
      arn: GROUP,
      status: 'change',
      set: { stage: 'prod' },
      remove: ['old'],
    });
    const applied = await t.apply(planned);
    expect(applied.totals).toMatchObject({ changed: 1, failed: 0 });
    expect(logs.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
    expect(logs.commandCalls(TagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { resourceArn: GROUP, tags: { stage: 'prod' } },
    ]);
    expect(logs.commandCalls(UntagResourceCommand).map((c) => c.args[0].input)).toEqual([
      { resourceArn: GROUP, tagKeys: ['old'] },
    ]);
  });

  it('untags the named keys of a destination', async () => {
    logs.on(UntagResourceCommand).resolves({});
    await tagger().untag(DESTINATION, ['stage', 'team']);
    expect(logs.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: DESTINATION,
      tagKeys: ['stage', 'team'],
    });
  });

  it('lists the tags map; {} when AWS sends an empty map', async () => {
    logs.on(ListTagsForResourceCommand).resolves({ tags: { a: '1', constructor: '2' } });
    expect(Object.entries(await tagger().list(GROUP))).toEqual([
      ['a', '1'],
      ['constructor', '2'],
    ]);
    logs.on(ListTagsForResourceCommand).resolves({ tags: {} });
    expect(await tagger().list(GROUP)).toEqual({});
  });

  it('a missing log group is ResourceNotFound; an answer without its tags map is MalformedResponse', async () => {
    logs.on(ListTagsForResourceCommand).rejects(awsError('ResourceNotFoundException', 400));
    logs.on(TagResourceCommand).rejects(awsError('ResourceNotFoundException', 400));
    await expect(tagger().list(GROUP)).rejects.toMatchObject({ code: 'ResourceNotFound', arn: GROUP });
    await expect(tagger().tag(GROUP, { a: '1' })).rejects.toMatchObject({ code: 'ResourceNotFound' });
    logs.on(ListTagsForResourceCommand).resolves({});
    await expect(tagger().list(GROUP)).rejects.toMatchObject({ code: 'MalformedResponse', arn: GROUP });
  });

  it('a value that is not a string is MalformedResponse', async () => {
    logs.on(ListTagsForResourceCommand).resolves({ tags: { a: 1 as unknown as string } });
    await expect(tagger().list(GROUP)).rejects.toMatchObject({ code: 'MalformedResponse' });
  });

  it('names the IAM actions of TagResource, UntagResource and ListTagsForResource', async () => {
    const explained = await tagger().explain(GROUP);
    expect(explained.actions).toEqual({
      tag: ['logs:TagResource'],
      untag: ['logs:UntagResource'],
      list: ['logs:ListTagsForResource'],
    });
    expect(explained).toMatchObject({ adapter: 'logs', type: 'logs:log-group', bulkActions: undefined });
  });

  it('writes a policy on the ARN without :*, the form IAM authorizes the tagging calls on', async () => {
    const policy = await tagger().permissions([{ arn: `${GROUP}:*`, operations: ['tag', 'untag', 'list'] }]);
    expect(policy.Statement).toEqual([
      {
        Sid: 'UnitagResources1',
        Effect: 'Allow',
        Action: ['logs:ListTagsForResource', 'logs:TagResource', 'logs:UntagResource'],
        Resource: GROUP,
      },
    ]);
  });

  it.each([
    ['arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s', 'UnsupportedResource'],
    ['arn:aws:logs:us-east-1:123456789012:anomaly-detector:abc', 'UnsupportedResource'],
    ['arn:aws:logs:us-east-1:123456789012:log-group/g', 'UnsupportedResource'],
    ['arn:aws:logs:us-east-1:123456789012:Log-Group:g', 'InvalidArn'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:', 'InvalidArn'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:bad name', 'InvalidArn'],
    [`arn:aws:logs:us-east-1:123456789012:log-group:${'g'.repeat(513)}`, 'InvalidArn'],
    ['arn:aws:logs:us-east-1:123456789012:destination:a*b', 'InvalidArn'],
    ['arn:aws:logs::123456789012:log-group:g', 'InvalidArn'],
    ['arn:aws:logs:us-east-1::log-group:g', 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    await expect(tagger().list(arn)).rejects.toMatchObject({ code });
    expect(logs.calls()).toHaveLength(0);
  });
});
