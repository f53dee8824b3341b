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

  it.each(['1', 'prod', '$LATEST'])('refuses the qualified ARN :%s before any call', async (qualifier) => {
    await expect(tagger().tag(`${FN}:${qualifier}`, { a: 'b' })).rejects.toMatchObject({
      code: 'UnsupportedResource',
      message: expect.stringContaining(FN),
    });
    expect(lambda.calls()).toHaveLength(0);
  });
});
