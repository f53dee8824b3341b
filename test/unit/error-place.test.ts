// Every error about one resource names its ARN and its service, those raised before any call included: a bad ARN
// (whose service field is still read), a bad tag or key, an argument of the wrong type; in tag, untag and list,
// in the lines of tagMany and listMany, and in a plan's entries. No request is made for any of them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTagger, isUnitagError } from '../../src/index.js';

// Nothing answers here: an error that came from a request would say so (and take long); none is made.
const tagger = createTagger({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  endpoint: 'http://127.0.0.1:9',
  maxRates: false,
  retryFor: 0,
});
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:t';
const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

const CASES: [string, string, () => Promise<unknown>, string][] = [
  ['an ARN cut short', 'arn:aws:sns', () => tagger.tag('arn:aws:sns', { a: '1' }), 'sns'],
  [
    'a region that is none',
    'arn:aws:sns:us-east-1x:123456789012:t',
    () => tagger.tag('arn:aws:sns:us-east-1x:123456789012:t', { a: '1' }),
    'sns',
  ],
  [
    'an account of 5 digits',
    'arn:aws:sns:us-east-1:12345:t',
    () => tagger.tag('arn:aws:sns:us-east-1:12345:t', { a: '1' }),
    'sns',
  ],
  [
    'an SQS ARN without a queue',
    'arn:aws:sqs:us-east-1:123456789012:',
    () => tagger.list('arn:aws:sqs:us-east-1:123456789012:'),
    'sqs',
  ],
  ['an aws: key', TOPIC, () => tagger.tag(TOPIC, { 'aws:x': '1' }), 'sns'],
  ['a key of 200 characters', TOPIC, () => tagger.tag(TOPIC, { ['k'.repeat(200)]: '1' }), 'sns'],
  ['51 tags', TOPIC, () => tagger.tag(TOPIC, many(51)), 'sns'],
  ['an empty key to remove', TOPIC, () => tagger.untag(TOPIC, ['']), 'sns'],
  ['tags that are a string', TOPIC, () => tagger.tag(TOPIC, 'x' as never), 'sns'],
  ['keys that are a string', TOPIC, () => tagger.untag(TOPIC, 'a' as never), 'sns'],
  ['a value that is a number', TOPIC, () => tagger.tag(TOPIC, { a: 1 as never }), 'sns'],
  [
    'two IAM keys differing in case',
    'arn:aws:iam::123456789012:user/u',
    () => tagger.tag('arn:aws:iam::123456789012:user/u', { A: '1', a: '2' }),
    'iam',
  ],
];

describe('errors name their resource and service, before any call too', () => {
  it.each(CASES)('%s: arn and service set', async (_, arn, run, service) => {
    const error = await run().catch((e: unknown) => e);
    expect(isUnitagError(error)).toBe(true);
    expect(error).toMatchObject({ arn, service });
    expect(tagger.calls).toBe(0);
  });

  it('in the lines of tagMany and listMany, and in the entries of a plan', async () => {
    const bad = 'arn:aws:sqs:us-east-1:123456789012:';
    const written = await tagger.tagMany([bad, TOPIC], { 'aws:x': '1' });
    for (const line of written.results)
      expect(line.error).toMatchObject({ arn: line.arn, service: line.arn.split(':')[2] });
    const read = await tagger.listMany(['arn:aws:lambda:us-east-1:123456789012:function:f:1']);
    expect(read.results[0]?.error).toMatchObject({ service: 'lambda', code: 'UnsupportedResource' });
    const planned = await tagger.plan([
      { arn: TOPIC, set: many(51) },
      { arn: bad, set: { a: '1' } },
    ]);
    for (const entry of planned.entries)
      expect(entry.error).toMatchObject({ arn: entry.arn, service: entry.arn.split(':')[2] });
    expect(tagger.calls).toBe(0);
  });

  it('any ARN-like string with a service field, and tags AWS refuses: the error names both', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sns', 'sqs', 'lambda', 'iam', 's3', 'ec2', 'kms', 'logs', 'ssm', 'nosuch'),
        fc.string({ maxLength: 30 }),
        async (service, rest) => {
          const arn = `arn:aws:${service}:${rest}`;
          const error = await tagger.tag(arn, { 'aws:reserved': 'x' }).catch((e: unknown) => e);
          expect(isUnitagError(error)).toBe(true);
          expect(error).toMatchObject({ arn, service });
        },
      ),
      { numRuns: 300 },
    );
    expect(tagger.calls).toBe(0);
  });
});
