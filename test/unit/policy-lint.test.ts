import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidPolicyError } from '../../src/core/errors.js';
import {
  arnPatternCovers,
  arnPatternsMeet,
  globCovers,
  globsMeet,
} from '../../src/governance/arn-patterns.js';
import { keyMatches } from '../../src/governance/iam-data.js';
import { lintPolicy } from '../../src/governance/policy-lint.js';

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
  'retag-unconditioned',
  'abac-bypassed',
  'principal-tag-wildcard',
  'resource-tag-if-exists',
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
  it('are inferred from the keys compared to principal tags or granting by a literal value, and say so', async () => {
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
    expect(await lintPolicy(doc)).toMatchObject({
      protectedKeys: ['team', 'stage', 'project'],
      inferred: true,
    });
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
  }, 60_000); // NotAction reaches every action of every service: seconds, more on a loaded machine

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

describe('guards: what keeps a principal from changing a protected key', () => {
  const own = { 'aws:ResourceTag/project': P };
  const statement = (Action: string | string[], Condition: object, Resource = 'arn:aws:sns:*:*:*') =>
    policy({ Effect: 'Allow', Action, Resource, Condition });
  const lint = async (doc: object, protect?: string[]) =>
    (await lintPolicy(doc, protect ? { protect } : {})).findings;

  it('a RequestTag pin with IfExists or ForAllValues guards an action that only adds tags', async () => {
    for (const operator of ['StringEqualsIfExists', 'ForAllValues:StringEquals']) {
      const found = await lint(
        statement('sns:TagResource', { StringEquals: own, [operator]: { 'aws:RequestTag/project': P } }),
      );
      expect(found).toEqual([]);
    }
  });

  it('but not one that replaces the whole set: a request without the key removes it', async () => {
    const objectOwn = { 's3:ExistingObjectTag/project': P };
    for (const operator of ['StringEqualsIfExists', 'ForAllValues:StringEquals']) {
      const found = await lint(
        statement(
          's3:PutObjectTagging',
          { StringEquals: objectOwn, [operator]: { 's3:RequestObjectTag/project': P } },
          'arn:aws:s3:::bucket/*',
        ),
      );
      expect(found.map((f) => f.rule)).toEqual(['retag-away']);
      expect(found[0]?.message).toMatch(/Not a guard: .* also holds for a request without project/);
    }
    const pinned = statement(
      's3:PutObjectTagging',
      { StringEquals: { ...objectOwn, 's3:RequestObjectTag/project': P } },
      'arn:aws:s3:::bucket/*',
    );
    expect(await lint(pinned)).toEqual([]);
  });

  it('a RequestTag pin never guards a removal', async () => {
    const found = await lint(
      statement(
        ['ec2:CreateTags', 'ec2:DeleteTags'],
        { StringEquals: { ...own, 'aws:RequestTag/project': P } },
        'arn:aws:ec2:*:*:instance/*',
      ),
    );
    expect(found).toMatchObject([{ rule: 'retag-away', actions: ['ec2:DeleteTags'] }]);
    expect(found[0]?.message).toMatch(
      /does not apply to removing project: a removal carries no request tags/,
    );
    expect(found[0]?.message).toMatch(
      /Add "ForAllValues:StringNotEquals": \{"aws:TagKeys": "project"\} \(a removal/,
    );
  });

  it('compares aws:TagKeys values case-sensitively, unless the operator ends with IgnoreCase', async () => {
    const excluding = (operator: string) =>
      lint(
        statement(['sns:TagResource', 'sns:UntagResource'], {
          StringEquals: own,
          [operator]: { 'aws:TagKeys': 'Project' },
        }),
      );
    const found = await excluding('ForAllValues:StringNotEquals');
    expect(found.map((f) => f.rule)).toEqual(['retag-away']);
    expect(found[0]?.message).toMatch(/tag keys are compared case-sensitively, and "Project" is another key/);
    expect(await excluding('ForAllValues:StringNotEqualsIgnoreCase')).toEqual([]);
    expect(await excluding('ForAllValues:StringNotLike')).toMatchObject([{ rule: 'retag-away' }]);
    const deny = {
      Effect: 'Deny',
      Action: 'sns:*',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'PROJECT' } },
    };
    const allow = {
      Effect: 'Allow',
      Action: 'sns:TagResource',
      Resource: '*',
      Condition: { StringEquals: own },
    };
    expect(await rulesOf(policy(allow, deny))).toEqual(['retag-away']);
  });

  it('a value list with the principal pin and a literal lets the principal retag to the literal', async () => {
    const found = await lint(
      statement('sns:TagResource', {
        StringEquals: { 'aws:ResourceTag/project': [P, 'shared'], 'aws:RequestTag/project': [P, 'shared'] },
      }),
    );
    expect(found.map((f) => f.rule)).toEqual(['retag-away']);
    expect(found[0]?.message).toMatch(/lets the principal set project to "shared"/);
  });

  it('StringLike "*" and Null "false" only ask for the key to be present', async () => {
    for (const Condition of [
      { StringLike: { 'aws:RequestTag/project': '*' } },
      { Null: { 'aws:RequestTag/project': 'false' } },
    ]) {
      const found = await lint(statement('sns:CreateTopic', Condition), ['project']);
      expect(found.map((f) => f.rule)).toEqual(['create-without-request-tag']);
      expect(found[0]?.message).toMatch(/only requires project to be present, with any value/);
      const retag = await lint(statement('sns:TagResource', { ...Condition, StringEquals: own }));
      expect(retag.map((f) => f.rule)).toEqual(['retag-away']);
      expect(retag[0]?.message).toMatch(/only requires project to be present, with any value/);
    }
    const request = { StringEquals: { 'aws:RequestTag/project': P } };
    expect(await lint(statement('sns:CreateTopic', request), ['project'])).toEqual([]);
  });

  it('grants by literal values: retag-away, and the fix pins the same literal values', async () => {
    const literal = { StringEquals: { 'aws:ResourceTag/project': 'alpha' } };
    const found = await lint(statement(['sns:Publish', 'sns:TagResource'], literal), ['project']);
    expect(found).toMatchObject([{ rule: 'retag-away', actions: ['sns:TagResource'] }]);
    expect(found[0]?.message).toMatch(/whose project tag is "alpha"/);
    expect(found[0]?.message).toMatch(/"aws:RequestTag\/project": "alpha"/);
    expect(found[0]?.message).not.toMatch(/PrincipalTag/);
    const pinned = {
      StringEquals: { 'aws:ResourceTag/project': 'alpha', 'aws:RequestTag/project': 'alpha' },
    };
    expect(await lint(statement('sns:TagResource', pinned), ['project'])).toEqual([]);
    const other = { StringEquals: { 'aws:ResourceTag/project': 'alpha', 'aws:RequestTag/project': 'beta' } };
    expect((await lint(statement('sns:TagResource', other), ['project']))[0]?.message).toMatch(
      /lets the principal set project to "beta"/,
    );
  });
});

describe("service keys, NotAction, NotResource and creates, through AWS's reference", () => {
  it('infers protected keys from service tag keys, not from AWS-reserved aws: tags', async () => {
    const doc = policy({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::*/*',
      Condition: {
        StringEquals: {
          's3:ExistingObjectTag/team': '${aws:PrincipalTag/team}',
          'ec2:ResourceTag/stage': '${aws:PrincipalTag/stage}',
          'aws:ResourceTag/aws:cloudformation:stack-name': '${aws:PrincipalTag/stack}',
        },
      },
    });
    expect((await lintPolicy(doc)).protectedKeys).toEqual(['team', 'stage']);
  });

  it('counts a service RequestTag key on create, and reads keys the reference spells tag-key', async () => {
    const create = policy({
      Effect: 'Allow',
      Action: 'elasticmapreduce:RunJobFlow',
      Resource: '*',
      Condition: { StringEquals: { 'elasticmapreduce:RequestTag/project': P } },
    });
    expect(await rulesOf(create, ['project'])).toEqual([]);
    const secrets = policy({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:TagResource'],
      Resource: '*',
      Condition: { StringEquals: { 'secretsmanager:ResourceTag/project': P } },
    });
    expect((await lintPolicy(secrets)).findings).toMatchObject([
      { rule: 'retag-away', actions: ['secretsmanager:TagResource'] },
    ]);
  });

  it('S3 object tags: only a pinned s3:RequestObjectTag guards PutObjectTagging; deleting them is open', async () => {
    const objects = (Action: string | string[], extra: object) =>
      policy({
        Effect: 'Allow',
        Action,
        Resource: 'arn:aws:s3:::*/*',
        Condition: { StringEquals: { 's3:ExistingObjectTag/project': P, ...extra } },
      });
    expect(await rulesOf(objects('s3:PutObjectTagging', { 's3:RequestObjectTag/project': P }))).toEqual([]);
    const found = (await lintPolicy(objects(['s3:PutObjectTagging', 's3:DeleteObjectTagging'], {}))).findings;
    expect(found).toMatchObject([
      { rule: 'retag-away', actions: ['s3:PutObjectTagging', 's3:DeleteObjectTagging'] },
    ]);
    expect(found[0]?.message).toMatch(/"s3:RequestObjectTag\/project"/);
  });

  it('NotAction concerns only the actions its Resource can name', async () => {
    const found = (
      await lintPolicy(
        policy({
          Effect: 'Allow',
          NotAction: ['iam:*', 's3:*'],
          Resource: 'arn:aws:sns:*:*:*',
          Condition: { StringEquals: { 'aws:RequestTag/project': P } },
        }),
      )
    ).findings;
    expect(found.map((f) => f.rule)).toEqual(['retag-any']);
    expect(found[0]?.actions).toContain('sns:TagResource');
    for (const other of ['ec2:', 'sqs:', 'tag:', 'lambda:'])
      expect(found[0]?.actions?.some((a) => a.startsWith(other))).toBe(false);
  });

  it('NotResource covers what it does not name', async () => {
    const tagUser = (NotResource: string) =>
      rulesOf(policy({ Effect: 'Allow', Action: 'iam:TagUser', NotResource }), ['project']);
    expect(await tagUser('arn:aws:iam::*:user/*')).toEqual([]);
    expect(await tagUser('arn:aws:iam::111111111111:user/*')).toEqual([]);
    expect(await tagUser('arn:aws:iam::*:user/admins/*')).toEqual(['self-retag']);
    expect(await tagUser('arn:aws:sns:*:*:*')).toEqual(['self-retag']);
  });

  it('a TagResource of any service is not a create', async () => {
    const all = policy({ Effect: 'Allow', Action: '*:TagResource', Resource: '*' });
    expect(await rulesOf(all, ['project'])).toEqual(['retag-unconditioned']);
    const create = policy({ Effect: 'Allow', Action: 'sns:CreateTopic', Resource: '*' });
    expect(await rulesOf(create, ['project'])).toEqual(['create-without-request-tag']);
  });
});

describe('lintPolicy options', () => {
  const doc = JSON.parse(read('clean-sns-abac.json'));
  it.each([
    ['a string', 'project', /protect must be an array of tag keys/],
    ['a number in the list', ['project', 5], /protect must be an array of tag keys/],
    ['an empty key', [''], /cannot be empty/],
    ['an aws: key', ['aws:cloudformation:stack-name'], /starts with aws:, which AWS reserves/],
  ])('refuses %s as protect with a ConfigurationError', async (_, protect, message) => {
    const error = await lintPolicy(doc, { protect } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe('ConfigurationError');
    expect((error as Error).message).toMatch(message);
  });
});

describe("keyMatches: the reference's placeholders for a tag key", () => {
  it.each([
    ['aws:ResourceTag/${TagKey}', 'aws:resourcetag/project', true],
    ['s3:ExistingObjectTag/<key>', 's3:ExistingObjectTag/project', true],
    ['secretsmanager:ResourceTag/tag-key', 'secretsmanager:ResourceTag/project', true],
    ['ssm:resourceTag/tag-key', 'ssm:ResourceTag/team', true],
    ['elasticloadbalancing:ResourceTag/', 'elasticloadbalancing:ResourceTag/project', true],
    ['aws:ResourceTag/${TagKey}', 'aws:ResourceTag/', false],
    ['ssm:resourceTag/aws:ssmmessages:target-id', 'ssm:resourceTag/project', false],
    ['ssm:resourceTag/aws:ssmmessages:target-id', 'SSM:ResourceTag/aws:ssmmessages:target-id', true],
    ['apigateway:Request/ApiName', 'apigateway:Request/Other', false],
    ['aws:TagKeys', 'aws:tagkeys', true],
  ])('%s matches %s: %s', (pattern, key, matches) => {
    expect(keyMatches(pattern, key)).toBe(matches);
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

  const user = 'arn:${Partition}:iam::${Account}:user/${UserNameWithPath}';
  it.each([
    ['*', user, true],
    ['arn:aws:iam::*:user/*', user, true],
    ['arn:aws:iam::111111111111:user/*', user, true],
    ['arn:aws:iam::*:user/admins/*', user, false],
    ['arn:aws:iam::*:user/${aws:username}', user, false],
    ['arn:aws:iam::*:role/*', user, false],
    ['arn:aws:sns:us-east-1:*:*', 'arn:${Partition}:sns:${Region}:${Account}:${TopicName}', false],
    ['arn:aws:sns:*:*:*', 'arn:${Partition}:sns:${Region}:${Account}:${TopicName}', true],
    ['arn:aws:s3:::*', 'arn:${Partition}:s3:::${BucketName}/${ObjectName}', true],
    ['arn:aws:s3:::*/*', 'arn:${Partition}:s3:::${BucketName}', false],
  ])('%s covers every resource of %s: %s', (pattern, type, covers) => {
    expect(arnPatternCovers(pattern, type)).toBe(covers);
  });

  it.each([
    ['a*', 'ab?', true],
    ['a?', 'a*', false],
    ['a*b', 'a*b', true],
    ['*', '', true],
    ['a*', 'b*', false],
    ['a?c', 'abc', true],
    ['abc', 'a?c', false],
  ])('glob %s covers %s: %s', (a, b, covers) => {
    expect(globCovers(a, b)).toBe(covers);
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

describe('the rules as described to other tools (SARIF)', () => {
  it('describes every rule once, with the severity it reports', async () => {
    const { lintRules } = await import('../../src/governance/policy-lint.js');
    const { RULE_DOCS, sarifLog } = await import('../../src/cli/lint-sarif.js');
    expect(Object.keys(RULE_DOCS).sort()).toEqual(
      lintRules()
        .map((rule) => rule.id)
        .sort(),
    );
    type Described = { id: string; defaultConfiguration: { level: string } };
    const log = sarifLog({ findings: [], protectedKeys: [], inferred: false }, 'p.json') as {
      runs: { tool: { driver: { rules: Described[] } } }[];
    };
    const described = log.runs[0]?.tool.driver.rules ?? [];
    expect(described.map((r) => r.id)).toEqual(lintRules().map((rule) => rule.id));
    for (const rule of lintRules()) {
      expect(described.find((r) => r.id === rule.id)?.defaultConfiguration.level, rule.id).toBe(
        rule.severity,
      );
    }
  });
});

describe('condition key names in any case (IAM compares them case-insensitively)', () => {
  // AWS:RESOURCETAG/project is aws:ResourceTag/project to IAM: the verdict must not change with the case.
  const recased = (key: string) =>
    key
      .replace(/^aws:/i, 'AWS:')
      .replace(/ResourceTag|RequestTag|PrincipalTag|TagKeys/g, (name) => name.toUpperCase());
  it.each(fixtures.filter((f) => !f.startsWith('invalid-')))(
    '%s: the same findings with its condition keys re-cased',
    async (name) => {
      const doc = JSON.parse(read(name));
      const copy = JSON.parse(read(name));
      for (const statement of [copy.Statement].flat()) {
        for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
          statement.Condition[operator] = Object.fromEntries(
            Object.entries(keys as object).map(([key, value]) => [recased(key), value]),
          );
        }
      }
      expect((await rulesOf(copy)).sort()).toEqual((await rulesOf(doc)).sort());
    },
  );
});

describe('access a tag was meant to limit, left open another way', () => {
  const publishByProject = {
    Sid: 'PublishToOwnProject',
    Effect: 'Allow',
    Action: 'sns:Publish',
    Resource: '*',
    Condition: { StringEquals: { 'aws:ResourceTag/project': P } },
  };
  const lint = async (doc: object) =>
    (await lintPolicy(doc)).findings.map((f) => `${f.rule}@${f.statement.index}`);

  it('NotAction with Allow: tagging unconditioned and the tag-gated action bypassed, the holes first', async () => {
    const doc = policy(publishByProject, { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    expect(await lint(doc)).toEqual([
      'retag-unconditioned@1',
      'abac-bypassed@1',
      'create-without-request-tag@1',
    ]);
    const [retag, bypass] = (await lintPolicy(doc)).findings;
    expect(retag?.message).toMatch(/NotAction with Allow allows every action it does not name/);
    expect(bypass?.actions).toContain('sns:Publish');
    expect(bypass?.message).toMatch(/Statement\[0\] allows it only by aws:ResourceTag\/project/);
  });

  it('NotResource with Allow over the same service leaves the other topics unconditioned', async () => {
    const doc = policy(publishByProject, {
      Effect: 'Allow',
      Action: ['sns:Publish', 'sns:TagResource'],
      NotResource: 'arn:aws:sns:*:*:admin-*',
    });
    expect(await lint(doc)).toEqual(['retag-unconditioned@1', 'abac-bypassed@1']);
    expect((await lintPolicy(doc)).findings[0]?.message).toMatch(/NotResource with Allow/);
  });

  it('names the unconditioned TagResource on every resource before the create warning', async () => {
    const doc = policy(publishByProject, {
      Effect: 'Allow',
      Action: ['sns:CreateTopic', 'sns:TagResource'],
      Resource: '*',
    });
    expect(await lint(doc)).toEqual(['retag-unconditioned@1', 'create-without-request-tag@1']);
  });

  it('an unconditioned Allow on fewer resources than the tag-gated one bypasses nothing', async () => {
    const doc = policy(publishByProject, {
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: 'arn:aws:sns:*:*:public-*',
    });
    expect(await lint(doc)).toEqual([]);
  });

  it('tagging guarded by a tag-key exclusion, a pin or a Deny is not unconditioned', async () => {
    const tag = { Effect: 'Allow', Action: 'sns:TagResource', Resource: '*' };
    const excluded = { ...tag, Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': 'project' } } };
    expect(await lint(policy(publishByProject, excluded))).toEqual([]);
    const deny = {
      Effect: 'Deny',
      Action: 'sns:TagResource',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'project' } },
    };
    expect(await lint(policy(publishByProject, tag, deny))).toEqual([]);
    expect(await lint(policy(publishByProject, tag))).toEqual(['retag-unconditioned@1']);
  });

  it('a create whose aws:ResourceTag condition needs a value cannot go untagged', async () => {
    const create = { Effect: 'Allow', Action: 'sns:CreateTopic', Resource: '*' };
    const withTag = { ...create, Condition: { StringEquals: { 'aws:ResourceTag/project': P } } };
    expect(await lint(policy(publishByProject, withTag))).toEqual([]);
    const ifExists = { ...create, Condition: { StringEqualsIfExists: { 'aws:ResourceTag/project': P } } };
    expect(await lint(policy(publishByProject, ifExists))).toEqual(['create-without-request-tag@1']);
  });

  it('S3 object tags: which conditions let other keys ride along or strip every tag, in the message', async () => {
    const put = (condition: object) =>
      policy({
        Effect: 'Allow',
        Action: 's3:PutObjectTagging',
        Resource: 'arn:aws:s3:::data/*',
        Condition: { StringEquals: { 's3:ExistingObjectTag/project': P }, ...condition },
      });
    const messages = async (doc: object) => (await lintPolicy(doc)).findings.map((f) => f.message);
    const anyValue = await messages(
      put({ 'ForAnyValue:StringEquals': { 's3:RequestObjectTagKeys': ['project', 'owner'] } }),
    );
    expect(anyValue).toEqual([expect.stringMatching(/only one of the listed keys.*ride along/)]);
    const allValues = await messages(
      put({ 'ForAllValues:StringEquals': { 's3:RequestObjectTagKeys': ['project', 'owner'] } }),
    );
    expect(allValues).toEqual([expect.stringMatching(/without tags strips every tag of the object/)]);
    const pinnedForAll = await messages(
      put({ 'ForAllValues:StringEquals': { 's3:RequestObjectTag/project': P } }),
    );
    expect(pinnedForAll).toEqual([expect.stringMatching(/ForAllValues holds for an empty set/)]);
    const pinned = put({});
    const statement = pinned.Statement[0] as { Condition: { StringEquals: object } };
    statement.Condition.StringEquals = {
      's3:ExistingObjectTag/project': P,
      's3:RequestObjectTag/project': P,
    };
    expect(await messages(pinned)).toEqual([]);
  });
});
