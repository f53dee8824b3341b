import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidPolicyError } from '../../src/errors.js';
import { arnPatternsMeet, globsMeet, lintPolicy } from '../../src/policy-lint.js';

// Fixtures say what they must give by their name: clean-*.json none, broken-<rule>--<what>.json exactly that rule,
// invalid-*.json an InvalidPolicyError.
const dir = new URL('../fixtures/policies/', import.meta.url).pathname;
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const expected = (name: string) => (name.startsWith('broken-') ? [name.slice(7).split('--')[0]] : []);
const P = '${aws:PrincipalTag/project}';
const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const rulesOf = async (doc: object, protect?: string[]) =>
  (await lintPolicy(doc, protect ? { protect } : {})).findings.map((f) => f.rule);

const ALLOW_RULES = [
  'retag-away',
  'retag-any',
  'create-without-request-tag',
  'self-retag',
  's3-object-generic-tag-keys',
  's3-bucket-tag-condition',
  'passrole-by-tag',
  'createtags-createaction-wildcard',
];

describe('lintPolicy on the fixtures', () => {
  it('has a clean, a broken and an invalid fixture, and a broken one for every rule', () => {
    const rules = fixtures.filter((f) => f.startsWith('broken-')).map((f) => expected(f)[0]);
    expect(new Set(rules)).toEqual(new Set([...ALLOW_RULES, 'unsupported-condition-key']));
    expect(fixtures.some((f) => f.startsWith('clean-'))).toBe(true);
    expect(fixtures.some((f) => f.startsWith('invalid-'))).toBe(true);
  });

  it.each(fixtures.filter((f) => !f.startsWith('invalid-')))(
    '%s gives exactly its own rule',
    async (name) => {
      const result = await lintPolicy(read(name));
      expect(result.findings.map((f) => f.rule)).toEqual(expected(name));
      for (const finding of result.findings) {
        expect(finding.message.length).toBeGreaterThan(60);
        expect(finding.statement.line).toBeGreaterThan(1);
        expect(finding.statement.sid).toBe(JSON.parse(read(name)).Statement[finding.statement.index].Sid);
      }
    },
  );

  it.each(fixtures.filter((f) => f.startsWith('invalid-')))('%s is refused', async (name) => {
    await expect(lintPolicy(read(name))).rejects.toBeInstanceOf(InvalidPolicyError);
  });

  it.each(fixtures.filter((f) => f.startsWith('broken-')))(
    '%s turned into Denies raises no Allow rule',
    async (name) => {
      const doc = JSON.parse(read(name));
      for (const s of doc.Statement) s.Effect = 'Deny';
      const rules = await rulesOf(doc);
      expect(rules.filter((r) => ALLOW_RULES.includes(r))).toEqual([]);
    },
  );

  it('says what a principal could do, on what, and the fix', async () => {
    const [away] = (await lintPolicy(read('broken-retag-away--sns-no-tag-keys.json'))).findings;
    expect(away).toMatchObject({
      rule: 'retag-away',
      severity: 'error',
      statement: { index: 2, sid: 'RetagOwnTopicsButNotProject' },
      actions: ['sns:TagResource', 'sns:UntagResource'],
      keys: ['project'],
    });
    expect(away?.message).toMatch(
      /give them away.*"ForAllValues:StringNotEquals": \{"aws:TagKeys": "project"\}/,
    );
    const [ec2] = (
      await lintPolicy(read('broken-unsupported-condition-key--ec2-request-tag-on-every-resource.json'))
    ).findings;
    expect(ec2?.actions).toEqual([
      'ec2:CreateImage (instance)',
      'ec2:RunInstances (image, security-group, subnet)',
    ]);
  });
});

describe('protected keys', () => {
  it('are inferred from the keys compared to principal tags, and say so', async () => {
    const doc = policy(
      {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: '*',
        Condition: {
          StringEquals: {
            'aws:ResourceTag/team': '${aws:PrincipalTag/team}',
            'aws:ResourceTag/stage': 'prod',
          },
        },
      },
      {
        Effect: 'Allow',
        Action: 'sns:CreateTopic',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestTag/Team': P, 'aws:RequestTag/project': P } },
      },
    );
    expect(await lintPolicy(doc)).toMatchObject({ protectedKeys: ['team', 'project'], inferred: true });
    expect(await lintPolicy(doc, { protect: ['cost-center'] })).toMatchObject({
      protectedKeys: ['cost-center'],
      inferred: false,
    });
  });

  it('--protect makes the rules check a key the policy does not compare', async () => {
    const doc = JSON.parse(read('broken-self-retag--iam-tag-user.json'));
    expect((await lintPolicy(doc, { protect: ['team'] })).findings).toMatchObject([
      { rule: 'self-retag', keys: ['team'] },
    ]);
    expect(await rulesOf(policy({ Effect: 'Allow', Action: 'iam:TagUser', Resource: '*' }))).toEqual([]);
  });
});

describe('rules through wildcards, NotAction and the whole policy', () => {
  it('matches actions through wildcards, any case, and NotAction', async () => {
    const onOwn = { StringEquals: { 'aws:ResourceTag/project': P } };
    expect(
      await rulesOf(policy({ Effect: 'Allow', Action: 'SNS:*tag*', Resource: '*', Condition: onOwn })),
    ).toEqual(['retag-away']);
    const notAction = policy({
      Effect: 'Allow',
      NotAction: ['iam:*', 's3:*'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestTag/project': P } },
    });
    const found = (await lintPolicy(notAction)).findings;
    expect(found.map((f) => f.rule)).toEqual(['retag-any']);
    expect(found[0]?.actions).toContain('sns:TagResource');
    expect(found[0]?.actions?.some((a) => a.startsWith('iam:'))).toBe(false);
  });

  it('takes a Deny elsewhere in the policy as the guard on a key', async () => {
    const allow = {
      Effect: 'Allow',
      Action: ['sns:TagResource', 'sns:UntagResource'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/project': P } },
    };
    const deny = {
      Effect: 'Deny',
      Action: 'sns:*',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'project' } },
    };
    expect(await rulesOf(policy(allow))).toEqual(['retag-away']);
    expect(await rulesOf(policy(allow, deny))).toEqual([]);
  });

  it('self-retag: *, a wildcard over users, ${aws:username}; not a named user', async () => {
    const on = (Resource: string) =>
      rulesOf(policy({ Effect: 'Allow', Action: 'iam:Tag*', Resource }), ['project']);
    expect(await on('arn:aws:iam::*:user/*')).toEqual(['self-retag']);
    expect(await on('arn:aws:iam::111111111111:user/${aws:username}')).toEqual(['self-retag']);
    expect(await on('arn:aws:iam::111111111111:role/app-*')).toEqual(['self-retag']);
    expect(await on('arn:aws:iam::111111111111:user/alice')).toEqual([]);
    expect(await on('arn:aws:sns:*:*:*')).toEqual([]);
  });

  it('createtags-createaction-wildcard: only a value that matches CreateTags', async () => {
    const tags = (Condition: object) =>
      rulesOf(policy({ Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition }));
    expect(await tags({ StringLike: { 'ec2:CreateAction': ['Run*', 'Create?ags'] } })).toEqual([
      'createtags-createaction-wildcard',
    ]);
    expect(await tags({ StringLike: { 'ec2:CreateAction': ['Run*', 'CreateVol*'] } })).toEqual([]);
  });
});

describe('unsupported-condition-key', () => {
  const tagged = (Effect: string, Action: string | string[], Condition: object) =>
    lintPolicy(policy({ Effect, Action, Resource: '*', Condition }));
  const onOwn = { StringEquals: { 'aws:ResourceTag/project': P } };

  it('flags each named action without the key, and says what the statement then does', async () => {
    const allow = await tagged('Allow', ['sns:Publish', 'logs:DescribeLogGroups'], onOwn);
    expect(allow.findings).toMatchObject([
      { rule: 'unsupported-condition-key', actions: ['logs:DescribeLogGroups'] },
    ]);
    expect(allow.findings[0]?.message).toMatch(/this Allow silently grants nothing/);
    const deny = await tagged('Deny', 'logs:DescribeLogGroups', onOwn);
    expect(deny.findings[0]?.message).toMatch(/this Deny silently denies nothing/);
    const negated = await tagged('Allow', 'logs:DescribeLogGroups', {
      StringNotEquals: { 'aws:ResourceTag/project': 'x' },
    });
    expect(negated.findings[0]?.message).toMatch(/always holds for them and restricts nothing/);
  });

  it('flags a wildcard only when no action it matches has the key; global keys always pass', async () => {
    expect((await tagged('Allow', 'sns:*', onOwn)).findings.map((f) => f.rule)).not.toContain(
      'unsupported-condition-key',
    );
    const none = await tagged('Allow', 'logs:DescribeQuer*', onOwn);
    expect(none.findings).toMatchObject([{ rule: 'unsupported-condition-key' }]);
    expect(none.findings[0]?.actions?.[0]).toMatch(/^the 2 actions matched by logs:DescribeQuer\*$/);
    expect(
      (await tagged('Allow', 'logs:DescribeLogGroups', { StringEquals: { 'aws:PrincipalTag/project': 'x' } }))
        .findings,
    ).toEqual([]);
  });
});

describe('resource matching', () => {
  it.each([
    ['*', 'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}', true],
    ['arn:aws:iam::*:user/*', 'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}', true],
    [
      'arn:aws:iam::*:user/${aws:username}',
      'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}',
      true,
    ],
    ['arn:aws:iam::*:role/*', 'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}', false],
    ['arn:aws:ec2:*::image/*', 'arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}', false],
    ['arn:aws:ec2:*:*:*', 'arn:${Partition}:ec2:${Region}::image/${ImageId}', true],
    ['arn:aws:s3:::*/*', 'arn:${Partition}:s3:::${BucketName}', false],
    ['arn:aws:s3:::*', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}', true],
    ['arn:aws:sns:*:*:*', 'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}', false],
  ])('%s meets %s: %s', (pattern, type, meets) => {
    expect(arnPatternsMeet(pattern, type)).toBe(meets);
  });

  it.each([
    ['a*c', 'ab?', true],
    ['a*', '*z', true],
    ['abc', 'abd', false],
    ['a?c', 'a??', true],
    ['*x*', 'yyy', false],
    ['', '*', true],
  ])('globs %s and %s meet: %s', (a, b, meets) => {
    expect(globsMeet(a, b)).toBe(meets);
    expect(globsMeet(b, a)).toBe(meets);
  });
});
