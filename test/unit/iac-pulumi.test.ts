// Pulumi stack exports read (src/iac/pulumi.ts), from a fixture written by hand after the shape of
// `pulumi stack export` (test/fixtures/iac/pulumi/): which resources are kept, left out or skipped with a reason;
// tagsAll over tags; secrets (one value, a whole map, --show-secrets plaintext); each provider's ignoreTags; the
// checkpoint file of a self-managed backend; the typed errors; and, as properties, that no JSON makes it throw
// anything but InvalidIacState and that any tag key is an own key of `declared`.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidIacStateError } from '../../src/core/errors.js';
import { readPulumiExport } from '../../src/iac/pulumi.js';
import { expectDeclared, objectText, readsOrRefuses, tagEntries } from '../iac-properties.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/iac/pulumi/${name}`, import.meta.url), 'utf8');

const URN = 'urn:pulumi:dev::shop::';
const SIGNATURE_KEY = '4dabf18193072939515e22adb298388d';
const SECRET = '1b47061264138c4ac30d75fd1eb44270';
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:t';

/** The error `act` throws (a test fails when it throws none). */
function thrown(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** An export of these resources. */
const exported = (resources: unknown[]) => JSON.stringify({ version: 3, deployment: { resources } });

/** An AWS topic of the export with these outputs. */
const topic = (outputs: unknown, extra: Record<string, unknown> = {}) => ({
  urn: `${URN}aws:sns/topic:Topic::t`,
  custom: true,
  type: 'aws:sns/topic:Topic',
  outputs,
  ...extra,
});

describe('readPulumiExport: pulumi stack export (version 3)', () => {
  const read = readPulumiExport(fixture('stack.json'), 'stack dev');
  const byUrn = (name: string) => read.resources.find((r) => r.urn?.endsWith(`::${name}`));

  it('keeps the AWS resources with an ARN, each by its URN', () => {
    expect(read.resources.map((r) => [r.urn, r.arn])).toEqual([
      [`${URN}aws:sns/topic:Topic::orders`, 'arn:aws:sns:us-east-1:000000000000:orders-7d1c2e4'],
      [`${URN}aws:sns/topic:Topic::audit`, 'arn:aws:sns:us-east-1:000000000000:audit-3e9f0a1'],
      [`${URN}aws:sqs/queue:Queue::jobs`, 'arn:aws:sqs:us-east-1:000000000000:jobs-5a6b7c8'],
      [`${URN}shop:index:Service$aws:s3/bucketV2:BucketV2::api-assets`, 'arn:aws:s3:::api-assets-4c2d1e0'],
    ]);
    for (const resource of read.resources) {
      expect(resource).toMatchObject({ tool: 'pulumi', authority: 'whole', source: 'stack dev' });
      expect(resource.address).toBeUndefined();
    }
  });

  it('declares tagsAll (tags with the provider defaultTags), else tags', () => {
    expect({ ...byUrn('orders')?.declared }).toEqual({ Environment: 'dev', service: 'orders' });
    expect({ ...byUrn('jobs')?.declared }).toEqual({ Environment: 'dev' });
  });

  it('declares a key whose value is a secret, with its value unknown', () => {
    const declared = byUrn('api-assets')?.declared ?? {};
    expect(Object.keys(declared).sort()).toEqual(['Environment', 'owner', 'service']);
    expect(Object.hasOwn(declared, 'owner')).toBe(true);
    expect(declared.owner).toBeUndefined();
    expect(declared.service).toBe('api');
  });

  it('holds declared tags in prototype-free maps, where __proto__ and hasOwnProperty are own keys', () => {
    const declared = byUrn('audit')?.declared;
    expect(Object.getPrototypeOf(declared)).toBeNull();
    expect(Object.keys(declared ?? {}).sort()).toEqual(['__proto__', 'hasOwnProperty']);
    expect(Object.getOwnPropertyDescriptor(declared, '__proto__')?.value).toBe('audit');
  });

  it("reads each provider's ignoreTags for the resources it manages, and none for a provider without it", () => {
    const ignores = byUrn('orders')?.ignores;
    expect(['LastScanned', 'kubernetes.io/cluster/a'].map((key) => ignores?.(key))).toEqual([true, true]);
    expect(['lastscanned', 'service', 'kubernetes.io'].map((key) => ignores?.(key))).toEqual([
      false,
      false,
      false,
    ]);
    expect(byUrn('audit')?.ignores).toBeUndefined();
  });

  it('skips, saying why, what it names but cannot use; other resources say nothing', () => {
    expect(read.skipped).toEqual([
      {
        where: `${URN}aws:sqs/queue:Queue::jobs`,
        why: expect.stringContaining('the next pulumi up deletes'),
      },
      { where: `${URN}aws:iam/role:Role::deployer`, why: expect.stringContaining('--show-secrets') },
      {
        where: `${URN}aws:iam/rolePolicyAttachment:RolePolicyAttachment::deployer-policy`,
        why: expect.stringContaining('no arn output'),
      },
      {
        where: `${URN}aws:sns/topicSubscription:TopicSubscription::orders-to-jobs`,
        why: expect.stringContaining('has no tags output'),
      },
    ]);
    // The stack, the providers, the component, a resource read with .get() and another package's resource.
    const named = [...read.resources.map((r) => r.urn), ...read.skipped.map((s) => s.where)].join(' ');
    for (const left of [
      'pulumi:pulumi:Stack',
      'pulumi:providers',
      'shop:index:Service::api',
      '::shared',
      'random',
    ]) {
      expect(named).not.toContain(left);
    }
  });

  it('reads a stack without resources as nothing declared', () => {
    expect(readPulumiExport(fixture('empty-stack.json'), 's')).toEqual({ resources: [], skipped: [] });
    expect(readPulumiExport('{"version":3,"deployment":{"resources":null}}', 's').resources).toEqual([]);
  });

  it("reads a self-managed backend's checkpoint file as the export of its latest deployment", () => {
    const { deployment } = JSON.parse(fixture('stack.json')) as { deployment: unknown };
    const checkpoint = JSON.stringify({
      version: 3,
      checkpoint: { stack: 'organization/shop/dev', latest: deployment },
    });
    const fromCheckpoint = readPulumiExport(checkpoint, 's');
    const fromExport = readPulumiExport(fixture('stack.json'), 's');
    expect(fromCheckpoint.resources.map((r) => [r.urn, { ...r.declared }])).toEqual(
      fromExport.resources.map((r) => [r.urn, { ...r.declared }]),
    );
    expect(fromCheckpoint.skipped).toEqual(fromExport.skipped);
    const empty = '{"version":3,"checkpoint":{"stack":"organization/shop/dev","latest":null}}';
    expect(readPulumiExport(empty, 's')).toEqual({ resources: [], skipped: [] });
  });
});

describe('readPulumiExport: tags and secrets', () => {
  const declared = (outputs: unknown) => {
    const [resource] = readPulumiExport(exported([topic(outputs)]), 's').resources;
    return resource === undefined ? undefined : { ...resource.declared };
  };
  const secret = (fields: Record<string, unknown>) => ({ [SIGNATURE_KEY]: SECRET, ...fields });

  it.each([
    ['tagsAll over tags', { tags: { a: '1' }, tagsAll: { a: '1', d: '2' } }, { a: '1', d: '2' }],
    ['tags when tagsAll is missing', { tags: { a: '1' } }, { a: '1' }],
    ['tags when tagsAll is null', { tags: { a: '1' }, tagsAll: null }, { a: '1' }],
    ['nothing when both are null', { tags: null, tagsAll: null }, {}],
    [
      'a secret value with its plaintext (--show-secrets)',
      { tags: { a: secret({ plaintext: '"1"' }) } },
      { a: '1' },
    ],
    [
      'a secret value whose plaintext is not JSON',
      { tags: { a: secret({ plaintext: '{' }) } },
      { a: undefined },
    ],
    ['a secret value held encrypted', { tags: { a: secret({ ciphertext: 'v1:x' }) } }, { a: undefined }],
    ['a secret map with its plaintext', { tagsAll: secret({ plaintext: '{"a":"1"}' }) }, { a: '1' }],
  ])('declares %s', (_, outputs, expected) => {
    expect(declared({ arn: TOPIC, ...outputs })).toEqual(expected);
  });

  it('skips a resource whose tag map is one secret held encrypted, or whose ARN is', () => {
    const whole = readPulumiExport(
      exported([topic({ arn: TOPIC, tagsAll: secret({ ciphertext: 'v1:x' }) })]),
      's',
    );
    expect(whole.skipped).toEqual([
      { where: `${URN}aws:sns/topic:Topic::t`, why: expect.stringContaining('secret') },
    ]);
    const arn = readPulumiExport(exported([topic({ arn: secret({ ciphertext: 'v1:x' }), tags: null })]), 's');
    expect(arn.skipped[0]?.why).toContain('its arn output is a secret');
    const shown = readPulumiExport(
      exported([topic({ arn: secret({ plaintext: `"${TOPIC}"` }), tags: null })]),
      's',
    );
    expect(shown.resources[0]?.arn).toBe(TOPIC);
  });

  it('skips a resource whose ARN is not one, and one without an arn output', () => {
    const read = readPulumiExport(
      exported([topic({ arn: 'orders', tags: null }), topic({ tags: null })]),
      's',
    );
    expect(read.skipped.map((s) => s.why)).toEqual([
      expect.stringContaining('its arn output "orders" is not an ARN'),
      expect.stringContaining('no arn output'),
    ]);
  });

  it.each([
    ['a number', { tags: { a: 1 } }, 'the value of its tag "a" is not a string'],
    ['an object', { tagsAll: { a: { b: 'c' } } }, 'the value of its tag "a" is not a string'],
    ['a list of tags', { tags: [{ key: 'a', value: '1' }] }, 'its tags are not a map'],
  ])('refuses a tag map holding %s, naming the URN', (_, outputs, message) => {
    const error = thrown(() => readPulumiExport(exported([topic({ arn: TOPIC, ...outputs })]), 'stack dev'));
    expect(error).toBeInstanceOf(InvalidIacStateError);
    expect((error as InvalidIacStateError).code).toBe('InvalidIacState');
    expect(error.message).toContain(`stack dev: ${URN}aws:sns/topic:Topic::t: ${message}`);
  });

  it('reads a provider ignoreTags given as an object, and leaves out one it cannot read', () => {
    const provider = (id: string, ignoreTags: unknown) => ({
      urn: `${URN}pulumi:providers:aws::${id}`,
      custom: true,
      id,
      type: 'pulumi:providers:aws',
      inputs: { ignoreTags },
    });
    const managedBy = (id: string) => ({
      ...topic({ arn: TOPIC, tags: null }),
      provider: `${URN}pulumi:providers:aws::${id}::${id}`,
    });
    const read = readPulumiExport(
      exported([
        provider('a', { keys: ['k'], keyPrefixes: ['p/'] }),
        provider('b', '{not json'),
        provider('c', { keys: [], keyPrefixes: [] }),
        managedBy('a'),
        managedBy('b'),
        managedBy('c'),
        managedBy('unknown'),
      ]),
      's',
    );
    const [a, b, c, unknown] = read.resources.map((r) => r.ignores);
    expect([a?.('k'), a?.('p/x'), a?.('q')]).toEqual([true, true, false]);
    expect([b, c, unknown]).toEqual([undefined, undefined, undefined]);
  });
});

describe('readPulumiExport: documents it does not read', () => {
  it.each([
    ['text that is not JSON', 'not json', 'is not JSON'],
    ['a JSON array', '[]', 'is not a Pulumi stack export: it is a JSON array'],
    ['an object of another shape', '{"resources":[]}', 'it is an object with the keys "resources"'],
    ['a Terraform state', '{"format_version":"1.0","values":{}}', '(a Terraform state?)'],
    ['version 1', '{"version":1,"deployment":{}}', 'version 1; unitag reads version 3'],
    ['no version', '{"deployment":{}}', 'version undefined; unitag reads version 3'],
    ['a deployment that is not an object', '{"version":3,"deployment":[]}', '"deployment" is not an object'],
    ['a checkpoint that is not an object', '{"version":3,"checkpoint":1}', '"checkpoint" is not an object'],
    ['a latest that is not an object', '{"version":3,"checkpoint":{"latest":[]}}', 'checkpoint.latest'],
    [
      'resources that are not a list',
      '{"version":3,"deployment":{"resources":{}}}',
      'resources is not a list',
    ],
    [
      'a resource without a URN',
      exported([{ type: 'aws:sns/topic:Topic' }]),
      'resources[0] is not a resource',
    ],
    ['a resource that is not an object', exported([null]), 'resources[0] is not a resource'],
    ['outputs that are a list', exported([topic([1])]), 'its outputs are not an object'],
  ])('refuses %s with InvalidIacState naming the source and what to do', (_, text, message) => {
    const error = thrown(() => readPulumiExport(text, 'exports/dev.json'));
    expect(error).toBeInstanceOf(InvalidIacStateError);
    expect(error.name).toBe('InvalidIacStateError');
    expect((error as InvalidIacStateError).code).toBe('InvalidIacState');
    expect(error.message).toContain('exports/dev.json');
    expect(error.message).toContain(message);
    expect(error.message).toContain('pulumi stack export');
  });
});

// Generated exports: any text, any JSON, and exports close to the real shape, mostly right and with a wrong value
// anywhere.
const loose = fc.jsonValue({ maxDepth: 2 });
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 40 }, { arbitrary: loose as fc.Arbitrary<unknown>, weight: 1 });
/** `common` most of the time, `rare` now and then. */
const often = <T, U>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: common as fc.Arbitrary<T | U>, weight: 6 }, { arbitrary: rare, weight: 1 });
const secretArb = fc.record(
  { [SIGNATURE_KEY]: mostly(fc.constant(SECRET)), ciphertext: fc.string(), plaintext: mostly(fc.json()) },
  { requiredKeys: [SIGNATURE_KEY] },
);
const tagMap = often(
  mostly(fc.dictionary(fc.string(), often(mostly(fc.string()), secretArb), { maxKeys: 4 })),
  secretArb,
);
const outputsArb = fc.record(
  {
    arn: mostly(often(fc.constant(TOPIC), fc.oneof(fc.constant('orders'), secretArb))),
    tags: tagMap,
    tagsAll: tagMap,
  },
  { requiredKeys: ['arn'] },
);
const resourceArb = fc.record(
  {
    urn: mostly(fc.constantFrom(`${URN}aws:sns/topic:Topic::t`, `${URN}pulumi:providers:aws::p`)),
    type: mostly(
      often(fc.constant('aws:sns/topic:Topic'), fc.constantFrom('pulumi:providers:aws', 'random:x:Y')),
    ),
    custom: mostly(often(fc.constant(true), fc.constant(false))),
    external: mostly(often(fc.constant(false), fc.constant(true))),
    delete: mostly(often(fc.constant(false), fc.constant(true))),
    id: mostly(fc.constant('p')),
    provider: mostly(fc.constant(`${URN}pulumi:providers:aws::p::p`)),
    inputs: mostly(fc.record({ ignoreTags: mostly(fc.oneof(fc.json(), fc.record({ keys: loose }))) })),
    outputs: mostly(outputsArb),
  },
  { requiredKeys: ['urn', 'type', 'custom', 'outputs'] },
);
const textArb = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record(
      {
        version: mostly(fc.constant(3)),
        deployment: mostly(
          fc.record({ resources: mostly(fc.array(resourceArb, { minLength: 1, maxLength: 4 })) }),
        ),
      },
      { requiredKeys: ['version', 'deployment'] },
    )
    .map((document) => JSON.stringify(document)),
);

describe('readPulumiExport: properties', () => {
  it('reads any JSON text or refuses it with InvalidIacState, never another error', () => {
    // A secret's value is not known: declared, as undefined.
    readsOrRefuses(textArb, readPulumiExport, 'generated.json', ['string', 'undefined']);
  });

  it('declares any tag key, __proto__ and constructor included, as an own key with its value', () => {
    fc.assert(
      fc.property(tagEntries(), (entries) => {
        const text = `{"version":3,"deployment":{"resources":[{"urn":"${URN}aws:sns/topic:Topic::t","type":"aws:sns/topic:Topic","custom":true,"outputs":{"arn":"${TOPIC}","tagsAll":${objectText(entries)}}}]}}`;
        expectDeclared(readPulumiExport(text, 's').resources[0]?.declared ?? {}, entries);
      }),
    );
  });
});
