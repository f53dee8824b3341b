import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidPolicyError, isUnitagError } from '../../src/core/errors.js';
import type { Tags } from '../../src/core/types.js';
import { matchesValue, parseTagPolicy, typeListed, valueAllowed } from '../../src/governance/tag-policy.js';
import { checkMany, checkResource } from '../../src/governance/tag-policy-check.js';
import { fitFix, fixResources } from '../../src/governance/tag-policy-fix.js';
import { parseJob } from '../../src/jobs/job.js';
import type { Change } from '../../src/jobs/plan-change.js';
import type { ReadReport } from '../../src/jobs/report.js';
import type { Tagger } from '../../src/tagger.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders';
const BUCKET = 'arn:aws:s3:::orders';
const ROLE = 'arn:aws:iam::123456789012:role/app';

const WRITTEN = {
  tags: {
    costcenter: {
      tag_key: { '@@assign': 'CostCenter' },
      tag_value: { '@@assign': ['100', '300*'] },
      enforced_for: { '@@assign': ['ec2:instance', 'sns:ALL_SUPPORTED'] },
    },
    team: { tag_key: { '@@assign': 'Team' }, tag_value: { '@@assign': ['Payments', 'Search'] } },
    owner: {
      tag_key: { '@@assign': 'Owner' },
      tag_value: { '@@assign': ['platform'] },
      required: { '@@assign': true },
    },
  },
};
const policy = parseTagPolicy(JSON.stringify(WRITTEN));

/** Tags as a resource carries them: prototype-free, like every tag map unitag reads. */
function tags(entries: Record<string, string>): Tags {
  return Object.assign(Object.create(null) as Tags, entries);
}

/** A change applied to tags in the order unitag's plan applies it on a case-sensitive resource. */
function applied(before: Tags, change: Change | undefined): Tags {
  const after = tags(before);
  for (const [from, to] of Object.entries(change?.rename ?? {})) {
    if (!Object.hasOwn(after, from)) continue;
    const value = after[from] as string;
    delete after[from];
    after[to] = value;
  }
  Object.assign(after, change?.set);
  for (const [k, v] of Object.entries(change?.setIfAbsent ?? {})) if (!Object.hasOwn(after, k)) after[k] = v;
  for (const k of change?.remove ?? []) delete after[k];
  return after;
}

function refusal(document: unknown): InvalidPolicyError {
  try {
    parseTagPolicy(document);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPolicyError);
    return error as InvalidPolicyError;
  }
  throw new Error(`accepted: ${JSON.stringify(document)}`);
}

describe('tag policy parser', () => {
  it('reads a policy as written: tag_key spelling, values, enforced_for, required', () => {
    expect(policy.rules).toEqual([
      {
        policyKey: 'costcenter',
        tagKey: 'CostCenter',
        values: ['100', '300*'],
        enforcedFor: ['ec2:instance', 'sns:ALL_SUPPORTED'],
        requiredFor: [],
      },
      { policyKey: 'team', tagKey: 'Team', values: ['Payments', 'Search'], enforcedFor: [], requiredFor: [] },
      { policyKey: 'owner', tagKey: 'Owner', values: ['platform'], enforcedFor: [], requiredFor: true },
    ]);
  });

  it('reads the effective form, also whole as describe-effective-policy prints it, to the same rules', () => {
    const effective = {
      tags: {
        costcenter: {
          tag_key: 'CostCenter',
          tag_value: ['100', '300*'],
          enforced_for: ['ec2:instance', 'sns:ALL_SUPPORTED'],
        },
        team: { tag_key: 'Team', tag_value: ['Payments', 'Search'] },
        owner: { tag_key: 'Owner', tag_value: ['platform'], required: true },
      },
    };
    expect(parseTagPolicy(effective)).toEqual(policy);
    const printed = {
      EffectivePolicy: { PolicyContent: JSON.stringify(effective), PolicyType: 'TAG_POLICY' },
    };
    expect(parseTagPolicy(JSON.stringify(printed))).toEqual(policy);
  });

  it('without tag_key, the key is the policy key in lower case; child control operators change nothing', () => {
    const parsed = parseTagPolicy({
      tags: {
        '@@operators_allowed_for_child_policies': ['@@none'],
        Project: {
          '@@operators_allowed_for_child_policies': ['@@assign'],
          tag_value: {
            '@@assign': ['A'],
            '@@operators_allowed_for_child_policies': ['@@append', '@@remove'],
          },
        },
      },
    });
    expect(parsed.rules).toEqual([
      { policyKey: 'Project', tagKey: 'project', values: ['A'], enforcedFor: [], requiredFor: [] },
    ]);
  });

  it('in a single file, @@append adds to its own @@assign (alone, it assigns) and @@remove takes from them', () => {
    const { rules } = parseTagPolicy({
      tags: {
        a: { tag_value: { '@@assign': ['x', 'y'], '@@append': ['z', 'x'], '@@remove': ['y'] } },
        b: { tag_value: { '@@append': ['only'] }, enforced_for: { '@@append': ['ec2:*'] } },
      },
    });
    expect(rules.map((r) => [r.values, r.enforcedFor])).toEqual([
      [['x', 'z'], []],
      [['only'], ['ec2:*']],
    ]);
    expect(refusal({ tags: { a: { tag_value: { '@@remove': ['x'] } } } }).message).toMatch(
      /^tags\.a\.tag_value\["@@remove"\]: removes from an inherited list .*effective policy/,
    );
  });

  it("required: unitag's true, false or type list, and AWS's report_required_tag_for, together", () => {
    const { rules } = parseTagPolicy({
      tags: {
        a: { required: false },
        b: {
          required: { '@@assign': ['ec2:volume'] },
          report_required_tag_for: { '@@assign': ['s3:bucket'] },
        },
        c: { report_required_tag_for: ['sns:ALL_SUPPORTED'], required: true },
      },
    });
    expect(rules.map((r) => r.requiredFor)).toEqual([[], ['ec2:volume', 's3:bucket'], true]);
  });

  it.each([
    ['{"tags": ', /^not JSON \(.*\); a tag policy looks like/],
    ['[]', /^the policy: a tag policy is a JSON object/],
    ['{}', /^the policy: not a tag policy: it has no "tags" object; write \{"tags"/],
    ['{"tags": []}', /^tags: must be an object of policy keys/],
    ['{"tags": {}, "Tags": {}}', /^Tags: unknown member: a tag policy holds only "tags"/],
    ['{"tags": {"a": []}}', /^tags\.a: must be an object, such as \{"tag_key"/],
    [
      '{"tags": {"a": {"tag_keys": "A"}}}',
      /^tags\.a\.tag_keys: unknown member; a policy key holds tag_key, tag_value/,
    ],
    [
      '{"tags": {"a": {"tag_key": {"@@assign": 1}}}}',
      /^tags\.a\.tag_key\["@@assign"\]: must be a string, such as "a"/,
    ],
    ['{"tags": {"a": {"tag_key": "B"}}}', /^tags\.a\.tag_key: "B" is not the policy key "a" in another case/],
    [
      '{"tags": {"a": {"tag_key": {"@@append": "A"}}}}',
      /^tags\.a\.tag_key\["@@append"\]: this setting holds one value: set it with @@assign/,
    ],
    [
      '{"tags": {"a": {"tag_key": {"@@merge": "A"}}}}',
      /^tags\.a\.tag_key\["@@merge"\]: unknown member; a setting holds @@assign/,
    ],
    ['{"tags": {"a": {"tag_value": "x"}}}', /^tags\.a\.tag_value: must be a list, such as \["a", "b"\]/],
    [
      '{"tags": {"a": {"tag_value": {"@@assign": "x"}}}}',
      /^tags\.a\.tag_value\["@@assign"\]: must be a list/,
    ],
    [
      '{"tags": {"a": {"tag_value": [100]}}}',
      /^tags\.a\.tag_value\[0\]: must be a string: write "100" in quotes/,
    ],
    [
      '{"tags": {"a": {"tag_value": ["*@*.com"]}}}',
      /^tags\.a\.tag_value\[0\]: "\*@\*\.com" holds more than one "\*"/,
    ],
    [
      '{"tags": {"a": {"tag_value": []}}}',
      /^tags\.a\.tag_value: allows no value at all: .*leave tag_value out/,
    ],
    [
      `{"tags": {"a": {"tag_value": ["${'v'.repeat(257)}"]}}}`,
      /^tags\.a\.tag_value\[0\]: is longer than 256 characters/,
    ],
    [
      '{"tags": {"a": {"enforced_for": ["*"]}}}',
      /^tags\.a\.enforced_for\[0\]: "\*": a wildcard cannot name every service/,
    ],
    [
      '{"tags": {"a": {"enforced_for": ["*:volume"]}}}',
      /a wildcard cannot name every service; list each service/,
    ],
    [
      '{"tags": {"a": {"enforced_for": ["ec2:vol*"]}}}',
      /"ec2:vol\*": a "\*" stands only for every type of one service/,
    ],
    ['{"tags": {"a": {"enforced_for": ["EC2:volume"]}}}', /service names are lower case; write "ec2:volume"/],
    [
      '{"tags": {"a": {"enforced_for": ["volume"]}}}',
      /"volume" is not service:type; write a type such as "ec2:volume"/,
    ],
    [
      '{"tags": {"a": {"enforced_for": [["ec2:volume"]]}}}',
      /enforced_for\[0\]: must be a resource type in quotes/,
    ],
    [
      '{"tags": {"a": {"required": "yes"}}}',
      /^tags\.a\.required: must be true, false, or a list of resource types/,
    ],
    [
      '{"tags": {"a": {"required": {"@@assign": true, "@@append": ["x:y"]}}}}',
      /required\["@@append"\]: this setting holds one value/,
    ],
    [
      '{"tags": {"a": {"tag_key": {"@@operators_allowed_for_child_policies": "@@none"}}}}',
      /operators_allowed_for_child_policies"\]: must be a list of @@all/,
    ],
    [
      '{"tags": {"a": {"tag_key": {"@@operators_allowed_for_child_policies": ["@@never"]}}}}',
      /must be a list of @@all, @@assign/,
    ],
    ['{"tags": {"aws:createdBy": {}}}', /^tags\["aws:createdBy"\]: keys starting with "aws:" are reserved/],
    ['{"tags": {"@@assign": {}}}', /^tags\["@@assign"\]: operators go inside a policy key's settings/],
    ['{"tags": {"": {}}}', /^tags\[""\]: a policy key has 1 to 128 characters/],
    [
      '{"tags": {"CostCenter": {}, "costcenter": {}}}',
      /^tags\.costcenter: "CostCenter" is there already \(policy keys ignore case\)/,
    ],
    [
      '{"EffectivePolicy": {"PolicyContent": "{}", "PolicyType": "BACKUP_POLICY"}}',
      /^EffectivePolicy\.PolicyType: is "BACKUP_POLICY": give a TAG_POLICY/,
    ],
    ['{"EffectivePolicy": {}}', /^EffectivePolicy: holds no PolicyContent string/],
  ])('refuses %s, naming the path and what to write', (text, message) => {
    const error = refusal(text);
    expect(error.code).toBe('InvalidPolicy');
    expect(error.message).toMatch(message);
  });

  it('keeps __proto__ and constructor as policy keys like any other', () => {
    const { rules } = parseTagPolicy(
      '{"tags": {"__proto__": {"tag_key": "__Proto__"}, "constructor": {"tag_value": ["x"]}}}',
    );
    expect(rules.map((r) => [r.policyKey, r.tagKey, r.values])).toEqual([
      ['__proto__', '__Proto__', undefined],
      ['constructor', 'constructor', ['x']],
    ]);
    expect(Object.getPrototypeOf(parseTagPolicy('{"tags": {}}'))).toBe(Object.prototype);
  });

  it('never throws anything but InvalidPolicyError, whatever the document (property)', () => {
    const member = fc.constantFrom(
      'tags',
      'tag_key',
      'tag_value',
      'enforced_for',
      'required',
      'report_required_tag_for',
      '@@assign',
      '@@append',
      '@@remove',
      '@@operators_allowed_for_child_policies',
      '__proto__',
      'constructor',
      'x',
    );
    const leaf = fc.oneof(
      fc.constantFrom('ec2:volume', 'sns:ALL_SUPPORTED', 'ec2:*', '*', '@@none', '1*', 'a*b*', 'CostCenter'),
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(fc.oneof(member, fc.string()), tie('tree'), { maxKeys: 4 }),
      ),
    }));
    const documents = fc.oneof(
      tree.map((t) => ({ tags: t })),
      fc.dictionary(member, tree, { maxKeys: 3 }).map((t) => ({ tags: { k: t } })),
      fc.jsonValue(),
      fc.string(),
    );
    fc.assert(
      fc.property(documents, (document) => {
        try {
          const { rules } = parseTagPolicy(document);
          for (const rule of rules) expect(rule.tagKey.toLowerCase()).toBe(rule.policyKey.toLowerCase());
        } catch (error) {
          expect(isUnitagError(error) && error.code === 'InvalidPolicy', String(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('value and type matchers', () => {
  it.each([
    ['100', '100', true],
    ['100', '1000', false],
    ['300*', '300', true],
    ['300*', '300-a', true],
    ['300*', '30', false],
    ['*@example.com', 'ana@example.com', true],
    ['*@example.com', 'ana@example.org', false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['*', '', true],
    ['Prod', 'prod', false],
  ])('%s matches %s: %s', (pattern, value, expected) => {
    expect(matchesValue(pattern, value)).toBe(expected);
  });

  it('a value matches iff it equals the pattern, or is the text around its one * with anything between (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '.', 'é', '😀'), maxLength: 6 });
    const pattern = fc.oneof(
      text.map((t) => t.replaceAll('*', '')),
      fc.tuple(text, text).map(([a, b]) => `${a.replaceAll('*', '')}*${b.replaceAll('*', '')}`),
    );
    const oracle = (p: string, v: string) =>
      new RegExp(
        `^${p
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&'))
          .join('.*')}$`,
        'su',
      ).test(v);
    fc.assert(
      fc.property(pattern, text, (p, v) => {
        expect(matchesValue(p, v)).toBe(oracle(p, v));
      }),
    );
    fc.assert(
      fc.property(
        pattern.filter((p) => p.includes('*')),
        text,
        (p, middle) => {
          const [before, after] = p.split('*') as [string, string];
          expect(matchesValue(p, `${before}${middle}${after}`)).toBe(true);
        },
      ),
    );
  });

  it('no list allows any value; a list allows what one of its patterns matches', () => {
    expect(valueAllowed(undefined, 'anything')).toBe(true);
    expect(valueAllowed(['a', 'b*'], 'bc')).toBe(true);
    expect(valueAllowed(['a', 'b*'], 'c')).toBe(false);
  });

  it('names a type exactly, or all types of a service with service:* or service:ALL_SUPPORTED', () => {
    expect(typeListed(['ec2:volume'], 'ec2:volume')).toBe(true);
    expect(typeListed(['ec2:volume'], 'ec2:instance')).toBe(false);
    expect(typeListed(['ec2:*'], 'ec2:instance')).toBe(true);
    expect(typeListed(['sns:ALL_SUPPORTED'], 'sns:topic')).toBe(true);
    expect(typeListed(['sns:ALL_SUPPORTED'], 'sqs:queue')).toBe(false);
    expect(typeListed(true, 'iam:role')).toBe(true);
    expect(typeListed([], 'iam:role')).toBe(false);
  });
});

describe('checker', () => {
  it('finds a key in another case, a value not allowed and a required key missing, one per key', () => {
    const findings = checkResource(policy, {
      arn: TOPIC,
      type: 'sns:topic',
      tags: tags({ costcenter: '999', Team: 'Search', 'aws:cloudformation:stack-name': 'x' }),
    });
    expect(findings).toEqual([
      {
        key: 'CostCenter',
        kind: 'key-case',
        enforced: true,
        carried: { costcenter: '999' },
        allowed: ['100', '300*'],
        detail:
          'carries "costcenter"; the policy spells it "CostCenter", and "999" not allowed (allowed: 100, 300*)',
      },
      {
        key: 'Owner',
        kind: 'required-missing',
        enforced: false,
        carried: {},
        detail: 'missing; the policy requires "Owner" on sns:topic',
      },
    ]);
  });

  it('a compliant resource has no findings; aws: tags never are findings; enforcement follows the type', () => {
    const ok = tags({ CostCenter: '300-east', Team: 'Payments', Owner: 'platform', 'aws:costcenter': 'x' });
    expect(checkResource(policy, { arn: TOPIC, type: 'sns:topic', tags: ok })).toEqual([]);
    const onQueue = checkResource(policy, {
      arn: TOPIC,
      type: 'sqs:queue',
      tags: tags({ ...ok, CostCenter: '2' }),
    });
    expect(onQueue.map((f) => [f.kind, f.enforced])).toEqual([['value-not-allowed', false]]);
    const aws = parseTagPolicy({ tags: { 'cost:center': { required: true } } });
    expect(
      checkResource(aws, { arn: TOPIC, type: 'sns:topic', tags: tags({ 'AWS:cost:center': 'x' }) }),
    ).toEqual([expect.objectContaining({ kind: 'required-missing' })]);
  });

  it('required on listed types only; without tag_value any value, the empty one included, is allowed', () => {
    const p = parseTagPolicy({ tags: { env: { required: ['ec2:*'] } } });
    expect(checkResource(p, { arn: TOPIC, type: 'sns:topic', tags: tags({}) })).toEqual([]);
    expect(checkResource(p, { arn: TOPIC, type: 'ec2:volume', tags: tags({}) })).toHaveLength(1);
    expect(checkResource(p, { arn: TOPIC, type: 'ec2:volume', tags: tags({ env: '' }) })).toEqual([]);
  });

  it('checkMany reads in bulk; a resource that could not be read is failed, never compliant', async () => {
    // Prepare: a tagger whose bulk read answers one resource and fails the other.
    const error = new InvalidPolicyError('stand-in for a read error');
    const read: ReadReport = {
      results: [
        { arn: TOPIC, type: 'sns:topic', outcome: 'read', tags: tags({ Owner: 'platform' }) },
        { arn: BUCKET, type: 's3:bucket', outcome: 'failed', error },
      ],
      totals: { total: 2, read: 1, failed: 1, skipped: 0 },
      calls: 3,
      durationMs: 5,
    };
    const tagger = { listMany: async () => read } as unknown as Tagger;
    // Act
    const report = await checkMany(tagger, policy, [TOPIC, BUCKET]);
    // Assess
    expect(report.results.map((r) => [r.arn, r.outcome, r.error])).toEqual([
      [TOPIC, 'compliant', undefined],
      [BUCKET, 'failed', error],
    ]);
    expect(report.totals).toEqual({
      total: 2,
      compliant: 1,
      noncompliant: 0,
      failed: 1,
      skipped: 0,
      findings: 0,
      enforced: 0,
    });
    expect(report.calls).toBe(3);
  });
});

describe('fix', () => {
  it('renames to the policy spelling, sets a value differing only in case, sets a sole required value where absent', () => {
    const fix = fixResources(policy, [
      { arn: TOPIC, type: 'sns:topic', tags: tags({ costcenter: '100', Team: 'payments' }) },
    ]);
    expect(fix).toEqual({
      changes: [
        {
          arn: TOPIC,
          rename: { costcenter: 'CostCenter' },
          set: { Team: 'Payments' },
          setIfAbsent: { Owner: 'platform' },
        },
      ],
      unfixable: [],
    });
  });

  it('lists what it cannot fix, with why and what to do', () => {
    const p = parseTagPolicy({
      tags: {
        env: { tag_key: 'Env', tag_value: ['Prod', 'PROD'] },
        tier: { tag_value: ['a*'], required: true },
        note: { required: true },
      },
    });
    const fix = fixResources(p, [{ arn: TOPIC, type: 'sns:topic', tags: tags({ ENV: 'prod' }) }]);
    expect(fix.changes).toEqual([{ arn: TOPIC, rename: { ENV: 'Env' } }]);
    expect(fix.unfixable).toEqual([
      {
        arn: TOPIC,
        key: 'Env',
        kind: 'key-case',
        reason: expect.stringMatching(/^"prod" is not allowed, and no single allowed value/),
      },
      {
        arn: TOPIC,
        key: 'tier',
        kind: 'required-missing',
        reason: expect.stringMatching(
          /^the policy allows values a\*: tag it with one \(unitag tag ARN --tag tier=VALUE\)/,
        ),
      },
      {
        arn: TOPIC,
        key: 'note',
        kind: 'required-missing',
        reason: expect.stringMatching(/^the policy allows any value/),
      },
    ]);
  });

  it('two spellings: the extra one is removed when the values agree, left to you when they differ', () => {
    const same = fixResources(policy, [
      {
        arn: TOPIC,
        type: 'sqs:queue',
        tags: tags({ CostCenter: '100', COSTCENTER: '100', Owner: 'platform' }),
      },
    ]);
    expect(same).toEqual({ changes: [{ arn: TOPIC, remove: ['COSTCENTER'] }], unfixable: [] });
    const differ = fixResources(policy, [
      {
        arn: TOPIC,
        type: 'sqs:queue',
        tags: tags({ costCenter: '100', COSTCENTER: '300', Owner: 'platform' }),
      },
    ]);
    expect(differ.changes).toEqual([]);
    expect(differ.unfixable[0]?.reason).toMatch(
      /^carries "costCenter"="100", "COSTCENTER"="300": keep one of them/,
    );
  });

  it('IAM users and roles keep one spelling: the case is left to two runs, the value is still fixed', () => {
    const fix = fixResources(policy, [
      { arn: ROLE, type: 'iam:role', tags: tags({ team: 'search', Owner: 'platform' }) },
    ]);
    expect(fix.changes).toEqual([{ arn: ROLE, set: { team: 'Search' } }]);
    expect(fix.unfixable).toEqual([
      {
        arn: ROLE,
        key: 'Team',
        kind: 'key-case',
        reason: 'iam:role keeps one spelling per key: untag "team", then tag "Team" (two runs)',
      },
    ]);
  });

  it('on an enforced type, a key whose value stays wrong is not renamed (AWS would refuse the write)', () => {
    const fix = fixResources(policy, [
      { arn: TOPIC, type: 'sns:topic', tags: tags({ costcenter: '999', Owner: 'platform' }) },
    ]);
    expect(fix.changes).toEqual([]);
    expect(fix.unfixable[0]?.reason).toMatch(
      /AWS refuses writing "CostCenter" with a value the policy does not allow on sns:topic/,
    );
  });

  it('S3 sends the whole set: while an enforced key stays noncompliant, nothing of the bucket is written', () => {
    const p = parseTagPolicy({
      tags: { ...WRITTEN.tags, costcenter: { ...WRITTEN.tags.costcenter, enforced_for: ['s3:bucket'] } },
    });
    const stuck = tags({ CostCenter: '999', team: 'Search', Owner: 'platform' });
    const fix = fixResources(p, [{ arn: BUCKET, type: 's3:bucket', tags: stuck }]);
    expect(fix.changes).toEqual([]);
    expect(fix.unfixable.map((u) => [u.key, u.reason])).toEqual([
      ['CostCenter', expect.stringMatching(/^"999" is not allowed/)],
      [
        'Team',
        expect.stringMatching(
          /^left out: s3:bucket is written whole, and AWS refuses the set while "CostCenter"/,
        ),
      ],
    ]);
    // Not enforced on buckets: the rest is fixed.
    expect(fixResources(policy, [{ arn: BUCKET, type: 's3:bucket', tags: stuck }]).changes).toEqual([
      { arn: BUCKET, rename: { team: 'Team' } },
    ]);
  });

  it('keys named __proto__ and constructor survive the check, the fix and a job file read back', () => {
    const p = parseTagPolicy(
      '{"tags": {"__proto__": {"tag_key": "__Proto__", "tag_value": ["On"]}, "constructor": {"tag_value": ["x"], "required": true}}}',
    );
    const before = tags({ ['__proto__']: 'on' });
    expect(Object.keys(before)).toEqual(['__proto__']);
    expect(
      checkResource(p, { arn: TOPIC, type: 'sns:topic', tags: before }).map((f) => [f.key, f.kind]),
    ).toEqual([
      ['__Proto__', 'key-case'],
      ['constructor', 'required-missing'],
    ]);
    const { changes } = fixResources(p, [{ arn: TOPIC, type: 'sns:topic', tags: before }]);
    const job = parseJob(changes.map((c) => JSON.stringify(c)).join('\n'), 'ndjson');
    expect(job.errors).toEqual([]);
    const after = applied(before, job.changes[0]);
    expect(Object.entries(after)).toEqual([
      ['__Proto__', 'On'],
      ['constructor', 'x'],
    ]);
    expect(checkResource(p, { arn: TOPIC, type: 'sns:topic', tags: after })).toEqual([]);
  });

  it('after the fix, only what it lists as unfixable is still found; each change is a valid job line (property)', () => {
    // Per policy key: some of its spellings, carrying one value or one each; and tags the policy does not name.
    const value = fc.constantFrom('100', '300-a', '999', 'payments', 'Search', 'platform', 'Platform', '');
    const spelt = (...spellings: string[]) =>
      fc
        .tuple(fc.subarray(spellings), fc.boolean(), fc.array(value, { minLength: 3, maxLength: 3 }))
        .map(([keys, shared, values]) => keys.map((k, i) => [k, (shared ? values[0] : values[i]) as string]));
    const carried = fc
      .tuple(
        spelt('costcenter', 'CostCenter', 'COSTCENTER'),
        spelt('team', 'Team', 'TEAM'),
        spelt('owner', 'Owner', 'OWNER'),
        spelt('aws:team', 'other'),
      )
      .map((groups) => Object.fromEntries(groups.flat()) as Record<string, string>);
    const type = fc.constantFrom('sns:topic', 'sqs:queue', 'ec2:instance', 's3:bucket');
    const onBuckets = parseTagPolicy({
      tags: { ...WRITTEN.tags, team: { ...WRITTEN.tags.team, enforced_for: ['s3:bucket'] } },
    });
    fc.assert(
      fc.property(carried, type, fc.constantFrom(policy, onBuckets), (entries, t, p) => {
        const before = tags(entries);
        const fix = fixResources(p, [{ arn: TOPIC, type: t, tags: before }]);
        const job = parseJob(fix.changes.map((c) => JSON.stringify(c)).join('\n'), 'ndjson');
        expect(job.errors).toEqual([]);
        const remaining = checkResource(p, {
          arn: TOPIC,
          type: t,
          tags: applied(before, job.changes[0]),
        });
        const found = new Set(checkResource(p, { arn: TOPIC, type: t, tags: before }).map((f) => f.key));
        const unfixable = new Set(fix.unfixable.map((u) => u.key));
        for (const f of remaining)
          expect(unfixable.has(f.key), `${f.key} on ${JSON.stringify(entries)}`).toBe(true);
        for (const k of unfixable) expect(found.has(k)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('fix within the resource limits', () => {
  it('an S3 object with 10 tags keeps its rename, and the key it cannot add is left to you', async () => {
    // Prepare: nine tags and a misspelt CostCenter; the policy requires Owner (one allowed value).
    const { createTagger } = await import('../../src/tagger.js');
    const tagger = createTagger({ region: 'us-east-1' });
    const arn = 'arn:aws:s3:::orders/2026/q3.csv';
    const tags: Tags = Object.fromEntries([
      ...Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v']),
      ['costcenter', '100'],
    ]);
    const policy = parseTagPolicy(JSON.stringify(WRITTEN));
    const findings = checkResource(policy, { arn, type: 's3:object', tags });
    const result = { arn, type: 's3:object', outcome: 'noncompliant' as const, tags, findings };
    // Act
    const fix = await fitFix(tagger, fixResources(policy, [result]), [result]);
    // Assess
    expect(fix.changes).toEqual([{ arn, rename: { costcenter: 'CostCenter' } }]);
    expect(fix.unfixable).toEqual([
      expect.objectContaining({
        arn,
        key: 'Owner',
        kind: 'required-missing',
        reason: expect.stringMatching(/^left out: .*10/),
      }),
    ]);
    expect(tagger.calls).toBe(0);
  });

  it('a fix that fits is written as it is', async () => {
    const { createTagger } = await import('../../src/tagger.js');
    const tagger = createTagger({ region: 'us-east-1' });
    const tags: Tags = { costcenter: '100' };
    const policy = parseTagPolicy(JSON.stringify(WRITTEN));
    const findings = checkResource(policy, { arn: TOPIC, type: 'sns:topic', tags });
    const result = { arn: TOPIC, type: 'sns:topic', outcome: 'noncompliant' as const, tags, findings };
    const fix = fixResources(policy, [result]);
    expect(await fitFix(tagger, fix, [result])).toEqual(fix);
  });
});

describe('tag policy files as editors write them', () => {
  it('takes a byte-order mark, and child control operators at the root', () => {
    const text = `\uFEFF${JSON.stringify({ ...WRITTEN, '@@operators_allowed_for_child_policies': ['@@none'] })}`;
    expect(parseTagPolicy(text).rules.map((r) => r.tagKey)).toEqual(['CostCenter', 'Team', 'Owner']);
  });
});
