import {
  LambdaClient,
  TagResourceCommand as LambdaTag,
  UntagResourceCommand as LambdaUntag,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { mockClients, mockedTagger } from '../../mocks/sdk.js';

const { lambda } = mockClients({ lambda: LambdaClient });
const tagger = () => mockedTagger();

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

  it.each([
    ['capacity-provider', 'arn:aws:lambda:us-east-1:123456789012:capacity-provider:batch-fleet'],
    ['network-connector', 'arn:aws:lambda:us-east-1:123456789012:network-connector:nc-0123456789abcdef0'],
    ['microvm-image', 'arn:aws:lambda:us-east-1:123456789012:microvm-image:base'],
  ])(
    'tags, untags and lists a %s by its ARN, as Lambda tags every type of its TagResource',
    async (type, arn) => {
      lambda.on(LambdaTag).resolves({});
      lambda.on(LambdaUntag).resolves({});
      lambda.on(ListTagsCommand).resolves({ Tags: { team: 'a' } });
      await tagger().tag(arn, { team: 'a' });
      await tagger().untag(arn, ['old']);
      expect(await tagger().list(arn)).toEqual({ team: 'a' });
      expect(lambda.commandCalls(LambdaTag)[0]?.args[0].input).toEqual({
        Resource: arn,
        Tags: { team: 'a' },
      });
      expect(lambda.commandCalls(LambdaUntag)[0]?.args[0].input).toEqual({ Resource: arn, TagKeys: ['old'] });
      expect(lambda.commandCalls(ListTagsCommand)[0]?.args[0].input).toEqual({ Resource: arn });
      expect((await tagger().explain(arn)).type).toBe(`lambda:${type}`);
    },
  );

  it('refuses a layer (Lambda does not tag layers) before any call, naming the types it tags', async () => {
    const layer = 'arn:aws:lambda:us-east-1:123456789012:layer:deps';
    await expect(tagger().tag(layer, { a: 'b' })).rejects.toMatchObject({
      code: 'UnsupportedResource',
      arn: layer,
      service: 'lambda',
      message: expect.stringContaining('capacity-provider'),
    });
    expect(lambda.calls()).toHaveLength(0);
  });

  it.each(['1', 'prod', '$LATEST'])('refuses the qualified ARN :%s before any call', async (qualifier) => {
    await expect(tagger().tag(`${FN}:${qualifier}`, { a: 'b' })).rejects.toMatchObject({
      code: 'UnsupportedResource',
      message: expect.stringContaining(FN),
    });
    expect(lambda.calls()).toHaveLength(0);
  });
});
