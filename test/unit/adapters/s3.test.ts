import {
  DeleteBucketTaggingCommand,
  GetBucketTaggingCommand,
  GetObjectTaggingCommand,
  PutBucketTaggingCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { s3 } = mockClients({ s3: S3Client });
const tagger = () => mockedTagger({ region: 'eu-west-1' });

describe('S3 (mocked: what LocalStack does not reproduce)', () => {
  const BUCKET = 'arn:aws:s3:::reports';
  const SYSTEM = { Key: 'aws:cloudformation:stack-name', Value: 'stack' };

  it('carries existing aws: tags through every write', async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [SYSTEM, { Key: 'team', Value: 'a' }] });
    s3.on(PutBucketTaggingCommand).resolves({});
    await tagger().tag(BUCKET, { owner: 'b' });
    await tagger().untag(BUCKET, ['team']);
    const puts = s3.commandCalls(PutBucketTaggingCommand).map((c) => c.args[0].input.Tagging?.TagSet);
    expect(puts).toEqual([[SYSTEM, { Key: 'team', Value: 'a' }, { Key: 'owner', Value: 'b' }], [SYSTEM]]);
    expect(s3.commandCalls(DeleteBucketTaggingCommand)).toHaveLength(0);
  });

  it.each([
    ['AccessDenied', 'AccessDenied'],
    ['SlowDown', 'Throttled'],
    ['NoSuchBucket', 'ResourceNotFound'],
    ['InternalError', 'ServiceError'],
  ])('a failed read (%s) aborts without writing and is never "no tags"', async (name, code) => {
    s3.on(GetBucketTaggingCommand).rejects(awsError(name));
    await expect(tagger().tag(BUCKET, { a: '1' })).rejects.toMatchObject({ code, arn: BUCKET });
    await expect(tagger().untag(BUCKET, ['a'])).rejects.toMatchObject({ code });
    await expect(tagger().list(BUCKET)).rejects.toMatchObject({ code });
    expect(s3.commandCalls(PutBucketTaggingCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteBucketTaggingCommand)).toHaveLength(0);
  });

  it('takes NoSuchTagSet inside a 200 answer (a proxy page, not AWS) as an error, and writes nothing', async () => {
    s3.on(GetBucketTaggingCommand).rejects(
      Object.assign(awsError('NoSuchTagSet'), { $metadata: { httpStatusCode: 200 } }),
    );
    await expect(tagger().tag(BUCKET, { a: '1' })).rejects.toMatchObject({ arn: BUCKET });
    expect(s3.commandCalls(PutBucketTaggingCommand)).toHaveLength(0);
  });

  it('takes NoSuchTagSet (AWS answers it with 404), and only that, as "no tags"', async () => {
    s3.on(GetBucketTaggingCommand).rejects(
      Object.assign(awsError('NoSuchTagSet'), { $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(PutBucketTaggingCommand).resolves({});
    expect(await tagger().list(BUCKET)).toEqual({});
    await tagger().tag(BUCKET, { a: '1' });
    expect(s3.commandCalls(PutBucketTaggingCommand)[0]?.args[0].input).toEqual({
      Bucket: 'reports',
      Tagging: { TagSet: [{ Key: 'a', Value: '1' }] },
    });
  });

  it('deletes the tagging when the last user tag goes, and counts the limit without aws: tags', async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'a', Value: '1' }] });
    s3.on(DeleteBucketTaggingCommand).resolves({});
    await tagger().untag(BUCKET, ['a']);
    expect(s3.commandCalls(DeleteBucketTaggingCommand)[0]?.args[0].input).toEqual({ Bucket: 'reports' });
    s3.on(GetBucketTaggingCommand).resolves({
      TagSet: [SYSTEM, ...Array.from({ length: 49 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))],
    });
    s3.on(PutBucketTaggingCommand).resolves({});
    await tagger().tag(BUCKET, { fiftieth: 'v' });
    expect(s3.commandCalls(PutBucketTaggingCommand)[0]?.args[0].input.Tagging?.TagSet).toHaveLength(51);
    s3.on(GetBucketTaggingCommand).resolves({
      TagSet: [SYSTEM, ...Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))],
    });
    await expect(tagger().tag(BUCKET, { fiftyFirst: 'v' })).rejects.toMatchObject({
      code: 'TagLimitExceeded',
    });
    expect(s3.commandCalls(PutBucketTaggingCommand)).toHaveLength(1);
  });

  it('refuses an 11th tag on an object without writing (LocalStack does not enforce 10)', async () => {
    s3.on(GetObjectTaggingCommand).resolves({
      TagSet: Array.from({ length: 10 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })),
    });
    await expect(tagger().tag('arn:aws:s3:::bkt/key', { k10: 'v' })).rejects.toMatchObject({
      code: 'TagLimitExceeded',
    });
    expect(s3.commandCalls(PutObjectTaggingCommand)).toHaveLength(0);
  });

  it('names the version on both the read and the write', async () => {
    s3.on(GetObjectTaggingCommand).resolves({ TagSet: [] });
    s3.on(PutObjectTaggingCommand).resolves({});
    await tagger().tag('arn:aws:s3:::bkt/dir/file.txt', { a: '1' }, { versionId: 'v7' });
    expect(s3.commandCalls(GetObjectTaggingCommand)[0]?.args[0].input).toEqual({
      Bucket: 'bkt',
      Key: 'dir/file.txt',
      VersionId: 'v7',
    });
    expect(s3.commandCalls(PutObjectTaggingCommand)[0]?.args[0].input).toEqual({
      Bucket: 'bkt',
      Key: 'dir/file.txt',
      VersionId: 'v7',
      Tagging: { TagSet: [{ Key: 'a', Value: '1' }] },
    });
  });

  it('serializes writes to one bucket but not across buckets', async () => {
    // The read of bucket "one" waits until bucket "two" has been read: a global lock would never get there.
    let releaseOne: () => void = () => {};
    const twoRead = new Promise<void>((resolve) => {
      releaseOne = resolve;
    });
    s3.on(GetBucketTaggingCommand, { Bucket: 'one' }).callsFake(async () => {
      await twoRead;
      return { TagSet: [] };
    });
    s3.on(GetBucketTaggingCommand, { Bucket: 'two' }).callsFake(async () => {
      releaseOne();
      return { TagSet: [] };
    });
    s3.on(PutBucketTaggingCommand).resolves({});
    const t = tagger();
    await Promise.all([t.tag('arn:aws:s3:::one', { a: '1' }), t.tag('arn:aws:s3:::two', { b: '2' })]);
    expect(s3.commandCalls(PutBucketTaggingCommand)).toHaveLength(2);
  });

  it('serializes writes to one object whether they name its version or not', async () => {
    // Prepare: an object whose current version is V; each read answers what the last write stored.
    let stored: { Key: string; Value: string }[] = [];
    let reading = 0;
    let overlapped = false;
    s3.on(GetObjectTaggingCommand).callsFake(async () => {
      reading++;
      overlapped ||= reading > 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      reading--;
      return { TagSet: stored };
    });
    s3.on(PutObjectTaggingCommand).callsFake(async (input) => {
      stored = input.Tagging.TagSet;
      return {};
    });
    const t = tagger();
    const object = 'arn:aws:s3:::reports/a.txt';
    // Act
    await Promise.all([
      t.tag(object, { a: '1' }),
      t.tag(object, { b: '2' }, { versionId: 'V' }),
      t.tag(object, { c: '3' }),
      t.tag(object, { d: '4' }, { versionId: 'V' }),
    ]);
    // Assess
    expect(overlapped).toBe(false);
    expect(stored.map((tag) => tag.Key).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
