// Terraform states read (src/iac/terraform.ts): a state file (format version 4) and `terraform show -json`, from
// fixtures written by hand after HashiCorp's documented formats (test/fixtures/iac/terraform/); which resources are
// kept, left out or skipped with a reason; the tags each declares; the typed errors; `--terraform-ignore-tags` and
// `s3://` locations; and, as properties, that no JSON makes it throw anything but InvalidIacState, that any tag key
// is an own key of `declared`, and that parseIgnoreTags refuses only with a ConfigurationError.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidIacStateError } from '../../src/core/errors.js';
import { type IacRead, parseIgnoreTags, readTerraformState, s3Location } from '../../src/iac/terraform.js';
import { expectDeclared, objectText, readsOrRefuses, tagEntries } from '../iac-properties.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/iac/terraform/${name}`, import.meta.url), 'utf8');

const DEFAULTS = { Environment: 'dev', Owner: 'platform' };
const AWS = 'provider[\\"registry.terraform.io/hashicorp/aws\\"]';

/** The error `act` throws (a test fails when it throws none). */
function thrown(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** Each kept resource's declared tags, by address, as plain objects (for toEqual). */
function declaredByAddress(read: IacRead): Record<string, Record<string, string | undefined>> {
  return Object.fromEntries(read.resources.map((r) => [r.address, { ...r.declared }]));
}

/** A state file of one resource instance with these attributes (and optionally its provider and index key). */
function oneInstance(attributes: unknown, options: { provider?: string; key?: unknown; type?: string } = {}) {
  return JSON.stringify({
    version: 4,
    resources: [
      {
        mode: 'managed',
        type: options.type ?? 'aws_sns_topic',
        name: 't',
        provider: options.provider ?? 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [{ ...(options.key === undefined ? {} : { index_key: options.key }), attributes }],
      },
    ],
  });
}

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:t';

describe('readTerraformState: a state file (format version 4)', () => {
  const read = readTerraformState(fixture('terraform.tfstate'), 'terraform.tfstate');

  it('keeps the AWS managed resources with an ARN, each instance at its address', () => {
    expect(read.resources.map((r) => [r.address, r.arn])).toEqual([
      ['aws_s3_bucket.logs', 'arn:aws:s3:::unitag-logs'],
      ['aws_sqs_queue.jobs[0]', 'arn:aws:sqs:us-east-1:000000000000:jobs-0'],
      ['aws_sqs_queue.jobs[1]', 'arn:aws:sqs:us-east-1:000000000000:jobs-1'],
      ['aws_sns_topic.audit', 'arn:aws:sns:us-east-1:000000000000:audit'],
      ['aws_lambda_function.api', 'arn:aws:lambda:us-east-1:000000000000:function:api'],
      ['module.app.aws_sns_topic.orders["eu"]', 'arn:aws:sns:us-east-1:000000000000:orders-eu'],
      ['module.app.aws_sns_topic.orders["us"]', 'arn:aws:sns:us-east-1:000000000000:orders-us'],
      [
        'module.regional["primary"].aws_iam_role.worker',
        'arn:aws:iam::000000000000:role/service/worker-primary',
      ],
    ]);
    for (const resource of read.resources) {
      expect(resource).toMatchObject({ tool: 'terraform', authority: 'whole', source: 'terraform.tfstate' });
      expect(resource.ignores).toBeUndefined();
    }
  });

  it('declares tags_all: the resource tags with the provider default_tags, or the defaults alone', () => {
    expect(declaredByAddress(read)).toEqual({
      'aws_s3_bucket.logs': DEFAULTS,
      'aws_sqs_queue.jobs[0]': { ...DEFAULTS, team: 'core' },
      'aws_sqs_queue.jobs[1]': { ...DEFAULTS, team: 'core' },
      'aws_sns_topic.audit': { constructor: 'audit', toString: 'yes' },
      'aws_lambda_function.api': { ...DEFAULTS, service: 'api' },
      'module.app.aws_sns_topic.orders["eu"]': { ...DEFAULTS, service: 'orders', 'cost-center': '42' },
      'module.app.aws_sns_topic.orders["us"]': { ...DEFAULTS, service: 'orders', 'cost-center': '42' },
      'module.regional["primary"].aws_iam_role.worker': { ...DEFAULTS, Name: 'worker' },
    });
  });

  it('holds declared tags in prototype-free maps, where constructor and toString are own keys', () => {
    const audit = read.resources.find((r) => r.address === 'aws_sns_topic.audit');
    expect(Object.getPrototypeOf(audit?.declared)).toBeNull();
    expect(Object.keys(audit?.declared ?? {}).sort()).toEqual(['constructor', 'toString']);
  });

  it('skips, saying why, what it names but cannot use; data sources and other providers say nothing', () => {
    expect(read.skipped).toEqual([
      {
        where: 'aws_lambda_function.api',
        why: expect.stringContaining('deposed object') as string,
      },
      {
        where: 'awscc_logs_log_group.audit',
        why: expect.stringContaining('registry.terraform.io/hashicorp/awscc, not hashicorp/aws') as string,
      },
      {
        where: 'module.app.aws_sns_topic_subscription.jobs',
        why: expect.stringContaining('aws_sns_topic_subscription has no tags argument') as string,
      },
      {
        where: 'module.regional["primary"].aws_iam_role_policy_attachment.worker',
        why: expect.stringContaining('no arn attribute') as string,
      },
    ]);
    const named = [...read.resources.map((r) => r.address), ...read.skipped.map((s) => s.where)];
    expect(
      named.some((address) => address?.includes('caller_identity') || address?.includes('random_id')),
    ).toBe(false);
  });

  it('gives an ignores function from ignore_tags: equal keys and prefixes', () => {
    const ignore = { keys: ['LastScanned'], keyPrefixes: ['kubernetes.io/', 'team:'] };
    const [first] = readTerraformState(fixture('terraform.tfstate'), 'terraform.tfstate', ignore).resources;
    const ignores = first?.ignores;
    expect(ignores).toBeTypeOf('function');
    expect(['LastScanned', 'kubernetes.io/cluster/a', 'team:x', 'team:'].map((k) => ignores?.(k))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['lastscanned', 'LastScanned2', 'kubernetes.io', 'team', ''].map((k) => ignores?.(k))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('gives no ignores function for an ignore_tags that names nothing', () => {
    const read = readTerraformState(fixture('terraform.tfstate'), 's', { keys: [], keyPrefixes: [] });
    expect(read.resources.every((r) => r.ignores === undefined)).toBe(true);
  });

  it('reads a state without resources as nothing declared', () => {
    expect(readTerraformState(fixture('empty.tfstate'), 'empty.tfstate')).toEqual({
      resources: [],
      skipped: [],
    });
    expect(readTerraformState('{"version":4}', 's')).toEqual({ resources: [], skipped: [] });
    expect(readTerraformState('{"version":4,"resources":[],"outputs":null}', 's').resources).toEqual([]);
  });

  it('reads a file that starts with a byte-order mark (Windows PowerShell redirection)', () => {
    const read = readTerraformState(`\uFEFF${fixture('terraform.tfstate')}`, 's');
    expect(read.resources).toHaveLength(8);
  });
});

describe('readTerraformState: terraform show -json', () => {
  const read = readTerraformState(fixture('show.json'), 'show.json');

  it('keeps the resources of the root module and of child modules at any depth, at their addresses', () => {
    expect(read.resources.map((r) => r.address)).toEqual([
      'aws_s3_bucket.logs',
      'aws_sqs_queue.jobs[0]',
      'aws_lambda_function.api',
      'module.app.aws_sns_topic.orders["eu"]',
      'module.app.module.dlq.aws_sqs_queue.dead',
    ]);
    expect(read.skipped.map((s) => s.where)).toEqual([
      'aws_lambda_function.api',
      'module.app.aws_iam_role_policy_attachment.worker',
    ]);
  });

  it('declares what the state file declares for the same resources', () => {
    const fromFile = declaredByAddress(readTerraformState(fixture('terraform.tfstate'), 'terraform.tfstate'));
    const shown = declaredByAddress(read);
    for (const address of [
      'aws_s3_bucket.logs',
      'aws_sqs_queue.jobs[0]',
      'module.app.aws_sns_topic.orders["eu"]',
    ]) {
      expect(shown[address], address).toEqual(fromFile[address]);
    }
    expect(shown['module.app.module.dlq.aws_sqs_queue.dead']).toEqual(DEFAULTS);
  });

  it('reads a workspace without state (no values) and empty modules as nothing declared', () => {
    for (const text of [
      fixture('show-empty.json'),
      '{"format_version":"1.0","values":null}',
      '{"format_version":"1.0","values":{}}',
      '{"format_version":"1.2","values":{"root_module":{}}}',
      '{"format_version":"0.2","values":{"root_module":{"resources":[],"child_modules":[{"address":"module.a"}]}}}',
    ]) {
      expect(readTerraformState(text, 's'), text).toEqual({ resources: [], skipped: [] });
    }
  });

  it('builds an address the document leaves out from the module, type, name and index', () => {
    const text = JSON.stringify({
      format_version: '1.0',
      values: {
        root_module: {
          child_modules: [
            {
              address: 'module.m',
              resources: [
                {
                  mode: 'managed',
                  type: 'aws_sns_topic',
                  name: 't',
                  index: 'k',
                  values: { arn: TOPIC, tags: null },
                },
              ],
            },
          ],
        },
      },
    });
    // No provider_name: the type's aws_ prefix names the provider.
    expect(readTerraformState(text, 's').resources[0]?.address).toBe('module.m.aws_sns_topic.t["k"]');
  });
});

describe('readTerraformState: the tags a resource declares', () => {
  const declared = (attributes: unknown, type?: string) =>
    readTerraformState(oneInstance(attributes, type === undefined ? {} : { type }), 's').resources[0]
      ?.declared;

  it.each([
    ['tags_all over tags', { tags: { a: '1' }, tags_all: { a: '1', d: '2' } }, { a: '1', d: '2' }],
    ['tags when tags_all is missing (providers before 3.38)', { tags: { a: '1' } }, { a: '1' }],
    ['tags when tags_all is null', { tags: { a: '1' }, tags_all: null }, { a: '1' }],
    ['nothing when both are null', { tags: null, tags_all: null }, {}],
    ['empty maps as nothing', { tags: {}, tags_all: {} }, {}],
    ['an empty value', { tags_all: { a: '' } }, { a: '' }],
    [
      "an Auto Scaling group's tag blocks",
      { tag: [{ key: 'a', value: '1', propagate_at_launch: true }], tags: null },
      { a: '1' },
    ],
  ])('%s', (_, attributes, expected) => {
    expect({ ...declared({ arn: TOPIC, ...attributes }) }).toEqual(expected);
  });

  it.each([
    ['a number', { tags_all: { a: 1 } }, 'the value of its tag "a" is not a string'],
    ['null', { tags: { a: null } }, 'the value of its tag "a" is not a string'],
    ['a list of tags', { tags_all: ['a'] }, 'its tags are not a map'],
    ['a string', { tags: 'a=1' }, 'its tags are not a map'],
    ['a tag block without a value', { tag: [{ key: 'a' }] }, 'a tag block without its key and value strings'],
  ])('refuses a tag map holding %s, naming the address', (_, attributes, message) => {
    const error = thrown(() =>
      readTerraformState(oneInstance({ arn: TOPIC, ...attributes }, { key: 2 }), 'st'),
    );
    expect(error).toBeInstanceOf(InvalidIacStateError);
    expect((error as InvalidIacStateError).code).toBe('InvalidIacState');
    expect(error.message).toContain(`st: aws_sns_topic.t[2]: ${message}`);
  });
});

describe('readTerraformState: which resources count', () => {
  const kept = (text: string) => readTerraformState(text, 's');

  it.each([
    ['an aliased provider', 'provider["registry.terraform.io/hashicorp/aws"].west'],
    ['a provider inside a module (Terraform 0.12)', 'module.app.provider.aws'],
    ["OpenTofu's registry", 'provider["registry.opentofu.org/hashicorp/aws"]'],
    ['no provider named, an aws_ type', ''],
  ])('keeps a resource of %s', (_, provider) => {
    expect(kept(oneInstance({ arn: TOPIC, tags: null }, { provider })).resources).toHaveLength(1);
  });

  it('leaves out silently another provider resource without an ARN, and says one with an ARN', () => {
    const random = 'provider["registry.terraform.io/hashicorp/random"]';
    expect(kept(oneInstance({ id: 'x' }, { provider: random, type: 'random_id' }))).toEqual({
      resources: [],
      skipped: [],
    });
    const awscc = 'provider["registry.terraform.io/hashicorp/awscc"]';
    const read = kept(oneInstance({ arn: TOPIC, tags: [] }, { provider: awscc, type: 'awscc_sns_topic' }));
    expect(read.resources).toEqual([]);
    expect(read.skipped[0]?.why).toContain('awscc');
  });

  it.each([
    ['no attributes', undefined, 'no arn attribute'],
    ['an arn that is not a string', { arn: 12, tags: null }, 'no arn attribute'],
    ['an arn that is not an ARN', { arn: 'orders', tags: null }, 'its arn attribute "orders" is not an ARN'],
    ['no tags attribute at all', { arn: TOPIC, name: 't' }, 'has no tags argument'],
  ])('skips a resource with %s', (_, attributes, why) => {
    const read = kept(oneInstance(attributes));
    expect(read.resources).toEqual([]);
    expect(read.skipped).toEqual([{ where: 'aws_sns_topic.t', why: expect.stringContaining(why) }]);
  });

  it('writes string index keys as Terraform prints them, with JSON escapes', () => {
    const address = (key: unknown) =>
      kept(oneInstance({ arn: TOPIC, tags: null }, { key })).resources[0]?.address;
    expect(address(0)).toBe('aws_sns_topic.t[0]');
    expect(address('eu')).toBe('aws_sns_topic.t["eu"]');
    expect(address('a"b\\c')).toBe('aws_sns_topic.t["a\\"b\\\\c"]');
    expect(address(null)).toBe('aws_sns_topic.t');
  });
});

describe('readTerraformState: documents it does not read', () => {
  it.each([
    ['text that is not JSON', 'not json', 'is not JSON'],
    ['an empty file', '', 'is not JSON'],
    ['a JSON array', '[]', 'is not a Terraform state: it is a JSON array'],
    ['JSON null', 'null', 'is not a Terraform state: it is null'],
    ['an object of neither shape', '{"a":1}', 'it is an object with the keys "a"'],
    ['a Pulumi stack export', '{"version":3,"deployment":{}}', '(a Pulumi stack export?)'],
    ['version 3 (Terraform 0.11)', fixture('v3.tfstate'), 'format version 3 (Terraform 0.11 or earlier)'],
    ['version 5', '{"version":5,"resources":[]}', 'format version 5; unitag reads version 4'],
    ['version "4", a string', '{"version":"4","resources":[]}', 'format version "4"; unitag reads version 4'],
    ['a plan', '{"format_version":"1.2","planned_values":{},"resource_changes":[]}', 'is a Terraform plan'],
    ['show -json of format 2', '{"format_version":"2.0","values":{}}', 'format_version "2.0"'],
    ['show -json without a format version string', '{"format_version":1}', 'format_version 1'],
    ['resources that are not a list', '{"version":4,"resources":{}}', 'resources is not a list'],
    ['a resource that is not an object', '{"version":4,"resources":[1]}', 'resources[0] is not an object'],
    [
      'a resource without a type',
      '{"version":4,"resources":[{"name":"x"}]}',
      'resources[0] has no type or name',
    ],
    [
      'a module that is not a string',
      `{"version":4,"resources":[{"type":"a","name":"b","module":1}]}`,
      '"module"',
    ],
    [
      'instances that are not a list',
      '{"version":4,"resources":[{"type":"a","name":"b","instances":1}]}',
      'list',
    ],
    ['an index key that is an object', oneInstance({ arn: TOPIC }, { key: {} }), 'index_key is not a number'],
    ['attributes that are a list', oneInstance([1]), 'aws_sns_topic.t: its attributes are not an object'],
    ['values that are a list', '{"format_version":"1.0","values":[]}', '"values" is not an object'],
    [
      'a child module that is not an object',
      '{"format_version":"1.0","values":{"root_module":{"child_modules":[7]}}}',
      'child_modules[0] is not an object',
    ],
    [
      'a shown resource without a name',
      '{"format_version":"1.0","values":{"root_module":{"resources":[{"type":"a"}]}}}',
      'resources[0] has no type or name',
    ],
  ])('refuses %s with InvalidIacState naming the source and what to do', (_, text, message) => {
    const error = thrown(() => readTerraformState(text, 'states/app.tfstate'));
    expect(error).toBeInstanceOf(InvalidIacStateError);
    expect(error.name).toBe('InvalidIacStateError');
    expect((error as InvalidIacStateError).code).toBe('InvalidIacState');
    expect(error.message).toContain('states/app.tfstate');
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/terraform (show -json|state pull|refresh)|terraform\.tfstate/);
  });

  it('says a text that reads as UTF-16 is one (Windows PowerShell redirection)', () => {
    const utf16 = Buffer.from(`\uFEFF${fixture('empty.tfstate')}`, 'utf16le').toString('utf8');
    expect(thrown(() => readTerraformState(utf16, 's')).message).toContain('it looks UTF-16 encoded');
  });

  it('keeps the parser error as the cause of a text that is not JSON', () => {
    expect(thrown(() => readTerraformState('{', 's')).cause).toBeInstanceOf(SyntaxError);
  });
});

describe('parseIgnoreTags (--terraform-ignore-tags)', () => {
  it.each([
    [[], { keys: [], keyPrefixes: [] }],
    [['keys=a,b'], { keys: ['a', 'b'], keyPrefixes: [] }],
    [['key_prefixes=kubernetes.io/,team:'], { keys: [], keyPrefixes: ['kubernetes.io/', 'team:'] }],
    [['keys=a', 'key_prefixes=p/', 'keys=b,a'], { keys: ['a', 'b'], keyPrefixes: ['p/'] }],
    [[' keys = a , b '], { keys: ['a', 'b'], keyPrefixes: [] }],
    [['keys=a=b'], { keys: ['a=b'], keyPrefixes: [] }],
    [['keys=__proto__,constructor'], { keys: ['__proto__', 'constructor'], keyPrefixes: [] }],
  ])('reads %j', (args, expected) => {
    expect(parseIgnoreTags(args)).toEqual(expected);
  });

  it.each([
    [['a,b']],
    [['tags=a']],
    [['keyPrefixes=a']],
    [['KEYS=a']],
    [['']],
    [['keys']],
    [['keys=']],
    [['keys=a,,b']],
    [['key_prefixes=,']],
    [['keys=["owner"]']],
    [['keys="owner"']],
    [[1 as unknown as string]],
    ['keys=a' as unknown as string[]],
  ])('refuses %j with a ConfigurationError showing the expected form', (args) => {
    const error = thrown(() => parseIgnoreTags(args));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe('ConfigurationError');
    expect(error.message).toContain('--terraform-ignore-tags');
    expect(error.message).toContain('keys=KEY,KEY or key_prefixes=PREFIX,PREFIX');
  });
});

describe('s3Location', () => {
  it.each([
    ['s3://states/app/terraform.tfstate', { bucket: 'states', key: 'app/terraform.tfstate' }],
    ['S3://states/env:/staging/app.tfstate', { bucket: 'states', key: 'env:/staging/app.tfstate' }],
    ['s3://a.b-c/k', { bucket: 'a.b-c', key: 'k' }],
    ['terraform.tfstate', undefined],
    ['./states/app.tfstate', undefined],
    ['/var/states/s3://x', undefined],
    ['C:\\states\\app.tfstate', undefined],
  ])('%s', (location, expected) => {
    expect(s3Location(location)).toEqual(expected);
  });

  it.each([
    ['s3://states', 's3://BUCKET/KEY'],
    ['s3://states/', 's3://BUCKET/KEY'],
    ['s3:///key', 's3://BUCKET/KEY'],
    ['gs://states/app.tfstate', 'terraform state pull'],
    ['https://example.com/app.tfstate', 'from a local file or from S3'],
  ])('refuses %s with a ConfigurationError', (location, message) => {
    const error = thrown(() => s3Location(location));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe('ConfigurationError');
    expect(error.message).toContain(location);
    expect(error.message).toContain(message);
  });
});

// Generated documents: any JSON, and documents close to both shapes, mostly right and with a wrong value anywhere.
const loose = fc.jsonValue({ maxDepth: 2 });
/** Mostly `valid`, sometimes any JSON value. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 40 }, { arbitrary: loose as fc.Arbitrary<unknown>, weight: 1 });
const tagMap = mostly(fc.dictionary(fc.string(), mostly(fc.string()), { maxKeys: 4 }));
const attributesArb = mostly(
  fc.record(
    {
      arn: mostly(fc.constantFrom(TOPIC, 'arn:aws:s3:::b', 'orders')),
      tags: tagMap,
      tags_all: tagMap,
      tag: mostly(
        fc.array(fc.record({ key: mostly(fc.string()), value: mostly(fc.string()) }), { maxLength: 2 }),
      ),
    },
    { requiredKeys: ['arn'] },
  ),
);
const instanceArb = fc.record(
  {
    index_key: mostly(fc.oneof(fc.nat(), fc.string())),
    attributes: attributesArb,
    deposed: mostly(fc.constant('d1')),
  },
  { requiredKeys: ['attributes'] },
);
const resourceArb = fc.record(
  {
    mode: mostly(fc.constantFrom('managed', 'data')),
    type: mostly(fc.constantFrom('aws_sns_topic', 'random_id')),
    name: mostly(fc.string()),
    module: mostly(fc.constant('module.a["x"]')),
    provider: mostly(fc.constantFrom('provider["registry.terraform.io/hashicorp/aws"]', 'provider.random')),
    provider_name: mostly(fc.constant('registry.terraform.io/hashicorp/aws')),
    address: mostly(fc.string()),
    index: mostly(fc.oneof(fc.nat(), fc.string())),
    values: attributesArb,
    deposed_key: fc.option(mostly(fc.constant('d1')), { freq: 8 }),
    instances: mostly(fc.array(instanceArb, { maxLength: 3 })),
  },
  { requiredKeys: ['mode', 'type', 'name', 'values', 'instances'] },
);
const moduleArb = fc.letrec((tie) => ({
  module: mostly(
    fc.record(
      {
        address: mostly(fc.constant('module.m')),
        resources: mostly(fc.array(resourceArb, { maxLength: 3 })),
        child_modules: mostly(fc.array(tie('module'), { maxLength: 2, depthIdentifier: 'modules' })),
      },
      { requiredKeys: [] },
    ),
  ),
})).module;
const documentArb = fc.oneof(
  { arbitrary: fc.string(), weight: 1 },
  { arbitrary: fc.json(), weight: 1 },
  {
    arbitrary: fc
      .record(
        {
          version: mostly(fc.constant(4)),
          resources: mostly(fc.array(resourceArb, { minLength: 1, maxLength: 4 })),
        },
        { requiredKeys: ['version', 'resources'] },
      )
      .map((document) => JSON.stringify(document)),
    weight: 2,
  },
  {
    arbitrary: fc
      .record(
        {
          format_version: mostly(fc.constantFrom('1.0', '0.1')),
          values: mostly(fc.record({ root_module: moduleArb }, { requiredKeys: ['root_module'] })),
        },
        { requiredKeys: ['format_version', 'values'] },
      )
      .map((document) => JSON.stringify(document)),
    weight: 2,
  },
);

describe('readTerraformState: properties', () => {
  it('reads any JSON text or refuses it with InvalidIacState, never another error', () => {
    readsOrRefuses(documentArb, readTerraformState, 'generated.tfstate');
  });

  it('declares any tag key, __proto__ and constructor included, as an own key with its value', () => {
    fc.assert(
      fc.property(tagEntries(['aws:cloudformation:x']), fc.boolean(), (entries, shown) => {
        const attributes = `{"arn":"${TOPIC}","tags":null,"tags_all":${objectText(entries)}}`;
        const text = shown
          ? `{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_sns_topic.t","mode":"managed","type":"aws_sns_topic","name":"t","values":${attributes}}]}}}`
          : `{"version":4,"resources":[{"mode":"managed","type":"aws_sns_topic","name":"t","provider":"${AWS}","instances":[{"attributes":${attributes}}]}]}`;
        expectDeclared(readTerraformState(text, 's').resources[0]?.declared ?? {}, entries);
      }),
    );
  });
});

describe('parseIgnoreTags: properties', () => {
  it('reads any list of strings or anything else, or refuses it with a ConfigurationError, never another error', () => {
    const arg = fc.oneof(
      fc.string(),
      fc.string().map((s) => `keys=${s}`),
      fc.string().map((s) => `key_prefixes=${s}`),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(arg, { maxLength: 5 }), fc.anything()), (args) => {
        try {
          const ignore = parseIgnoreTags(args as string[]);
          for (const value of [...ignore.keys, ...ignore.keyPrefixes]) {
            expect(value).toBe(value.trim());
            expect(value).not.toBe('');
            expect(value).not.toContain(',');
          }
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigurationError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
