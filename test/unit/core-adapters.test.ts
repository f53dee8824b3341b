import {
  LambdaClient,
  TagResourceCommand as LambdaTag,
  UntagResourceCommand as LambdaUntag,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  TagResourcesCommand,
  UntagResourcesCommand,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { ListQueueTagsCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import taggingApi from '../../adapters/tagging-api.js';
import { Engine } from '../../src/engine.js';
import { createTagger, parseArn } from '../../src/index.js';

const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const rgta = mockClient(ResourceGroupsTaggingAPIClient);
const all = [sns, sqs, lambda, rgta];
const tagger = () =>
  createTagger({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const totalCalls = () => all.reduce((n, m) => n + m.calls().length, 0);

beforeEach(() => {
  for (const m of all) m.reset();
});
afterEach(() => {
  for (const m of all) m.reset();
});

describe('invalid input makes no AWS call', () => {
  it.each([
    ['InvalidArn', () => tagger().tag('arn:aws:sns', { a: 'b' })],
    ['UnsupportedResource', () => tagger().tag('arn:aws:sts::123456789012:assumed-role/r/s', { a: 'b' })],
    ['UnsupportedResource', () => tagger().list('arn:aws:lambda:us-east-1:123456789012:function:f:prod')],
    ['InvalidTag', () => tagger().tag(TOPIC, { 'bad#key': 'b' })],
    ['ReservedKey', () => tagger().tag(TOPIC, { 'aws:cloudformation:stack-name': 'b' })],
    ['ReservedKey', () => tagger().untag(TOPIC, ['AWS:x'])],
    [
      'TagLimitExceeded',
      () => tagger().tag(TOPIC, Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))),
    ],
  ])('%s', async (code, run) => {
    await expect(run()).rejects.toMatchObject({ code });
    expect(totalCalls()).toBe(0);
  });

  it('an empty tag map or key list is a no-op', async () => {
    await tagger().tag(TOPIC, {});
    await tagger().untag(TOPIC, []);
    await tagger().tag('arn:aws:logs:us-east-1:123456789012:log-group:g', {});
    expect(totalCalls()).toBe(0);
  });
});

describe('SNS', () => {
  it('sends exactly one TagResource with the tags as a list', async () => {
    sns.on(TagResourceCommand).resolves({});
    await tagger().tag(TOPIC, { project: 'QuarkEagle', stage: 'beta' });
    expect(sns.calls()).toHaveLength(1);
    expect(sns.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceArn: TOPIC,
      Tags: [
        { Key: 'project', Value: 'QuarkEagle' },
        { Key: 'stage', Value: 'beta' },
      ],
    });
  });

  it('sends 50 tags in one call (LocalStack does not enforce the limit; AWS does)', async () => {
    sns.on(TagResourceCommand).resolves({});
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await tagger().tag(TOPIC, tags);
    expect(sns.commandCalls(TagResourceCommand)[0]?.args[0].input.Tags).toHaveLength(50);
  });

  it('untags the named keys, deduplicated', async () => {
    sns.on(UntagResourceCommand).resolves({});
    await tagger().untag(TOPIC, ['stage', 'stage', 'owner']);
    expect(sns.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceArn: TOPIC,
      TagKeys: ['stage', 'owner'],
    });
  });

  it('maps a missing topic, and a failed read is an error, not {}', async () => {
    sns
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error('Resource does not exist'), { name: 'ResourceNotFound' }));
    await expect(tagger().list(TOPIC)).rejects.toMatchObject({
      code: 'ResourceNotFound',
      arn: TOPIC,
      service: 'sns',
    });
    sns
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AuthorizationError' }));
    await expect(tagger().list(TOPIC)).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});

describe('SQS', () => {
  it('builds the queue URL from the ARN, per partition, with no extra call', async () => {
    sqs.on(TagQueueCommand).resolves({});
    sqs.on(ListQueueTagsCommand).resolves({ Tags: { a: '1' } });
    await tagger().tag('arn:aws:sqs:eu-west-1:123456789012:jobs.fifo', { a: '1' });
    expect(await tagger().list('arn:aws-cn:sqs:cn-north-1:123456789012:jobs')).toEqual({ a: '1' });
    expect(sqs.calls()).toHaveLength(2);
    expect(sqs.commandCalls(TagQueueCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs.fifo',
      Tags: { a: '1' },
    });
    expect(sqs.commandCalls(ListQueueTagsCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/jobs',
    });
  });

  it('maps QueueDoesNotExist to ResourceNotFound', async () => {
    sqs.on(ListQueueTagsCommand).rejects(Object.assign(new Error('no queue'), { name: 'QueueDoesNotExist' }));
    await expect(tagger().list('arn:aws:sqs:eu-west-1:123456789012:gone')).rejects.toMatchObject({
      code: 'ResourceNotFound',
    });
  });
});

describe('Lambda', () => {
  const FN = 'arn:aws:lambda:us-east-1:123456789012:function:f';

  it('tags and lists by the function ARN', async () => {
    lambda.on(LambdaTag).resolves({});
    lambda.on(ListTagsCommand).resolves({ Tags: { team: 'a' } });
    await tagger().tag(FN, { team: 'a' });
    expect(await tagger().list(FN)).toEqual({ team: 'a' });
    expect(lambda.commandCalls(LambdaTag)[0]?.args[0].input).toEqual({ Resource: FN, Tags: { team: 'a' } });
  });

  it('tags and untags a code-signing config and an event-source mapping by ARN', async () => {
    lambda.on(LambdaTag).resolves({});
    lambda.on(LambdaUntag).resolves({});
    const csc = 'arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0abc';
    const esm = 'arn:aws:lambda:us-east-1:123456789012:event-source-mapping:1b2c3d4e';
    await tagger().tag(csc, { a: '1' });
    await tagger().untag(esm, ['a']);
    expect(lambda.commandCalls(LambdaTag)[0]?.args[0].input).toEqual({ Resource: csc, Tags: { a: '1' } });
    expect(lambda.commandCalls(LambdaUntag)[0]?.args[0].input).toEqual({ Resource: esm, TagKeys: ['a'] });
  });

  it.each(['1', 'prod', '$LATEST'])('refuses the qualified ARN :%s before any call', async (qualifier) => {
    await expect(tagger().tag(`${FN}:${qualifier}`, { a: 'b' })).rejects.toMatchObject({
      code: 'UnsupportedResource',
      message: expect.stringContaining(FN),
    });
    expect(lambda.calls()).toHaveLength(0);
  });
});

describe('tagging-API fallback', () => {
  const group = (n: number, region = 'us-east-1') => `arn:aws:logs:${region}:123456789012:log-group:g${n}`;

  it('maps per-ARN failures inside a 200 answer to typed errors', async () => {
    rgta.on(TagResourcesCommand).resolves({
      FailedResourcesMap: {
        [group(1)]: {
          StatusCode: 403,
          ErrorCode: 'InvalidParameterException',
          ErrorMessage: 'AccessDenied for tag:TagResources',
        },
      },
    });
    await expect(tagger().tag(group(1), { a: 'b' })).rejects.toMatchObject({
      code: 'AccessDenied',
      arn: group(1),
    });
    expect(rgta.calls()).toHaveLength(1);
  });

  it('retries only the throttled ARNs, never the others', async () => {
    const e = new Engine({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    rgta
      .on(TagResourcesCommand)
      .resolvesOnce({
        FailedResourcesMap: {
          [group(1)]: {
            StatusCode: 429,
            ErrorCode: 'ThrottlingException' as never,
            ErrorMessage: 'Rate exceeded',
          },
          [group(2)]: { StatusCode: 404, ErrorCode: 'InvalidParameterException', ErrorMessage: 'not found' },
        },
      })
      .resolves({});
    const result = await taggingApi().tagBatch?.(e.context, [group(1), group(2), group(3)].map(parseArn), {
      a: 'b',
    });
    const calls = rgta.commandCalls(TagResourcesCommand).map((c) => c.args[0].input.ResourceARNList);
    expect(calls).toEqual([[group(1), group(2), group(3)], [group(1)]]);
    expect(result?.get(group(1))).toBe('changed');
    expect(result?.get(group(2))).toMatchObject({ code: 'ResourceNotFound' });
    expect(result?.get(group(3))).toBe('changed');
  });

  it('gives up on an ARN that stays throttled, with a Throttled error', async () => {
    rgta.on(UntagResourcesCommand).resolves({
      FailedResourcesMap: {
        [group(1)]: { StatusCode: 429, ErrorCode: 'ThrottlingException' as never, ErrorMessage: 'slow down' },
      },
    });
    await expect(tagger().untag(group(1), ['a'])).rejects.toMatchObject({ code: 'Throttled' });
    expect(rgta.commandCalls(UntagResourcesCommand)).toHaveLength(5);
  });

  it('sends at most 20 ARNs a call, one region per client', async () => {
    const e = new Engine({ credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    rgta.on(TagResourcesCommand).resolves({});
    const arns = [
      ...Array.from({ length: 21 }, (_, i) => group(i)),
      ...Array.from({ length: 20 }, (_, i) => group(i, 'eu-west-1')),
    ];
    const result = await taggingApi().tagBatch?.(e.context, arns.map(parseArn), { a: 'b' });
    const sizes = rgta.commandCalls(TagResourcesCommand).map((c) => c.args[0].input.ResourceARNList?.length);
    expect(sizes).toEqual([20, 1, 20]);
    expect([...(result?.values() ?? [])].every((o) => o === 'changed')).toBe(true);
    expect(result?.size).toBe(41);
  });

  it('lists from GetResources, filtering to the ARN asked for', async () => {
    rgta.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: [
        { ResourceARN: group(2), Tags: [{ Key: 'x', Value: 'y' }] },
        { ResourceARN: group(1), Tags: [{ Key: 'a', Value: '1' }] },
      ],
    });
    expect(await tagger().list(group(1))).toEqual({ a: '1' });
    expect(rgta.commandCalls(GetResourcesCommand)[0]?.args[0].input).toEqual({ ResourceARNList: [group(1)] });
  });
});
