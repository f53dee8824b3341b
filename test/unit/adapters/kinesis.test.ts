import {
  AddTagsToStreamCommand,
  KinesisClient,
  ListTagsForStreamCommand,
  RemoveTagsFromStreamCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { kinesis } = mockClients({ kinesis: KinesisClient });
const tagger = () => mockedTagger();
const STREAM = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders.v2';
const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

describe('Kinesis', () => {
  it('tags by StreamARN, 10 tags a call (AddTagsToStream takes no more)', async () => {
    kinesis.on(AddTagsToStreamCommand).resolves({});
    await tagger().tag(STREAM, tags(23));
    const calls = kinesis.commandCalls(AddTagsToStreamCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => Object.keys(input.Tags ?? {}).length)).toEqual([10, 10, 3]);
    expect(calls.every((input) => input.StreamARN === STREAM && input.StreamName === undefined)).toBe(true);
    expect(Object.assign({}, ...calls.map((input) => input.Tags))).toEqual(tags(23));
  });

  it('untags by StreamARN, 10 keys a call', async () => {
    kinesis.on(RemoveTagsFromStreamCommand).resolves({});
    const keys = Object.keys(tags(23));
    await tagger().untag(STREAM, keys);
    const calls = kinesis.commandCalls(RemoveTagsFromStreamCommand).map((c) => c.args[0].input);
    expect(calls.map((input) => input.TagKeys)).toEqual([
      keys.slice(0, 10),
      keys.slice(10, 20),
      keys.slice(20),
    ]);
    expect(calls.every((input) => input.StreamARN === STREAM)).toBe(true);
  });

  it('follows ListTagsForStream pages from the last key while HasMoreTags', async () => {
    // Prepare: three pages, as AWS sends them.
    kinesis
      .on(ListTagsForStreamCommand)
      .resolvesOnce({ Tags: [{ Key: 'a', Value: '1' }], HasMoreTags: true })
      .resolvesOnce({ Tags: [{ Key: 'b', Value: '2' }], HasMoreTags: true })
      .resolvesOnce({ Tags: [{ Key: 'c', Value: '' }], HasMoreTags: false });
    // Act
    const listed = await tagger().list(STREAM);
    // Assess
    expect(listed).toEqual({ a: '1', b: '2', c: '' });
    expect(kinesis.commandCalls(ListTagsForStreamCommand).map((c) => c.args[0].input)).toEqual([
      { StreamARN: STREAM, Limit: 50, ExclusiveStartTagKey: undefined },
      { StreamARN: STREAM, Limit: 50, ExclusiveStartTagKey: 'a' },
      { StreamARN: STREAM, Limit: 50, ExclusiveStartTagKey: 'b' },
    ]);
  });

  it('an untagged stream lists as {}', async () => {
    kinesis.on(ListTagsForStreamCommand).resolves({ Tags: [], HasMoreTags: false });
    expect(await tagger().list(STREAM)).toEqual({});
  });

  it.each([
    ['no Tags list', { HasMoreTags: false }],
    ['no HasMoreTags flag', { Tags: [] }],
    ['more tags after an empty page', { Tags: [], HasMoreTags: true }],
    ['more tags after a page without a key', { Tags: [{ Value: 'x' }], HasMoreTags: true }],
    ['the same page again', { Tags: [{ Key: 'a', Value: '1' }], HasMoreTags: true }],
  ])('a page with %s is MalformedResponse, never "no tags"', async (_, page) => {
    kinesis.on(ListTagsForStreamCommand).resolves(page as never);
    await expect(tagger().list(STREAM)).rejects.toMatchObject({ code: 'MalformedResponse', arn: STREAM });
  });

  it("maps Kinesis's errors: a missing stream is ResourceNotFound, the rate limit Throttled", async () => {
    kinesis.on(ListTagsForStreamCommand).rejects(awsError('ResourceNotFoundException', 400));
    await expect(tagger().list(STREAM)).rejects.toMatchObject({ code: 'ResourceNotFound', arn: STREAM });
    kinesis.on(AddTagsToStreamCommand).rejects(awsError('LimitExceededException', 400));
    await expect(tagger().tag(STREAM, { a: '1' })).rejects.toMatchObject({ code: 'Throttled' });
  });

  it('a write cut short by a failed call stops there: later parts are not sent', async () => {
    kinesis.on(AddTagsToStreamCommand).resolvesOnce({}).rejectsOnce(awsError('ResourceInUseException', 400));
    await expect(tagger().tag(STREAM, tags(25))).rejects.toMatchObject({ code: 'ServiceError' });
    expect(kinesis.commandCalls(AddTagsToStreamCommand)).toHaveLength(2);
  });

  it.each([
    ['arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/c:1700000000', 'UnsupportedResource'],
    ['arn:aws:kinesis:us-east-1:123456789012:stream:orders', 'UnsupportedResource'],
    ['arn:aws:kinesis:us-east-1:123456789012:Stream/orders', 'InvalidArn'],
    ['arn:aws:kinesis:us-east-1:123456789012:stream/bad name', 'InvalidArn'],
    [`arn:aws:kinesis:us-east-1:123456789012:stream/${'s'.repeat(129)}`, 'InvalidArn'],
    ['arn:aws:kinesis:us-east-1::stream/orders', 'InvalidArn'],
    ['arn:aws:kinesis::123456789012:stream/orders', 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    expect(kinesis.calls()).toHaveLength(0);
  });
});
