import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { awsError, mockClients, mockedTagger } from '../mocks/sdk.js';

// A write whose answer went wrong (a malformed answer, a 5xx, a dropped connection, no answer in time) may have
// been made: the engine says its outcome is unknown, never that nothing was written, and reads the resource
// again to say what is there.
const mocks = mockClients({ sns: SNSClient, rgta: ResourceGroupsTaggingAPIClient });
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const { ListTagsForResourceCommand, TagResourceCommand, UntagResourceCommand } = await import(
  '@aws-sdk/client-sns'
);
// A job failed in passing is not retried here: each test looks at one answer.
const tagger = () => mockedTagger({ preferTaggingApi: false, retryFor: 0 });

/** The SDK's parse failure of an answer cut short, with the hint its deserializer appends. */
const cutShort = () =>
  new SyntaxError(
    'Unexpected end of JSON input\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
  );
const timedOut = () =>
  Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
const dropped = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** Applies "set team=a, remove old" to the topic, read as tagged old=1. */
async function setAndRemove() {
  const t = tagger();
  const planned = await t.plan([{ arn: TOPIC, set: { team: 'a' }, remove: ['old'] }], {
    current: new Map([[TOPIC, { old: '1' }]]),
  });
  const [result] = (await t.apply(planned)).results;
  return result;
}

describe('a removal whose outcome is unknown, after the tags were set', () => {
  it.each([
    ['a malformed answer', cutShort, 'MalformedResponse'],
    ['a 5xx', () => awsError('InternalFailure', 500), 'ServiceError'],
    ['a dropped connection', dropped, 'NetworkError'],
  ])('answered by %s: says unknown, and what a read finds', async (_, error, code) => {
    // Prepare: the removal was made, and its answer went wrong.
    mocks.sns.on(TagResourceCommand).resolves({});
    mocks.sns.on(UntagResourceCommand).rejects(error());
    mocks.sns.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'a' }] });
    // Act
    const result = await setAndRemove();
    // Assess
    expect(result).toMatchObject({ outcome: 'failed', error: { code } });
    const message = result?.error?.message ?? '';
    expect(message).toMatch(/^the tags team were set, but whether old were removed is unknown: /);
    expect(message).toContain('the write may or may not have been made');
    expect(message).toMatch(/; read again, its tags are \{"team":"a"\}: as asked$/);
    expect(message).not.toMatch(/nothing was written|removing old failed|\$response|hidden field/);
    expect(mocks.sns.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
  });

  it('says what is not there when the read finds the write undone', async () => {
    mocks.sns.on(TagResourceCommand).resolves({});
    mocks.sns.on(UntagResourceCommand).rejects(awsError('ServiceUnavailable', 503));
    mocks.sns.on(ListTagsForResourceCommand).resolves({
      Tags: [
        { Key: 'team', Value: 'a' },
        { Key: 'old', Value: '1' },
      ],
    });
    const result = await setAndRemove();
    expect(result?.error?.message).toMatch(
      /; read again, its tags are \{"team":"a","old":"1"\}: not as asked \(old is still there\)$/,
    );
  });

  it('says so when the read fails too', async () => {
    mocks.sns.on(TagResourceCommand).resolves({});
    mocks.sns.on(UntagResourceCommand).rejects(cutShort());
    mocks.sns.on(ListTagsForResourceCommand).rejects(awsError('AuthorizationError', 403));
    const result = await setAndRemove();
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'MalformedResponse' } });
    expect(result?.error?.message).toMatch(/; its tags could not be read again either \(AccessDenied\)$/);
  });

  it('no answer in time: says unknown, and does not wait on the endpoint again with a read', async () => {
    mocks.sns.on(TagResourceCommand).resolves({});
    mocks.sns.on(UntagResourceCommand).rejects(timedOut());
    const result = await setAndRemove();
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'Timeout' } });
    expect(result?.error?.message).toMatch(
      /^the tags team were set, but whether old were removed is unknown: /,
    );
    expect(result?.error?.message).toContain('the write may or may not have been made');
    expect(mocks.sns.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });

  it('a refusal is known: the removal failed, and nothing is read again', async () => {
    mocks.sns.on(TagResourceCommand).resolves({});
    mocks.sns.on(UntagResourceCommand).rejects(awsError('AuthorizationError', 403));
    const result = await setAndRemove();
    expect(result?.error?.message).toMatch(/^the tags team were set, but removing old failed: /);
    expect(result?.error?.message).not.toContain('may or may not');
    expect(mocks.sns.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
  });
});

describe('a write whose outcome is unknown', () => {
  it('tag (one resource, no job): a malformed answer is unknown, and the read says what is missing', async () => {
    mocks.sns.on(TagResourceCommand).rejects(cutShort());
    mocks.sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const error = await tagger()
      .tag(TOPIC, { team: 'a' })
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'MalformedResponse', arn: TOPIC });
    expect((error as Error).message).toMatch(
      /may or may not have been made.*; read again, its tags are \{\}: not as asked \(team is not set\)$/,
    );
    expect((error as Error).message).not.toMatch(/nothing was written|\$response/);
  });

  it('a batch of the tagging API: every resource is read again, in one call', async () => {
    // Prepare: RDS has no adapter of its own, so the tagging API writes and reads it.
    const { GetResourcesCommand, TagResourcesCommand } = await import(
      '@aws-sdk/client-resource-groups-tagging-api'
    );
    const arns = [1, 2, 3].map((n) => `arn:aws:rds:us-east-1:123456789012:db:db${n}`);
    mocks.rgta.on(TagResourcesCommand).rejects(cutShort());
    mocks.rgta.on(GetResourcesCommand).resolves({
      ResourceTagMappingList: arns.map((arn) => ({ ResourceARN: arn, Tags: [{ Key: 'team', Value: 'a' }] })),
    });
    // Act
    const report = await tagger().tagMany(arns, { team: 'a' });
    // Assess
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual(
      arns.map(() => ['failed', 'MalformedResponse']),
    );
    for (const r of report.results) {
      expect(r.error?.message).toMatch(/; read again, its tags are \{"team":"a"\}: as asked$/);
      expect(r.error?.message).not.toMatch(/nothing was written|\$response/);
    }
    expect(mocks.rgta.commandCalls(GetResourcesCommand)).toHaveLength(1);
  });
});
