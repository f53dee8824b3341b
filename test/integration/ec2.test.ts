import { describe, expect, it } from 'vitest';
import { createEc2 } from '../../fixtures/aws-resources.js';
import { testAdapter } from '../conformance.js';
import { ACCOUNT, awsConfig, localTagger, onLocalStack, REGION } from '../helpers.js';

describe('EC2 on LocalStack', () => {
  testAdapter(
    {
      name: 'ec2 volume',
      create: () => createEc2(awsConfig(), 'volume'),
      missing: () => `arn:aws:ec2:${REGION}:${ACCOUNT}:volume/vol-0123456789abcdef0`,
      missingOnlyOnWrite: true,
    },
    onLocalStack,
  );
  for (const kind of [
    'vpc',
    'subnet',
    'security-group',
    'key-pair',
    'internet-gateway',
    'route-table',
  ] as const) {
    testAdapter({ name: `ec2 ${kind}`, create: () => createEc2(awsConfig(), kind) }, onLocalStack);
  }

  it('keeps keys that differ only in case apart (EC2 keys are case-sensitive)', async () => {
    const tagger = localTagger();
    const arn = await createEc2(awsConfig(), 'volume');
    await tagger.tag(arn, { Team: 'a', team: 'b' });
    expect(await tagger.list(arn)).toEqual({ Team: 'a', team: 'b' });
    await tagger.untag(arn, ['team']);
    expect(await tagger.list(arn)).toEqual({ Team: 'a' });
  });

  it('accepts characters other services refuse', async () => {
    const tagger = localTagger();
    const arn = await createEc2(awsConfig(), 'vpc');
    await tagger.tag(arn, { 'cost#center': 'a;b*c' });
    expect(await tagger.list(arn)).toEqual({ 'cost#center': 'a;b*c' });
  });

  it('untags a key whatever its value, and an empty-valued key', async () => {
    const tagger = localTagger();
    const arn = await createEc2(awsConfig(), 'volume');
    await tagger.tag(arn, { a: 'x', b: '', c: 'keep' });
    await tagger.untag(arn, ['a', 'b']);
    expect(await tagger.list(arn)).toEqual({ c: 'keep' });
  });
});
