import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { keysToDelete } from '../../../adapters/ec2.js';
import { resourceId } from '../../../adapters/ec2-resource-ids.js';
import { parseArn } from '../../../src/index.js';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { ec2 } = mockClients({ ec2: EC2Client });
const tagger = () => mockedTagger({ region: 'eu-west-1' });

describe('EC2 (mocked: what LocalStack does not reproduce)', () => {
  const VOLUME = 'arn:aws:ec2:eu-west-1:123456789012:volume/vol-00000abc';

  it('untag with no keys makes no call (DeleteTags without keys deletes every tag on AWS)', async () => {
    await tagger().untag(VOLUME, []);
    expect(ec2.calls()).toHaveLength(0);
    expect(() => keysToDelete([])).toThrow();
  });

  it('every DeleteTags call carries keys, without values', async () => {
    ec2.on(DeleteTagsCommand).resolves({});
    await tagger().untag(VOLUME, ['a', 'b', 'a']);
    const calls = ec2.commandCalls(DeleteTagsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Resources: ['vol-00000abc'],
      Tags: [{ Key: 'a' }, { Key: 'b' }],
    });
    for (const call of calls) expect(call.args[0].input.Tags?.length).toBeGreaterThan(0);
  });

  it('takes the id generically from any resource type, empty account included', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    const arns = [
      'arn:aws:ec2:eu-west-1::image/ami-00000abc',
      'arn:aws:ec2:eu-west-1::snapshot/snap-00000abc',
      'arn:aws:ec2:eu-west-1:123456789012:transit-gateway/tgw-00000abc',
      'arn:aws:ec2:eu-west-1:123456789012:elastic-ip/eipalloc-00000abc',
      'arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-00000abc',
      'arn:aws:ec2:eu-west-1:123456789012:natgateway/nat-00000abc',
    ];
    for (const arn of arns) await tagger().tag(arn, { a: '1' });
    expect(ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input.Resources)).toEqual([
      ['ami-00000abc'],
      ['snap-00000abc'],
      ['tgw-00000abc'],
      ['eipalloc-00000abc'],
      ['lt-00000abc'],
      ['nat-00000abc'],
    ]);
  });

  it("tags IPAM resources by their region-less ARNs (as AWS writes them), in the tagger's region", async () => {
    ec2.on(CreateTagsCommand).resolves({});
    const ipam = 'arn:aws:ec2::123456789012:ipam/ipam-0123456789abcdef0';
    const pool = 'arn:aws:ec2::123456789012:ipam-pool/ipam-pool-0123456789abcdef0';
    await tagger().tag(ipam, { a: '1' });
    await tagger().tag(pool, { a: '1' });
    const calls = ec2.commandCalls(CreateTagsCommand);
    expect(calls.map((c) => c.args[0].input.Resources)).toEqual([
      ['ipam-0123456789abcdef0'],
      ['ipam-pool-0123456789abcdef0'],
    ]);
    expect(await calls[0]?.thisValue.config.region()).toBe('eu-west-1');
    // Any other type still needs its region.
    await expect(
      tagger().tag('arn:aws:ec2::123456789012:volume/vol-0123456789abcdef0', { a: '1' }),
    ).rejects.toMatchObject({ code: 'UnsupportedResource' });
  });

  it('follows DescribeTags NextToken to the end (LocalStack ignores paging)', async () => {
    ec2
      .on(DescribeTagsCommand)
      .resolvesOnce({ Tags: [{ ResourceId: 'vol-00000abc', Key: 'a', Value: '1' }], NextToken: 't1' })
      .resolvesOnce({ Tags: [{ ResourceId: 'vol-00000abc', Key: 'b', Value: '2' }], NextToken: 't2' })
      .resolves({ Tags: [{ ResourceId: 'vol-00000abc', Key: 'c', Value: '' }] });
    expect(await tagger().list(VOLUME)).toEqual({ a: '1', b: '2', c: '' });
    const inputs = ec2.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 't1', 't2']);
    expect(inputs[0]?.Filters).toEqual([{ Name: 'resource-id', Values: ['vol-00000abc'] }]);
  });

  it('maps a missing id to ResourceNotFound', async () => {
    ec2.on(CreateTagsCommand).rejects(awsError('InvalidVolume.NotFound'));
    await expect(tagger().tag(VOLUME, { a: '1' })).rejects.toMatchObject({ code: 'ResourceNotFound' });
  });
});

describe('EC2 ids worked out once per parsed ARN', () => {
  it('gives the id again from its cache, and works it out anew for a parsed ARN changed since', () => {
    const parsed = parseArn('arn:aws:ec2:eu-west-1:123456789012:volume/vol-00000abc');
    expect(resourceId(parsed)).toBe('vol-00000abc');
    expect(resourceId(parsed)).toBe('vol-00000abc');
    // The same object, now naming another volume: never the id it named before.
    Object.assign(parsed, { resource: 'volume/vol-11111abc', resourceId: 'vol-11111abc' });
    expect(resourceId(parsed)).toBe('vol-11111abc');
    // ... nor one it no longer holds: an id of another type is refused as before.
    Object.assign(parsed, { resource: 'volume/i-22222abc', resourceId: 'i-22222abc' });
    expect(() => resourceId(parsed)).toThrow(/a volume id starts with "vol-", not "i-22222abc"/);
    Object.assign(parsed, { accountId: '12345' });
    Object.assign(parsed, { resource: 'volume/vol-11111abc', resourceId: 'vol-11111abc' });
    expect(() => resourceId(parsed)).toThrow(/names its 12-digit account/);
  });
});

describe('EC2 batch writes: one CreateTags per change, whatever the order of its keys', () => {
  const volume = (n: number) => `arn:aws:ec2:eu-west-1:123456789012:volume/vol-0000${n}abc`;

  it('joins resources with the same change (keys in any order), and never two changes that only print alike', async () => {
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    ec2.on(CreateTagsCommand).resolves({});
    const t = tagger();
    const plan = await t.plan([
      { arn: volume(1), set: { a: '1', b: '2' } },
      { arn: volume(2), set: { b: '2', a: '1' } },
      // Each of these holds the separators a key made of plain text would need: none joins another.
      { arn: volume(3), set: { x: 'a","y":"b' } },
      { arn: volume(4), set: { x: 'a', y: 'b' } },
      { arn: volume(5), set: { 'x":"a': 'b' } },
      { arn: volume(6), set: { 'x,|': 'a' } },
      { arn: volume(7), set: { x: ',|a' } },
    ]);
    expect((await t.apply(plan)).totals.changed).toBe(7);
    const calls = ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Resources)).toEqual([
      ['vol-00001abc', 'vol-00002abc'],
      ['vol-00003abc'],
      ['vol-00004abc'],
      ['vol-00005abc'],
      ['vol-00006abc'],
      ['vol-00007abc'],
    ]);
    expect(calls[0]?.Tags).toEqual([
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ]);
  });
});
