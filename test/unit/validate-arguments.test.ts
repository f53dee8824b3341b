// Every public entry checks the shape of its arguments (src/core/validate.ts): TypeScript's types reach neither
// JavaScript callers nor JSON jobs. A wrong shape is a unitag error that names the field, thrown before any AWS
// call; random values never end in a TypeError or RangeError.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as unitag from '../../src/index.js';
import { isUnitagError, parseTagPolicy, type Tagger } from '../../src/index.js';
import * as localstack from '../../src/localstack.js';
import type { MatcherContext } from '../../src/testing/context.js';
import { tagMatchers, useTagger } from '../../src/testing.js';
import { useFakeAws } from '../fake-aws.js';

const aws = useFakeAws();
let tagger: Tagger;
// startLocalStack and stopLocalStack are called with wrong options only, but should one pass their checks, the
// environment points them at nothing: no LocalStack is answering there, and the cache holds none to stop.
const emptyDir = mkdtempSync(join(tmpdir(), 'unitag-empty-cache-'));
const GUARDS = {
  LOCALSTACK_ENDPOINT: 'http://127.0.0.1:9',
  UNITAG_CACHE_DIR: emptyDir,
  LOCALSTACK_PORT: '9',
};
const saved = Object.fromEntries(Object.keys(GUARDS).map((name) => [name, process.env[name]]));
beforeAll(() => {
  Object.assign(process.env, GUARDS);
  tagger = aws.tagger();
  // The matchers' default tagger would be one from the environment: this one answers from the fake.
  useTagger(tagger);
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  useTagger(undefined);
  await tagger.destroy();
});

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const policy = parseTagPolicy({
  tags: { team: { tag_key: { '@@assign': 'Team' }, tag_value: { '@@assign': ['a'] } } },
});

/** What a call ended with: its value, or what it threw (synchronously, or by rejecting). */
async function outcome(call: () => unknown): Promise<{ error?: unknown }> {
  try {
    const value = await call();
    if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
      // find: its checks run when it is called, its search when it is iterated; a few results are enough.
      let seen = 0;
      for await (const _ of value as AsyncIterable<unknown>) if (++seen >= 3) break;
    }
    return {};
  } catch (error) {
    return { error };
  }
}

/** `check` returns what is wrong with a change: thrown here, as the other calls throw it. */
function thrown(error: unknown): void {
  if (error !== undefined) throw error;
}

async function refusal(call: () => unknown): Promise<{ code: string; message: string }> {
  const { error } = await outcome(call);
  if (!isUnitagError(error)) throw new Error(`expected a unitag error, got ${inspect(error)}`);
  return { code: error.code, message: error.message };
}

describe('a wrong shape is a typed error naming the field, before any AWS call', () => {
  // Prepare: each call, the code and the words its message must hold.
  const cases: [string, () => unknown, string, RegExp][] = [
    [
      'check({})',
      () => thrown(tagger.check({} as never)),
      'InvalidArn',
      /check: change\.arn is missing: give each change the ARN/,
    ],
    [
      'check(null)',
      () => thrown(tagger.check(null as never)),
      'ConfigurationError',
      /check: change must be a change object.*got null/,
    ],
    [
      'plan without an arn',
      () => tagger.plan([{ set: { k: 'v' } } as never]),
      'InvalidArn',
      /plan: changes\[0\]\.arn is missing: give each change the ARN of the resource/,
    ],
    [
      'plan with copyFrom: 5',
      () => tagger.plan([{ arn: TOPIC, copyFrom: 5 } as never]),
      'InvalidArn',
      /plan: changes\[0\]\.copyFrom must be the ARN of the resource to copy tags from, or \{ arn, keys/,
    ],
    [
      'plan with copyFrom: { keys }',
      () => tagger.plan([{ arn: TOPIC, copyFrom: { keys: ['a'] } } as never]),
      'InvalidArn',
      /changes\[0\]\.copyFrom\.arn is missing/,
    ],
    [
      'plan with copyFrom.keys: "a"',
      () => tagger.plan([{ arn: TOPIC, copyFrom: { arn: TOPIC, keys: 'a' } } as never]),
      'InvalidTag',
      /copyFrom\.keys must be an array of tag keys/,
    ],
    [
      'plan with a misspelt field',
      () => tagger.plan([{ arn: TOPIC, setIfabsent: { a: '1' } } as never]),
      'ConfigurationError',
      /changes\[0\] has the unknown field "setIfabsent"/,
    ],
    [
      'plan(null)',
      () => tagger.plan(null as never),
      'ConfigurationError',
      /plan: changes must be an array of changes/,
    ],
    [
      'plan with set: []',
      () => tagger.plan([{ arn: TOPIC, set: [] } as never]),
      'InvalidTag',
      /changes\[0\]\.set must be an object of tag key to string value.*got an array/,
    ],
    [
      'plan with remove: "a"',
      () => tagger.plan([{ arn: TOPIC, remove: 'a' } as never]),
      'InvalidTag',
      /changes\[0\]\.remove must be an array of tag keys/,
    ],
    [
      'plan with current: {}',
      () => tagger.plan([{ arn: TOPIC }], { current: {} as never }),
      'ConfigurationError',
      /plan: options\.current must be a Map/,
    ],
    [
      'plan with resume: 5',
      () => tagger.plan([{ arn: TOPIC }], { resume: 5 as never }),
      'ConfigurationError',
      /plan: options\.resume must be a report/,
    ],
    [
      'tag(5)',
      () => tagger.tag(5 as never, { a: '1' }),
      'InvalidArn',
      /tag: arn must be an ARN string.*got the number 5/,
    ],
    [
      'tag with a Map of tags',
      () => tagger.tag(TOPIC, new Map([['a', '1']]) as never),
      'InvalidTag',
      /tag: tags must be an object of tag key to string value.*got a Map/,
    ],
    [
      'tag with signal: {}',
      () => tagger.tag(TOPIC, { a: '1' }, { signal: {} as never }),
      'ConfigurationError',
      /tag: options\.signal must be an AbortSignal/,
    ],
    [
      'untag with keys: "a"',
      () => tagger.untag(TOPIC, 'a' as never),
      'InvalidTag',
      /untag: keys must be an array of tag keys/,
    ],
    [
      'untag with keys: [1]',
      () => tagger.untag(TOPIC, [1] as never),
      'InvalidTag',
      /untag: keys\[0\] must be a tag key/,
    ],
    [
      'list with versionId: 1',
      () => tagger.list(TOPIC, { versionId: 1 as never }),
      'ConfigurationError',
      /list: options\.versionId must be a string/,
    ],
    [
      'tagMany(TOPIC)',
      () => tagger.tagMany(TOPIC as never, { a: '1' }),
      'InvalidArn',
      /tagMany: arns must be an array of ARN strings.*got the string/,
    ],
    [
      'tagMany with arns[1]: null',
      () => tagger.tagMany([TOPIC, null] as never, { a: '1' }),
      'InvalidArn',
      /tagMany: arns\[1\] must be an ARN string.*got null/,
    ],
    [
      'tagMany with tags: "a=1"',
      () => tagger.tagMany([TOPIC], 'a=1' as never),
      'InvalidTag',
      /tagMany: tags must be an object/,
    ],
    [
      'untagMany with onProgress: 1',
      () => tagger.untagMany([TOPIC], ['a'], { onProgress: 1 as never }),
      'ConfigurationError',
      /untagMany: options\.onProgress must be a function/,
    ],
    [
      'listMany({})',
      () => tagger.listMany({} as never),
      'InvalidArn',
      /listMany: arns must be an array of ARN strings/,
    ],
    [
      'apply({})',
      () => tagger.apply({} as never),
      'ConfigurationError',
      /apply: plan must be a plan from tagger\.plan\(\)/,
    ],
    [
      'apply with a status typo',
      () => tagger.apply({ entries: [{ arn: TOPIC, status: 'changed', set: {}, remove: [] }] } as never),
      'ConfigurationError',
      /apply: plan\.entries\[0\]\.status must be one of change, noop and failed/,
    ],
    [
      'apply with set: null',
      () => tagger.apply({ entries: [{ arn: TOPIC, status: 'change', set: null, remove: [] }] } as never),
      'InvalidTag',
      /apply: plan\.entries\[0\]\.set must be an object/,
    ],
    [
      'find("x")',
      () => tagger.find('x' as never),
      'ConfigurationError',
      /find: query must be a query object/,
    ],
    [
      'find with a misspelt member',
      () => tagger.find({ tag: { team: 'a' } } as never),
      'ConfigurationError',
      /find: query must be a query of tags, .*without tag/,
    ],
    [
      'find with regions: "us-east-1"',
      () => tagger.find({ regions: 'us-east-1' } as never),
      'ConfigurationError',
      /find: query\.regions must be an array of regions/,
    ],
    [
      'find with regions: ["nowhere"]',
      () => tagger.find({ regions: ['nowhere'] }),
      'ConfigurationError',
      /find: query\.regions\[0\] must be a region such as "us-east-1"/,
    ],
    [
      'find with accounts: ["1234"]',
      () => tagger.find({ accounts: ['1234'] }),
      'ConfigurationError',
      /find: query\.accounts\[0\] must be a 12-digit account id/,
    ],
    [
      'find with all and untagged',
      () => tagger.find({ all: true, untagged: true }),
      'ConfigurationError',
      /find: query: all lists every resource, missing and untagged only some of them/,
    ],
    [
      'find with tags: { a: 1 }',
      () => tagger.find({ tags: { a: 1 } } as never),
      'InvalidTag',
      /find: query\.tags\["a"\] must be a value, a list of values, or true/,
    ],
    [
      'find with onFailure: 1',
      () => tagger.find({}, { onFailure: 1 as never }),
      'ConfigurationError',
      /find: options\.onFailure must be a function/,
    ],
    ['explain({})', () => tagger.explain({} as never), 'InvalidArn', /explain: arn must be an ARN string/],
    [
      'permissions({})',
      () => tagger.permissions({} as never),
      'ConfigurationError',
      /permissions: requests must be an array/,
    ],
    [
      'permissions without operations',
      () => tagger.permissions([{ arn: TOPIC } as never]),
      'ConfigurationError',
      /permissions: requests\[0\]\.operations must be an array/,
    ],
    [
      'permissions with bulk: "yes"',
      () => tagger.permissions([{ arn: TOPIC, operations: ['tag'] }], { bulk: 'yes' as never }),
      'ConfigurationError',
      /permissions: options\.bulk must be true or false/,
    ],
    [
      'account(5)',
      () => tagger.account(5 as never),
      'ConfigurationError',
      /account: options must be an options object/,
    ],
    [
      'createTagger(null)',
      () => unitag.createTagger(null as never),
      'ConfigurationError',
      /createTagger: options must be an options object.*got null/,
    ],
    [
      'createTagger concurrency 1.5',
      () => unitag.createTagger({ concurrency: 1.5 }),
      'ConfigurationError',
      /createTagger: options\.concurrency must be a whole number/,
    ],
    [
      'createTagger endpoint without scheme',
      () => unitag.createTagger({ endpoint: '127.0.0.1:4566' }),
      'ConfigurationError',
      /options\.endpoint must be an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'createTagger adapters: {}',
      () => unitag.createTagger({ adapters: {} as never }),
      'ConfigurationError',
      /options\.adapters must be an array of adapters/,
    ],
    [
      'createTagger partition',
      () => unitag.createTagger({ partition: 'aws-moon' }),
      'ConfigurationError',
      /options\.partition must be one of the partitions aws, aws-cn/,
    ],
    [
      'createTagger maxRates: null',
      () => unitag.createTagger({ maxRates: null as never }),
      'ConfigurationError',
      /options\.maxRates must be false, or an object/,
    ],
    [
      'parseArn(Object.create(null))',
      () => unitag.parseArn(Object.create(null)),
      'InvalidArn',
      /An ARN must be a string/,
    ],
    [
      'formatArn(null)',
      () => unitag.formatArn(null as never),
      'InvalidArn',
      /formatArn takes \{ partition, service, region, accountId, resource \}/,
    ],
    [
      'formatArn without a region',
      () => unitag.formatArn({ partition: 'aws', service: 'sns', accountId: '1', resource: 'r' } as never),
      'InvalidArn',
      /region is undefined/,
    ],
    [
      'validateTags without rules',
      () => unitag.validateTags({ a: '1' }, null as never),
      'ConfigurationError',
      /validateTags: rules must be tag rules/,
    ],
    [
      'validateKeys with rules: {}',
      () => unitag.validateKeys(['a'], {} as never),
      'ConfigurationError',
      /validateKeys: rules must be tag rules/,
    ],
    [
      'createRegistry({})',
      () => unitag.createRegistry({} as never),
      'ConfigurationError',
      /createRegistry: extra must be an array of adapters/,
    ],
    [
      'dispatch of a string',
      () => unitag.dispatch(TOPIC as never, unitag.createRegistry()),
      'InvalidArn',
      /dispatch: arn must be a parsed ARN/,
    ],
    [
      'dispatch without a registry',
      () => unitag.dispatch(unitag.parseArn(TOPIC), {} as never),
      'ConfigurationError',
      /dispatch: registry must be a registry from createRegistry/,
    ],
    [
      'doneArns(5)',
      () => unitag.doneArns(5 as never),
      'ConfigurationError',
      /doneArns: report must be a report/,
    ],
    [
      'reportToJson(null)',
      () => unitag.reportToJson(null as never),
      'ConfigurationError',
      /reportToJson: report must be a report/,
    ],
    [
      'reportToJson of a plain error',
      () =>
        unitag.reportToJson({
          results: [{ arn: TOPIC, outcome: 'failed', error: { code: 'X' } }],
          totals: {},
          calls: 0,
          durationMs: 0,
        } as never),
      'ConfigurationError',
      /reportToJson: report must be a report/,
    ],
    [
      'typeListed(true, 5)',
      () => unitag.typeListed(true, 5 as never),
      'ConfigurationError',
      /typeListed: type must be a resource type/,
    ],
    [
      'typeListed("ec2:*", ...)',
      () => unitag.typeListed('ec2:*' as never, 'ec2:volume'),
      'InvalidPolicy',
      /typeListed: types must be true or an array of resource types/,
    ],
    [
      'valueAllowed(["a"], 5)',
      () => unitag.valueAllowed(['a'], 5 as never),
      'InvalidTag',
      /valueAllowed: value must be a tag value/,
    ],
    [
      'checkResource({}, ...)',
      () => unitag.checkResource({} as never, { arn: TOPIC, type: 'sns:topic', tags: {} }),
      'InvalidPolicy',
      /checkResource: policy must be a tag policy from parseTagPolicy/,
    ],
    [
      'checkResource without tags',
      () => unitag.checkResource(policy, { arn: TOPIC, type: 'sns:topic' } as never),
      'InvalidTag',
      /checkResource: resource\.tags must be an object/,
    ],
    [
      'checkMany without a tagger',
      () => unitag.checkMany({} as never, policy, [TOPIC]),
      'ConfigurationError',
      /checkMany: tagger must be a tagger from createTagger/,
    ],
    [
      'fixResources(policy, 5)',
      () => unitag.fixResources(policy, 5 as never),
      'ConfigurationError',
      /fixResources: resources must be an array/,
    ],
    [
      'fixResources with a null resource',
      () => unitag.fixResources(policy, [null] as never),
      'ConfigurationError',
      /fixResources: resources\[0\] must be a resource/,
    ],
    [
      'fitFix without a fix',
      () => unitag.fitFix(tagger, {} as never, []),
      'ConfigurationError',
      /fitFix: fix must be a fix from fixResources/,
    ],
    ['lintPolicy(5)', () => unitag.lintPolicy(5 as never), 'InvalidPolicy', /not an IAM policy/],
    [
      'lintPolicies(5)',
      () => unitag.lintPolicies(5 as never),
      'InvalidPolicy',
      /at least one identity policy/,
    ],
    ['useTagger({})', () => useTagger({} as never), 'ConfigurationError', /useTagger takes a tagger/],
    [
      'startLocalStack([])',
      () => localstack.startLocalStack([] as never),
      'ConfigurationError',
      /startLocalStack: options must be an options object.*got an array/,
    ],
    [
      'stopLocalStack(null)',
      () => localstack.stopLocalStack(null as never),
      'ConfigurationError',
      /stopLocalStack: options must be an options object/,
    ],
    [
      'findPython(5)',
      () => localstack.findPython(5 as never),
      'ConfigurationError',
      /findPython: given must be the path or command name of a Python/,
    ],
  ];

  it.each(cases)('%s', async (_, call, code, message) => {
    // Act
    const error = await refusal(call);
    // Assess
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(aws.fake.requests).toEqual([]);
  });

  it('a plan read back from JSON is applied: its entries errors become unitag errors again', async () => {
    // Prepare: a failed entry, as JSON.stringify(plan) writes it.
    const planned = JSON.parse(
      JSON.stringify({
        entries: [
          {
            arn: TOPIC,
            status: 'failed',
            set: {},
            remove: [],
            error: { code: 'InvalidTag', message: 'bad' },
          },
        ],
        totals: { total: 1, change: 0, noop: 0, failed: 1 },
        calls: 0,
      }),
    );
    // Act
    const report = await tagger.apply(planned);
    // Assess
    expect(report.results[0]?.error).toBeInstanceOf(unitag.InvalidTagError);
    expect(unitag.reportToJson(report).resources[0]?.error).toEqual({
      code: 'InvalidTag',
      message: 'bad',
      arn: TOPIC,
    });
    expect(aws.fake.requests).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random values, and values shaped almost like the right ones, fed to every public function. Some are valid and
// make calls (answered by the fake): the property is only that each call ends with a value or a unitag error.

const ARNS = [
  TOPIC,
  'arn:aws:sqs:us-east-1:123456789012:jobs',
  'arn:aws:s3:::logs-bucket/app.log',
  'arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0',
  'arn:aws:iam::123456789012:role/app',
  'arn:aws:iam:us-east-1:123456789012:role/app',
  'arn:aws:s3:::b',
  'arn:aws:sns:us-east-1:123456789012',
  'not an arn',
  '',
];
const anyValue = fc.anything({
  maxDepth: 2,
  maxKeys: 4,
  withNullPrototype: true,
  withMap: true,
  withSet: true,
});
const arn = fc.oneof(fc.constantFrom(...ARNS), fc.string({ maxLength: 12 }), anyValue);
const key = fc.oneof(fc.constantFrom('team', 'Team', 'aws:x', '', 'owner'), fc.string({ maxLength: 6 }));
const tags = fc.oneof(
  fc.dictionary(key, fc.oneof(fc.string({ maxLength: 6 }), anyValue), { maxKeys: 3 }),
  anyValue,
);
const keys = fc.oneof(fc.array(fc.oneof(key, anyValue), { maxLength: 3 }), anyValue);
const signal = fc.oneof(fc.constant(undefined), fc.constant(AbortSignal.abort()), anyValue);
const callback = fc.oneof(
  fc.constant(undefined),
  fc.constant(() => {}),
  anyValue,
);
const report = fc.oneof(
  fc.constant(undefined),
  fc.record({
    results: fc.array(fc.record({ arn, outcome: fc.constantFrom('changed', 'failed', 5) }), { maxLength: 2 }),
  }),
  fc.record({ resources: fc.array(anyValue, { maxLength: 2 }) }),
  anyValue,
);
const current = fc.oneof(
  fc.constant(undefined),
  fc.array(fc.tuple(arn, tags), { maxLength: 2 }).map((entries) => new Map(entries)),
  anyValue,
);
const callOptions = fc.oneof(
  fc.record({ versionId: fc.oneof(fc.string({ maxLength: 4 }), anyValue), signal }, { requiredKeys: [] }),
  anyValue,
);
const bulkOptions = fc.oneof(
  fc.record({ signal, onProgress: callback, resume: report }, { requiredKeys: [] }),
  anyValue,
);
const copyFrom = fc.oneof(arn, fc.record({ arn, keys }, { requiredKeys: [] }), anyValue);
const change = fc.oneof(
  fc.record(
    {
      arn,
      versionId: fc.oneof(fc.string({ maxLength: 4 }), anyValue),
      set: tags,
      remove: keys,
      rename: tags,
      setIfAbsent: tags,
      copyFrom,
    },
    { requiredKeys: ['arn'] },
  ),
  anyValue,
);
const changes = fc.oneof(fc.array(change, { maxLength: 3 }), anyValue);
const entry = fc.record(
  {
    arn,
    status: fc.constantFrom('change', 'noop', 'failed', 'x'),
    set: tags,
    remove: keys,
    before: tags,
    error: fc.oneof(
      fc.constant(undefined),
      fc.record({ code: fc.constantFrom('InvalidTag', 'Nope'), message: fc.string() }),
      anyValue,
    ),
  },
  { requiredKeys: ['arn', 'status'] },
);
const plan = fc.oneof(fc.record({ entries: fc.array(entry, { maxLength: 3 }) }), anyValue);
const query = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      tags: fc.oneof(
        fc.dictionary(key, fc.oneof(fc.string(), fc.constant(true), fc.array(fc.string())), { maxKeys: 2 }),
        anyValue,
      ),
      resourceTypes: fc.oneof(fc.constant(['sns:topic']), anyValue),
      regions: fc.oneof(
        fc.constant(['us-east-1']),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 1 }),
        anyValue,
      ),
      untagged: fc.oneof(fc.boolean(), anyValue),
      all: fc.oneof(fc.boolean(), anyValue),
      accounts: fc.oneof(fc.constant(['123456789012']), fc.array(fc.string({ maxLength: 13 })), anyValue),
    },
    { requiredKeys: [] },
  ),
  anyValue,
);
const findOptions = fc.oneof(
  fc.record({ signal, onProgress: callback, onFailure: callback }, { requiredKeys: [] }),
  anyValue,
);
const permissionRequests = fc.oneof(
  fc.array(
    fc.record({
      arn,
      operations: fc.oneof(fc.constant(['tag', 'list']), fc.array(fc.string({ maxLength: 5 })), anyValue),
    }),
    { maxLength: 2 },
  ),
  anyValue,
);
const taggerOptions = fc.oneof(
  fc.record(
    {
      region: fc.oneof(fc.constant('us-east-1'), anyValue),
      endpoint: fc.oneof(fc.constant('http://127.0.0.1:1'), anyValue),
      concurrency: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.double(), anyValue),
      retryFor: fc.oneof(fc.nat(), fc.double(), anyValue),
      credentials: fc.oneof(fc.constant({ accessKeyId: 'a', secretAccessKey: 'b' }), anyValue),
      maxRates: fc.oneof(fc.constant(false), fc.constant({ sns: 5 }), anyValue),
      adapters: fc.oneof(fc.constant([]), anyValue),
      partition: fc.oneof(fc.constant('aws'), anyValue),
    },
    { requiredKeys: [] },
  ),
  anyValue,
);
const parsed = fc.oneof(
  arn.map((a) => (typeof a === 'string' ? safely(() => unitag.parseArn(a)) : a)),
  anyValue,
);
const tagPolicy = fc.oneof(
  fc.constant(policy),
  fc.record({ rules: fc.array(anyValue, { maxLength: 2 }) }),
  anyValue,
);
const resource = fc.oneof(
  fc.record({ arn, type: fc.oneof(fc.constant('sns:topic'), anyValue), tags }),
  anyValue,
);
const taggerArg = fc.oneof(fc.constant('the tagger'), anyValue);

function safely<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

const matcherContext: MatcherContext = {
  isNot: false,
  promise: '',
  utils: {
    matcherHint: (name) => name,
    printReceived: (value) => inspect(value),
    EXPECTED_COLOR: (text) => text,
    RECEIVED_COLOR: (text) => text,
    diff: () => undefined,
  },
};

// The options of localstack's entries always refuse (an unknown member, a wrong type) or name an empty cache: a
// valid set would start a LocalStack, or stop the one the tests use.
const notOptions = anyValue.filter(
  (value) => value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value)),
);
const badLocalStackOptions = fc.oneof(
  notOptions,
  fc.record({ port: fc.oneof(fc.string(), fc.double({ min: 70_000 })), unknownOption: anyValue }),
);
// stopLocalStack's options name a cache directory that holds no LocalStack (or are no options at all).
const inEmptyCache = fc.oneof(notOptions, fc.record({ port: anyValue, cacheDir: fc.constant(emptyDir) }));

/** Each public function, with an arbitrary of its arguments. The tagger arguments are swapped in at run time. */
const PUBLIC: [string, fc.Arbitrary<unknown[]>, (args: unknown[]) => unknown][] = [
  ['tag', fc.tuple(arn, tags, callOptions), ([a, t, o]) => tagger.tag(a as never, t as never, o as never)],
  [
    'untag',
    fc.tuple(arn, keys, callOptions),
    ([a, k, o]) => tagger.untag(a as never, k as never, o as never),
  ],
  ['list', fc.tuple(arn, callOptions), ([a, o]) => tagger.list(a as never, o as never)],
  [
    'tagMany',
    fc.tuple(fc.oneof(fc.array(arn, { maxLength: 3 }), anyValue), tags, bulkOptions),
    ([a, t, o]) => tagger.tagMany(a as never, t as never, o as never),
  ],
  [
    'untagMany',
    fc.tuple(fc.oneof(fc.array(arn, { maxLength: 3 }), anyValue), keys, bulkOptions),
    ([a, k, o]) => tagger.untagMany(a as never, k as never, o as never),
  ],
  [
    'listMany',
    fc.tuple(fc.oneof(fc.array(arn, { maxLength: 3 }), anyValue), bulkOptions),
    ([a, o]) => tagger.listMany(a as never, o as never),
  ],
  [
    'plan',
    fc.tuple(
      changes,
      fc.oneof(fc.record({ signal, resume: report, current }, { requiredKeys: [] }), anyValue),
    ),
    ([c, o]) => tagger.plan(c as never, o as never),
  ],
  ['apply', fc.tuple(plan, bulkOptions), ([p, o]) => tagger.apply(p as never, o as never)],
  ['find', fc.tuple(query, findOptions), ([q, o]) => tagger.find(q as never, o as never)],
  ['check', fc.tuple(change), ([c]) => tagger.check(c as never)],
  ['explain', fc.tuple(arn), ([a]) => tagger.explain(a as never)],
  [
    'permissions',
    fc.tuple(permissionRequests, fc.oneof(fc.record({ bulk: fc.oneof(fc.boolean(), anyValue) }), anyValue)),
    ([r, o]) => tagger.permissions(r as never, o as never),
  ],
  ['account', fc.tuple(callOptions), ([o]) => tagger.account(o as never)],
  // A valid account id would make a call: the arguments tried here are refused before any.
  [
    'organizationTagPolicy',
    fc.tuple(fc.oneof(fc.constant('12345'), anyValue), anyValue),
    ([a, o]) => tagger.organizationTagPolicy(a as never, o as never),
  ],
  ['createTagger', fc.tuple(taggerOptions), ([o]) => unitag.createTagger(o as never).destroy()],
  ['parseArn', fc.tuple(arn), ([a]) => unitag.parseArn(a as never)],
  [
    'formatArn',
    fc.tuple(
      fc.oneof(
        fc.record({ partition: arn, service: arn, region: arn, accountId: arn, resource: arn }),
        anyValue,
      ),
    ),
    ([p]) => unitag.formatArn(p as never),
  ],
  ['isUnitagError', fc.tuple(anyValue), ([v]) => unitag.isUnitagError(v)],
  [
    'validateTags',
    fc.tuple(tags, fc.oneof(fc.constant(unitag.DEFAULT_RULES), anyValue), arn),
    ([t, r, a]) => unitag.validateTags(t as never, r as never, a as never),
  ],
  [
    'validateKeys',
    fc.tuple(keys, fc.oneof(fc.constant(unitag.DEFAULT_RULES), anyValue), arn),
    ([k, r, a]) => unitag.validateKeys(k as never, r as never, a as never),
  ],
  [
    'createRegistry',
    fc.tuple(fc.oneof(fc.constant(undefined), fc.array(anyValue, { maxLength: 2 }), anyValue)),
    ([e]) => unitag.createRegistry(e as never),
  ],
  [
    'dispatch',
    fc.tuple(parsed, fc.oneof(fc.constant(unitag.createRegistry()), anyValue), callback),
    ([a, r, m]) => unitag.dispatch(a as never, r as never, m as never),
  ],
  ['doneArns', fc.tuple(report), ([r]) => unitag.doneArns(r as never)],
  [
    'reportToJson',
    fc.tuple(report, fc.oneof(fc.constantFrom('apply', 'tag'), anyValue), anyValue),
    ([r, c, j]) => unitag.reportToJson(r as never, c as never, j as never),
  ],
  ['parseTagPolicy', fc.tuple(fc.oneof(fc.json(), anyValue)), ([d]) => unitag.parseTagPolicy(d)],
  [
    'typeListed',
    fc.tuple(fc.oneof(fc.constant(true), fc.array(fc.string()), anyValue), fc.oneof(fc.string(), anyValue)),
    ([t, y]) => unitag.typeListed(t as never, y as never),
  ],
  [
    'valueAllowed',
    fc.tuple(
      fc.oneof(fc.constant(undefined), fc.array(fc.string()), anyValue),
      fc.oneof(fc.string(), anyValue),
    ),
    ([a, v]) => unitag.valueAllowed(a as never, v as never),
  ],
  ['checkResource', fc.tuple(tagPolicy, resource), ([p, r]) => unitag.checkResource(p as never, r as never)],
  [
    'checkMany',
    fc.tuple(taggerArg, tagPolicy, fc.oneof(fc.array(arn, { maxLength: 2 }), anyValue), bulkOptions),
    ([t, p, a, o]) => unitag.checkMany(the(t), p as never, a as never, o as never),
  ],
  [
    'checkSearch',
    fc.tuple(taggerArg, tagPolicy, query, fc.oneof(fc.constant(undefined), anyValue)),
    ([t, p, q, o]) => unitag.checkSearch(the(t), p as never, q as never, o as never),
  ],
  [
    'fitPolicy',
    fc.tuple(
      fc.oneof(
        fc.record({
          Version: fc.constant('2012-10-17'),
          Statement: fc.array(
            fc.record({
              Sid: fc.string(),
              Effect: fc.constant('Allow'),
              Action: fc.array(fc.string()),
              Resource: fc.oneof(fc.string(), fc.array(fc.string())),
            }),
            { maxLength: 3 },
          ),
        }),
        anyValue,
      ),
      fc.oneof(
        fc.constant(undefined),
        fc.record({ maxSize: fc.oneof(fc.integer(), anyValue), exact: fc.oneof(fc.boolean(), anyValue) }),
        anyValue,
      ),
    ),
    ([d, o]) => unitag.fitPolicy(d as never, o as never),
  ],
  [
    'fixResources',
    fc.tuple(tagPolicy, fc.oneof(fc.array(resource, { maxLength: 2 }), anyValue)),
    ([p, r]) => unitag.fixResources(p as never, r as never),
  ],
  [
    'fitFix',
    fc.tuple(
      taggerArg,
      fc.oneof(fc.record({ changes, unfixable: fc.constant([]) }), anyValue),
      fc.oneof(
        fc.array(fc.record({ arn, tags, findings: fc.oneof(fc.constant([]), anyValue) }), { maxLength: 2 }),
        anyValue,
      ),
    ),
    ([t, f, r]) => unitag.fitFix(the(t), f as never, r as never),
  ],
  [
    'parseAccounts',
    fc.tuple(
      fc.oneof(fc.json(), fc.string(), fc.constant("accounts:\n- account_id: '111111111111'\n"), anyValue),
      fc.oneof(fc.string(), anyValue),
    ),
    ([x, s]) => unitag.parseAccounts(x as never, s as never),
  ],
  [
    'filterAccounts',
    fc.tuple(
      fc.oneof(fc.constant([{ id: '111111111111', name: 'a', tags: ['env:prod'], vars: {} }]), anyValue),
      fc.oneof(fc.array(fc.constantFrom('a', 'env:prod', '111111111111')), anyValue),
    ),
    ([a, f]) => unitag.filterAccounts(a as never, f as never),
  ],
  [
    'roleArn',
    fc.tuple(
      fc.oneof(fc.string(), anyValue),
      fc.oneof(fc.string(), anyValue),
      fc.oneof(fc.string(), anyValue),
    ),
    ([r, a, p]) => unitag.roleArn(r as never, a as never, p as never),
  ],
  [
    'effectiveTagPolicy',
    fc.tuple(fc.oneof(fc.array(fc.json(), { maxLength: 3 }), anyValue), anyValue),
    ([p, o]) => unitag.effectiveTagPolicy(p as never, o as never),
  ],
  [
    'lintPolicy',
    fc.tuple(
      fc.oneof(fc.json(), anyValue),
      fc.oneof(fc.constant(undefined), fc.record({ protect: keys }), anyValue),
    ),
    ([i, o]) => unitag.lintPolicy(i as never, o as never),
  ],
  [
    'readTerraformState',
    fc.tuple(
      fc.oneof(fc.json(), anyValue),
      fc.oneof(fc.string(), anyValue),
      fc.oneof(fc.constant(undefined), anyValue),
    ),
    ([t, s, i]) => unitag.readTerraformState(t as never, s as never, i as never),
  ],
  [
    'readPulumiExport',
    fc.tuple(fc.oneof(fc.json(), anyValue), fc.oneof(fc.string(), anyValue)),
    ([t, s]) => unitag.readPulumiExport(t as never, s as never),
  ],
  [
    'iacSource',
    fc.tuple(fc.oneof(fc.constant([]), anyValue), fc.oneof(fc.constant(undefined), anyValue)),
    ([r, m]) => unitag.iacSource(r as never, m as never),
  ],
  [
    'cloudFormationStacks',
    fc.tuple(
      fc.oneof(fc.constant({ region: 'us-east-1' }), anyValue),
      fc.oneof(fc.constant(['us-east-1']), anyValue),
    ),
    ([o, r]) => unitag.cloudFormationStacks(o as never, r as never),
  ],
  [
    'lintPolicies',
    fc.tuple(
      fc.oneof(
        fc.record({
          identity: fc.array(fc.oneof(fc.json(), anyValue), { maxLength: 2 }),
          boundary: fc.oneof(fc.constant(undefined), fc.json(), anyValue),
          scps: fc.oneof(fc.constant(undefined), fc.array(fc.json(), { maxLength: 2 }), anyValue),
          resourcePolicy: fc.oneof(fc.constant(undefined), fc.json(), anyValue),
        }),
        anyValue,
      ),
      fc.oneof(fc.constant(undefined), fc.record({ protect: keys }), anyValue),
    ),
    ([s, o]) => unitag.lintPolicies(s as never, o as never),
  ],
  // The matchers' default goes back to the fake's tagger after each: the environment's would call AWS.
  [
    'useTagger',
    fc.tuple(fc.oneof(taggerArg, fc.constant(undefined))),
    ([t]) => withTagger(() => useTagger(the(t))),
  ],
  [
    'toHaveTags',
    fc.tuple(arn, tags, fc.oneof(fc.record({ tagger: taggerArg }), anyValue)),
    ([a, t, o]) => matcherCall('toHaveTags', a, t, o),
  ],
  [
    'toHaveExactTags',
    fc.tuple(arn, tags, fc.oneof(fc.record({ tagger: taggerArg }), anyValue)),
    ([a, t, o]) => matcherCall('toHaveExactTags', a, t, o),
  ],
  [
    'toHaveTagKeys',
    fc.tuple(arn, keys, fc.oneof(fc.record({ tagger: taggerArg }), anyValue)),
    ([a, k, o]) => matcherCall('toHaveTagKeys', a, k, o),
  ],
  ['startLocalStack', fc.tuple(badLocalStackOptions), ([o]) => localstack.startLocalStack(o as never)],
  ['stopLocalStack', fc.tuple(inEmptyCache), ([o]) => localstack.stopLocalStack(o as never)],
  // Never a string: findPython runs the command it is given.
  [
    'findPython',
    fc.tuple(notOptions.filter((v) => typeof v !== 'string')),
    ([g]) => localstack.findPython(g as never),
  ],
  // Never a URL: health asks it.
  [
    'health',
    fc.tuple(
      fc.oneof(
        notOptions,
        fc.string({ maxLength: 6 }).filter((s) => !s.includes(':')),
      ),
    ),
    ([e]) => localstack.health(e as never),
  ],
];

function withTagger(task: () => void): void {
  try {
    task();
  } finally {
    useTagger(tagger);
  }
}

function the(value: unknown): Tagger {
  return (value === 'the tagger' ? tagger : value) as Tagger;
}

function matcherCall(name: keyof typeof tagMatchers, received: unknown, expected: unknown, options: unknown) {
  const swapped =
    options !== null && typeof options === 'object' && 'tagger' in options
      ? { ...options, tagger: the(options.tagger) }
      : options;
  return tagMatchers[name].call(matcherContext, received, expected, swapped);
}

describe('random arguments to every public function end in a value or a unitag error', () => {
  it('covers every function the entry points export', () => {
    const covered = new Set(PUBLIC.map(([name]) => name));
    const exported = [
      ...Object.entries(unitag).filter(([, v]) => typeof v === 'function' && !/Error$/.test(v.name)),
      ...Object.entries(localstack).filter(([, v]) => typeof v === 'function' && !/Error$/.test(v.name)),
      ['useTagger'],
      ...Object.keys(tagMatchers).map((name) => [name]),
    ].map(([name]) => name as string);
    expect(exported.filter((name) => !covered.has(name))).toEqual([]);
    expect(
      Object.keys(tagger).filter(
        (name) => typeof tagger[name as keyof Tagger] === 'function' && !covered.has(name),
      ),
    ).toEqual(['destroy']);
  });

  it.each(PUBLIC)('%s', async (_, args, call) => {
    await fc.assert(
      fc.asyncProperty(args, async (values) => {
        const { error } = await outcome(() => call(values));
        if (error !== undefined && !isUnitagError(error)) {
          throw new Error(`not a unitag error: ${inspect(error)}`);
        }
      }),
      { numRuns: 40 },
    );
  });
});
