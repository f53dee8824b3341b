import {
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { mockClients, mockedTagger } from '../../mocks/sdk.js';

const { sns } = mockClients({ sns: SNSClient });
const tagger = () => mockedTagger();
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';

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
