import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ID_PREFIXES } from '../../adapters/ec2.js';
import { SUPPORTED_SERVICES } from '../../adapters/tagging-api.js';
import { createRegistry, createTagger, dispatch, parseArn } from '../../src/index.js';
import { startFakeAws } from '../fake-aws.js';

const registry = createRegistry();

function route(arn: string): string {
  try {
    const { adapter, info } = dispatch(parseArn(arn), registry);
    return `${adapter.name} ${info.type}`;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('dispatch (pure: no AWS)', () => {
  it.each([
    ['arn:aws:sns:us-east-1:123456789012:orders', 'sns sns:topic'],
    ['arn:aws:sns:us-east-1:123456789012:orders:3f1c9a2e-sub', 'UnsupportedResource'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs', 'sqs sqs:queue'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs.fifo', 'sqs sqs:queue'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f', 'lambda lambda:function'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:1', 'UnsupportedResource'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:prod', 'UnsupportedResource'],
    ['arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST', 'UnsupportedResource'],
    [
      'arn:aws:lambda:us-east-1:123456789012:event-source-mapping:1b2c-uuid',
      'lambda lambda:event-source-mapping',
    ],
    [
      'arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0abc',
      'lambda lambda:code-signing-config',
    ],
    ['arn:aws:lambda:us-east-1:123456789012:layer:l:1', 'UnsupportedResource'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f', 'logs logs:log-group'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*', 'logs logs:log-group'],
    ['arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s', 'UnsupportedResource'],
    ['arn:aws:logs:us-east-1:123456789012:destination:d', 'logs logs:destination'],
    ['arn:aws:kinesis:us-east-1:123456789012:stream/orders', 'kinesis kinesis:stream'],
    ['arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/c:1700000000', 'UnsupportedResource'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:flow', 'states states:stateMachine'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:flow:prod', 'UnsupportedResource'],
    ['arn:aws:states:us-east-1:123456789012:activity:approve', 'states states:activity'],
    ['arn:aws:states:us-east-1:123456789012:execution:flow:run-1', 'UnsupportedResource'],
    ['arn:aws:events:us-east-1:123456789012:rule/nightly', 'events events:rule'],
    ['arn:aws:events:us-east-1:123456789012:rule/orders-bus/nightly', 'events events:rule'],
    ['arn:aws:events:us-east-1:123456789012:event-bus/orders-bus', 'events events:event-bus'],
    ['arn:aws:events:us-east-1:123456789012:archive/a', 'UnsupportedResource'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'dynamodb dynamodb:table'],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/byDate', 'UnsupportedResource'],
    ['arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'kms kms:key'],
    ['arn:aws:kms:us-east-1:123456789012:key/1234abcd', 'InvalidArn'],
    ['arn:aws:kms:us-east-1:123456789012:alias/app', 'UnsupportedResource'],
    [
      'arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222',
      'organizations organizations:account',
    ],
    [
      'arn:aws:organizations::111111111111:ou/o-exampleorgid/ou-ab12-cdefgh34',
      'organizations organizations:ou',
    ],
    ['arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', 'UnsupportedResource'],
    [
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
      'secretsmanager secretsmanager:secret',
    ],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/app/db/url', 'ssm ssm:parameter'],
    ['arn:aws:sts::123456789012:assumed-role/r/s', 'UnsupportedResource'],
    ['arn:aws:made-up:us-east-1:123456789012:thing/x', 'UnsupportedResource'],
    ['arn:aws:sns:nowhere:123456789012:orders', 'InvalidArn'],
  ])('%s -> %s', (arn, expected) => {
    expect(route(arn)).toBe(expected);
  });

  it('never routes a service with its own adapter to the tagging API, unless its SDK package is missing', () => {
    // An adapter whose SDK client is an optional peer dependency hands its resources to the tagging API when
    // that package is not installed, so its service stays one the tagging API serves.
    for (const [service, adapter] of registry.adapters) {
      expect(SUPPORTED_SERVICES.has(service), service).toBe(adapter.optionalPackage !== undefined);
    }
  });

  it('registers one adapter per file in adapters/; the other files there are helpers named after theirs', async () => {
    // Prepare: each module of adapters/, and whether it default-exports an adapter factory.
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(new URL('../../adapters/', import.meta.url)).filter((f) => f.endsWith('.ts'));
    const modules = await Promise.all(
      files.map(async (file) => {
        const module = await import(new URL(`../../adapters/${file}`, import.meta.url).href);
        return { name: file.replace(/\.ts$/, ''), factory: typeof module.default === 'function' };
      }),
    );
    const names = [...registry.adapters.keys(), registry.fallback.name].sort();
    // Assess: every factory is registered; a helper module (`ec2-resource-ids.ts`) is named after its adapter.
    expect(
      modules
        .filter((m) => m.factory)
        .map((m) => m.name)
        .sort(),
    ).toEqual(names);
    const helpers = modules.filter((m) => !m.factory).map((m) => m.name);
    expect(helpers.filter((helper) => !names.some((name) => helper.startsWith(`${name}-`)))).toEqual([]);
  });
});

describe('ARN shape: an ARN that does not name exactly one resource is refused, with no AWS call', () => {
  const vol = 'vol-0123456789abcdef0';
  const ec2 = (resource: string) => `arn:aws:ec2:us-east-1:123456789012:${resource}`;
  const BAD: [string, string][] = [
    [ec2(`instance/${vol}`), 'InvalidArn'],
    [ec2(`Volume/${vol}`), 'InvalidArn'],
    [ec2(`VOLUME/${vol}`), 'InvalidArn'],
    [ec2('volume/i-0123456789abcdef0'), 'InvalidArn'],
    [ec2('volume/vol-'), 'InvalidArn'],
    [ec2('volume/vol-0abc?x'), 'InvalidArn'],
    [ec2('transit-gateway/tgw-attach-0123456789abcdef0'), 'InvalidArn'],
    [ec2('ipam/ipam-pool-0123456789abcdef0'), 'InvalidArn'],
    [ec2('vpc-endpoint/vpce-svc-0123456789abcdef0'), 'InvalidArn'],
    [ec2('key-pair/my-key-name'), 'InvalidArn'],
    [ec2('placement-group/my-group'), 'InvalidArn'],
    [ec2('reserved-instances/not-a-uuid'), 'InvalidArn'],
    [ec2(`made-up-type/${vol}`), 'UnsupportedResource'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs?Action=DeleteQueue', 'InvalidArn'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs#frag', 'InvalidArn'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs/other', 'UnsupportedResource'],
    [`arn:aws:sqs:us-east-1:123456789012:${'q'.repeat(81)}`, 'InvalidArn'],
    ['arn:aws:sns:us-east-1:123456789012:orders?x', 'InvalidArn'],
    ['arn:aws:iam::123456789012:Role/R', 'InvalidArn'],
    ['arn:aws:iam::123456789012:USER/alice', 'InvalidArn'],
    ['arn:aws:iam::123456789012:role/team/', 'InvalidArn'],
    ['arn:aws:iam::123456789012:role/team/R?x', 'InvalidArn'],
    ['arn:aws:lambda:us-east-1:123456789012:Function:f', 'InvalidArn'],
    ['arn:aws:sns:us-east-1:123456789012:orders\u0000', 'InvalidArn'],
    ['arn:aws:sqs:us-east-1:123456789012:jobs\u0000other', 'InvalidArn'],
    [ec2(`volume/${vol}\u0000`), 'InvalidArn'],
    ['arn:aws:iam::123456789012:role/R\u001b[2J', 'InvalidArn'],
    ['arn:aws:s3:::bucket/key\u007f', 'InvalidArn'],
    ['arn:aws:s3:::bucket/key\u0085', 'InvalidArn'],
    ['arn:aws\u0000:sns:us-east-1:123456789012:orders', 'InvalidArn'],
    ['arn:constructor:sns:us-east-1:123456789012:orders', 'InvalidArn'],
    // No account where the resource has one: the call would act in the credentials' own account.
    ['arn:aws:iam:::role/R', 'InvalidArn'],
    ['arn:aws:iam::aws:policy/AdministratorAccess', 'InvalidArn'],
    [ec2(`volume/${vol}`).replace(':123456789012:', '::'), 'InvalidArn'],
    ['arn:aws:sqs:us-east-1:aws:q', 'InvalidArn'],
    ['arn:__proto__:sns:us-east-1:123456789012:orders', 'InvalidArn'],
  ];

  it.each(BAD)('%j -> %s', (arn, code) => {
    expect(route(arn)).toBe(code);
  });

  it.each([
    [ec2(`volume/${vol}`), 'ec2 ec2:volume'],
    [ec2('instance/i-0123456789abcdef0'), 'ec2 ec2:instance'],
    [ec2('transit-gateway-attachment/tgw-attach-0123456789abcdef0'), 'ec2 ec2:transit-gateway-attachment'],
    [ec2('key-pair/key-0123456789abcdef0'), 'ec2 ec2:key-pair'],
    [ec2('reserved-instances/0a1b2c3d-1234-5678-9abc-0123456789ab'), 'ec2 ec2:reserved-instances'],
    ['arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0', 'ec2 ec2:image'],
    ['arn:aws:iam::123456789012:role/team/R', 'iam iam:role'],
  ])('%s -> %s', (arn, expected) => {
    expect(route(arn)).toBe(expected);
  });

  it('accepts every EC2 type in the id table with an id of its own prefix, and no other type', () => {
    for (const [type, prefix] of Object.entries(ID_PREFIXES)) {
      expect(route(ec2(`${type}/${prefix}-0123456789abcdef0`))).toBe(`ec2 ec2:${type}`);
      for (const [other, otherPrefix] of Object.entries(ID_PREFIXES)) {
        if (other !== type) expect(route(ec2(`${type}/${otherPrefix}-0123456789abcdef0`))).toBe('InvalidArn');
      }
    }
  }, 30_000); // every pair of EC2 types: a second here, more on a loaded machine

  it('refuses, as InvalidArn, every ARN holding a control character (property)', () => {
    const control = fc
      .integer({ min: 0, max: 0x9f })
      .filter((c) => c < 0x20 || c >= 0x7f)
      .map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string(), control, fc.string(), (before, c, after) => {
        const arn = `arn:aws:sns:us-east-1:123456789012:${before}${c}${after}`;
        expect(() => parseArn(arn)).toThrow(expect.objectContaining({ code: 'InvalidArn', arn }));
      }),
    );
  });

  it('never throws anything but a UnitagError, whatever the string (property)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('sns', 'sqs', 'ec2', 'iam', 'lambda', 's3', 'logs'),
        (tail, service) => {
          for (const arn of [
            tail,
            `arn:aws:${service}:us-east-1:123456789012:${tail}`,
            `arn:aws:${service}:::${tail}`,
          ]) {
            const outcome = route(arn);
            // A resource type may hold spaces (S3 keys do), so the type after the adapter's name is anything.
            expect(outcome).toMatch(/^(InvalidArn|UnsupportedResource|[a-z0-9-]+ [a-z0-9-]+:.*)$/s);
          }
        },
      ),
    );
  });

  it('makes no AWS call for any of them, through every tagger method', async () => {
    // Prepare: a local server that records every request it gets.
    const fake = await startFakeAws();
    const tagger = createTagger({
      endpoint: fake.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      const arns = BAD.map(([arn]) => arn);
      // Act
      for (const arn of arns) {
        await expect(tagger.tag(arn, { a: '1' })).rejects.toMatchObject({ code: expect.any(String) });
        await expect(tagger.untag(arn, ['a'])).rejects.toMatchObject({ code: expect.any(String) });
        await expect(tagger.list(arn)).rejects.toMatchObject({ code: expect.any(String) });
      }
      const bulk = await tagger.tagMany(arns, { a: '1' });
      const read = await tagger.listMany(arns);
      const planned = await tagger.plan(arns.map((arn) => ({ arn, set: { a: '1' } })));
      const applied = await tagger.apply(planned);
      // Assess
      for (const report of [bulk, read, applied]) expect(report.totals.failed).toBe(arns.length);
      expect(fake.requests).toEqual([]);
      expect(tagger.calls).toBe(0);
    } finally {
      await fake.close();
    }
  });
});
