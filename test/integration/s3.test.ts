import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createBucket, putObject } from '../../fixtures/aws-resources.js';
import { testAdapter } from '../conformance.js';
import { awsConfig, localTagger, onLocalStack, uniqueName } from '../helpers.js';

const tagsOf = (n: number, prefix = 'k') =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

describe('S3 on LocalStack', () => {
  testAdapter(
    {
      name: 's3 bucket',
      create: () => createBucket(awsConfig(), uniqueName('bucket')),
      missing: () => `arn:aws:s3:::${uniqueName('missing-bucket')}`,
    },
    onLocalStack,
  );
  testAdapter(
    {
      name: 's3 object (key with slashes and spaces)',
      create: async () => {
        const bucket = uniqueName('objects');
        await createBucket(awsConfig(), bucket);
        return (await putObject(awsConfig(), bucket, 'a/b/c d.txt')).arn;
      },
      missing: () => `arn:aws:s3:::${uniqueName('missing-bucket')}/no/such/key`,
      versions: async () => {
        const bucket = uniqueName('versions');
        await createBucket(awsConfig(), bucket, true);
        const old = await putObject(awsConfig(), bucket, 'v.txt', 'one');
        const current = await putObject(awsConfig(), bucket, 'v.txt', 'two');
        return { arn: current.arn, versionIds: [old.versionId as string, current.versionId as string] };
      },
    },
    onLocalStack,
  );

  it('ten concurrent tag calls on one object leave all ten keys', async () => {
    const bucket = uniqueName('race');
    await createBucket(awsConfig(), bucket);
    const { arn } = await putObject(awsConfig(), bucket, 'race.txt');
    const tagger = localTagger();
    await Promise.all(Array.from({ length: 10 }, (_, i) => tagger.tag(arn, { [`key${i}`]: `v${i}` })));
    expect(await tagger.list(arn)).toEqual(tagsOf(10, 'key'));
  });

  it('fifty concurrent tag calls on one bucket leave fifty keys; untags race safely too', async () => {
    const arn = await createBucket(awsConfig(), uniqueName('race'));
    const tagger = localTagger();
    await Promise.all(Array.from({ length: 50 }, (_, i) => tagger.tag(arn, { [`k${i}`]: `v${i}` })));
    expect(await tagger.list(arn)).toEqual(tagsOf(50));
    await Promise.all(Array.from({ length: 25 }, (_, i) => tagger.untag(arn, [`k${i * 2}`])));
    expect(Object.keys(await tagger.list(arn)).sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => `k${i * 2 + 1}`).sort(),
    );
  });

  it('two taggers in one process editing one bucket at once lose no key (one lock per process)', async () => {
    // Prepare: two taggers, each with its own clients, as two libraries in one program would have.
    const arn = await createBucket(awsConfig(), uniqueName('two-taggers'));
    const [first, second] = [localTagger(), localTagger()];
    // Act: 20 keys each, all at once, interleaved.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        first.tag(arn, { [`a${i}`]: `v${i}` }),
        second.tag(arn, { [`b${i}`]: `v${i}` }),
      ]).flat(),
    );
    // Assess
    expect(await first.list(arn)).toEqual({ ...tagsOf(20, 'a'), ...tagsOf(20, 'b') });
  });

  it('refuses an 11th tag on an object, and a 51st on a bucket, leaving each as it was', async () => {
    const bucket = uniqueName('limits');
    const bucketArn = await createBucket(awsConfig(), bucket);
    const { arn } = await putObject(awsConfig(), bucket, 'full.txt');
    const tagger = localTagger();
    await tagger.tag(arn, tagsOf(10));
    await expect(tagger.tag(arn, { eleventh: 'x' })).rejects.toMatchObject({ code: 'TagLimitExceeded', arn });
    expect(await tagger.list(arn)).toEqual(tagsOf(10));
    await expect(tagger.tag(arn, tagsOf(11, 'n'))).rejects.toMatchObject({ code: 'TagLimitExceeded' });
    await tagger.tag(bucketArn, tagsOf(50));
    await expect(tagger.tag(bucketArn, { extra: 'x' })).rejects.toMatchObject({ code: 'TagLimitExceeded' });
    expect(await tagger.list(bucketArn)).toEqual(tagsOf(50));
    // Overwriting a value at the limit is fine: the set does not grow.
    await tagger.tag(arn, { k0: 'changed' });
    expect((await tagger.list(arn)).k0).toBe('changed');
  });

  it('makes no write when the merged set equals the current one', async () => {
    const arn = await createBucket(awsConfig(), uniqueName('same'));
    const tagger = localTagger();
    await tagger.tag(arn, { a: '1' });
    const before = tagger.calls;
    await tagger.tag(arn, { a: '1' });
    await tagger.untag(arn, ['absent']);
    expect(tagger.calls - before).toBe(2); // two reads, no write
  });

  it('deletes the tagging when the last tag goes', async () => {
    const arn = await createBucket(awsConfig(), uniqueName('last'));
    const tagger = localTagger();
    await tagger.tag(arn, { only: 'one' });
    await tagger.untag(arn, ['only']);
    expect(await tagger.list(arn)).toEqual({});
  });

  // aws: system tags: LocalStack refuses to store them, so test/unit/s3-ec2-iam.test.ts covers them.

  it('tags one object version, leaving the others alone', async () => {
    const bucket = uniqueName('versions');
    await createBucket(awsConfig(), bucket, true);
    const first = await putObject(awsConfig(), bucket, 'doc.txt', 'one');
    const second = await putObject(awsConfig(), bucket, 'doc.txt', 'two');
    expect(first.versionId).toBeDefined();
    const tagger = localTagger();
    await tagger.tag(first.arn, { version: 'first' }, { versionId: first.versionId });
    await tagger.tag(second.arn, { version: 'current' });
    expect(await tagger.list(first.arn, { versionId: first.versionId })).toEqual({ version: 'first' });
    expect(await tagger.list(first.arn, { versionId: second.versionId })).toEqual({ version: 'current' });
    expect(await tagger.list(first.arn)).toEqual({ version: 'current' });
    await expect(tagger.list(first.arn, { versionId: 'no-such-version' })).rejects.toMatchObject({
      code: expect.stringMatching(/ResourceNotFound|ServiceError/),
    });
  });

  it("tags a bucket in another region than the tagger's (bucket ARNs carry none)", async () => {
    const name = uniqueName('elsewhere');
    const client = new S3Client({ ...awsConfig(), region: 'eu-west-1', forcePathStyle: true });
    await client.send(
      new CreateBucketCommand({
        Bucket: name,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    client.destroy();
    const tagger = localTagger({ region: 'us-east-1' });
    await tagger.tag(`arn:aws:s3:::${name}`, { where: 'eu-west-1' });
    expect(await tagger.list(`arn:aws:s3:::${name}`)).toEqual({ where: 'eu-west-1' });
  });

  it('refuses a versionId on a bucket before any call', async () => {
    const tagger = localTagger();
    await expect(tagger.list('arn:aws:s3:::bkt', { versionId: 'v' })).rejects.toMatchObject({
      code: 'UnsupportedResource',
    });
    expect(tagger.calls).toBe(0);
  });
});
