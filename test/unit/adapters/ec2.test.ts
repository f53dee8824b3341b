import { CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { keysToDelete } from '../../../adapters/ec2.js';
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
