import {
  KMSClient,
  ListResourceTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { actionInfo } from '../../../src/governance/iam-data.js';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { kms } = mockClients({ kms: KMSClient });
const tagger = () => mockedTagger();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const MRK = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';

describe('KMS', () => {
  it('tags a key with one TagResource naming it by ARN, in TagKey/TagValue pairs', async () => {
    kms.on(TagResourceCommand).resolves({});
    await tagger().tag(KEY, { team: 'a', stage: 'prod' });
    expect(kms.calls()).toHaveLength(1);
    expect(kms.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      KeyId: KEY,
      Tags: [
        { TagKey: 'team', TagValue: 'a' },
        { TagKey: 'stage', TagValue: 'prod' },
      ],
    });
  });

  it('untags a multi-Region key in its own region, naming only the keys', async () => {
    kms.on(UntagResourceCommand).resolves({});
    await tagger().untag(MRK, ['stage']);
    const call = kms.commandCalls(UntagResourceCommand)[0];
    expect(call?.args[0].input).toEqual({ KeyId: MRK, TagKeys: ['stage'] });
    expect(await call?.thisValue.config.region()).toBe('eu-west-1');
  });

  it('follows NextMarker while Truncated, 50 tags a page, and merges the pages', async () => {
    // Prepare
    kms
      .on(ListResourceTagsCommand, { KeyId: KEY, Marker: undefined })
      .resolves({ Tags: [{ TagKey: 'a', TagValue: '1' }], NextMarker: 'm2', Truncated: true })
      .on(ListResourceTagsCommand, { KeyId: KEY, Marker: 'm2' })
      .resolves({ Tags: [{ TagKey: 'b', TagValue: '2' }], Truncated: false });
    // Act
    const tags = await tagger().list(KEY);
    // Assess
    expect(tags).toEqual({ a: '1', b: '2' });
    expect(kms.commandCalls(ListResourceTagsCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: KEY, Limit: 50, Marker: undefined },
      { KeyId: KEY, Limit: 50, Marker: 'm2' },
    ]);
  });

  it('reads an untagged key as {}: Truncated false vouches for the answer', async () => {
    kms.on(ListResourceTagsCommand).resolves({ Tags: [], Truncated: false });
    expect(await tagger().list(KEY)).toEqual({});
  });

  it.each([
    ['no Truncated flag', {}],
    ['no Truncated flag, with Tags', { Tags: [{ TagKey: 'a', TagValue: '1' }] }],
    ['a truncated page without NextMarker', { Tags: [], Truncated: true }],
    ['Tags that are not a list', { Tags: 'a=1', Truncated: false }],
  ])('reads %s as MalformedResponse, never "no tags"', async (_, answer) => {
    kms.on(ListResourceTagsCommand).resolves(answer as object);
    await expect(tagger().list(KEY)).rejects.toMatchObject({ code: 'MalformedResponse', arn: KEY });
  });

  it.each([
    ['NotFoundException', 'ResourceNotFound'],
    ['TagException', 'InvalidTag'],
    ['KMSInvalidStateException', 'ServiceError'],
    ['AccessDeniedException', 'AccessDenied'],
  ])("maps KMS's %s to %s", async (error, code) => {
    kms.on(TagResourceCommand).rejects(awsError(error, 400));
    await expect(tagger().tag(KEY, { a: '1' })).rejects.toMatchObject({ code, arn: KEY });
  });

  it('refuses an alias, and says to tag the key by its key ARN', async () => {
    const alias = 'arn:aws:kms:us-east-1:123456789012:alias/app';
    await expect(tagger().tag(alias, { a: '1' })).rejects.toMatchObject({
      code: 'UnsupportedResource',
      message: expect.stringMatching(/not aliases.*key ARN/),
    });
    expect(kms.calls()).toHaveLength(0);
  });

  it.each([
    ['arn:aws:kms:us-east-1:123456789012:key/1234abcd', 'InvalidArn'],
    ['arn:aws:kms:us-east-1:123456789012:key/1234ABCD-12AB-34CD-56EF-1234567890AB', 'InvalidArn'],
    ['arn:aws:kms:us-east-1:123456789012:key/mrk-1234', 'InvalidArn'],
    ['arn:aws:kms::123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'InvalidArn'],
    ['arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab/x', 'InvalidArn'],
    ['arn:aws:kms:us-east-1:123456789012:custom-key-store/cks-1234567890abcdef0', 'UnsupportedResource'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().list(arn)).rejects.toMatchObject({ code });
    expect(kms.calls()).toHaveLength(0);
  });

  it('names IAM actions that exist in AWS reference', async () => {
    const { actions } = await tagger().explain(KEY);
    expect(actions).toEqual({
      tag: ['kms:TagResource'],
      untag: ['kms:UntagResource'],
      list: ['kms:ListResourceTags'],
    });
    for (const action of [...actions.tag, ...actions.untag, ...actions.list]) {
      expect(await actionInfo(action), action).toBeDefined();
    }
  });
});
