import { LambdaClient } from '@aws-sdk/client-lambda';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { awsError, mockClients, mockedTagger } from '../mocks/sdk.js';

const mocks = mockClients({
  sns: SNSClient,
  sqs: SQSClient,
  lambda: LambdaClient,
  rgta: ResourceGroupsTaggingAPIClient,
});
const totalCalls = () => Object.values(mocks).reduce((n, m) => n + m.calls().length, 0);
const tagger = () => mockedTagger();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';

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

describe('a write whose removal fails after its tags were set', () => {
  it('says what was written, in the error of that resource', async () => {
    // Prepare: SNS sets the tags, then refuses the removal.
    const { TagResourceCommand, UntagResourceCommand } = await import('@aws-sdk/client-sns');
    mocks.sns.on(TagResourceCommand).resolves({});
    mocks.sns.on(UntagResourceCommand).rejects(awsError('AuthorizationErrorException', 403));
    const t = mockedTagger({ preferTaggingApi: false });
    // Act
    const planned = await t.plan([{ arn: TOPIC, set: { team: 'a' }, remove: ['old'] }], {
      current: new Map([[TOPIC, { old: '1' }]]),
    });
    const report = await t.apply(planned);
    // Assess
    const [result] = report.results;
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'AccessDenied' } });
    expect(result?.error?.message).toMatch(/^the tags team were set, but removing old failed: /);
  });
});
