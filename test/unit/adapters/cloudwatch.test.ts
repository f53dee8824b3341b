import {
  CloudWatchClient,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { mockClients, mockedTagger } from '../../mocks/sdk.js';

const { cloudwatch } = mockClients({ cloudwatch: CloudWatchClient });
const tagger = () => mockedTagger();
const ALARM = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:queue:backlog/high';

describe('CloudWatch', () => {
  it('tags an alarm whose name holds : and / with one TagResource by ARN', async () => {
    cloudwatch.on(TagResourceCommand).resolves({});
    await tagger().tag(ALARM, { team: 'a', stage: 'prod' });
    expect(cloudwatch.calls()).toHaveLength(1);
    expect(cloudwatch.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: ALARM,
      Tags: [
        { Key: 'team', Value: 'a' },
        { Key: 'stage', Value: 'prod' },
      ],
    });
  });

  it('untags the named keys only', async () => {
    cloudwatch.on(UntagResourceCommand).resolves({});
    await tagger().untag(ALARM, ['stage']);
    expect(cloudwatch.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: ALARM,
      TagKeys: ['stage'],
    });
  });

  it('a deleted alarm reads as AWS answers it: 200 with an empty Tags list is no tags; an answer without Tags is malformed', async () => {
    // Real CloudWatch answers ListTagsForResource of a deleted alarm with 200 {"Tags": []} (docs/aws-facts.md,
    // CloudWatch): no tags, as AWS says. A ResourceNotFound, where it comes, is one.
    cloudwatch.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    expect(await tagger().list(ALARM)).toEqual({});
    cloudwatch
      .on(ListTagsForResourceCommand)
      .rejects(Object.assign(new Error('Unknown alarm'), { name: 'ResourceNotFoundException' }));
    await expect(tagger().list(ALARM)).rejects.toMatchObject({ code: 'ResourceNotFound', arn: ALARM });
    // LocalStack answers {} (no Tags member): not the document AWS defines, never read as no tags.
    cloudwatch.on(ListTagsForResourceCommand).resolves({});
    await expect(tagger().list(ALARM)).rejects.toMatchObject({ code: 'MalformedResponse' });
  });

  it.each([
    ['arn:aws:cloudwatch:us-east-1:123456789012:dashboard/main', 'UnsupportedResource'],
    ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:', 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    expect(cloudwatch.calls()).toHaveLength(0);
  });
});
