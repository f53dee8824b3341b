import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTagger } from '../../src/index.js';

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
