import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidPolicyError } from '../../src/core/errors.js';
import { holdsWithoutKey, parsePolicyText, readPolicy } from '../../src/governance/iam-policy.js';

const statement = (fields: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Resource: '*', ...fields }] });

/** The message of the InvalidPolicyError that reading `text` throws (fails the test on any other outcome). */
async function refusal(text: string): Promise<string> {
  const error = await readPolicy(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidPolicyError);
  expect((error as InvalidPolicyError).code).toBe('InvalidPolicy');
  return (error as Error).message;
}

describe('readPolicy: what it refuses, and what the message says to fix', () => {
  it.each([
    [
      'not JSON, with where',
      '{\n  "Version": "2012-10-17",\n  "Statement": }',
      /not JSON at line 3, column 16/,
    ],
    ['cut short', '{"Statement": [', /not JSON at line 1, column 16/],
    ['not an object', '["sns:Publish"]', /not an IAM policy: expected a JSON object/],
    ['no Statement', '{"Version": "2012-10-17"}', /has no Statement.*"Statement": \[/],
    ['a tag policy', '{"tags": {"team": {}}}', /tag policy; lint-policy reads IAM identity policies/],
    [
      'an unknown Version',
      '{"Version": "2020-01-01", "Statement": []}',
      /Version "2020-01-01".*"2012-10-17"/,
    ],
    ['a Statement string', '{"Statement": "Allow"}', /Statement must be an object or an array/],
    ['a statement string', '{"Statement": ["Allow"]}', /Statement\[0\]: a statement must be a JSON object/],
    [
      'an unknown top-level element',
      '{"Versoin": "2012-10-17", "Statement": []}',
      /the policy has an unknown element "Versoin": did you mean "Version"\?/,
    ],
    [
      'a far-off top-level element',
      '{"Statement": [], "Extra": 1}',
      /unknown element "Extra" \(a policy has Version, Id, Statement\)/,
    ],
    ['an Id that is not a string', '{"Id": 5, "Statement": []}', /Id must be a string/],
    [
      'two Statements',
      '{\n  "Statement": [],\n  "Statement": []\n}',
      /the key "Statement" is given twice in one object \(lines 2 and 3\): IAM refuses a policy with duplicate keys/,
    ],
    [
      'a key given twice through an escape',
      '{"Statement": [], "\\u0053tatement": []}',
      /the key "Statement" is given twice/,
    ],
  ])('%s', async (_, text, message) => {
    expect(await refusal(text)).toMatch(message);
  });

  it.each([
    ['no Effect', { Effect: undefined, Action: 'sns:Publish' }, /has no Effect: add "Effect": "Allow"/],
    [
      'a wrong Effect',
      { Effect: 'allow', Action: 'sns:Publish' },
      /Effect must be "Allow" or "Deny", not "allow"/,
    ],
    ['no Action', {}, /has no Action: add "Action" \(or "NotAction"\)/],
    ['both', { Action: 'sns:Publish', NotAction: 'sns:Publish' }, /both Action and NotAction/],
    ['an Action number', { Action: 5 }, /Action must be a string or a non-empty array of strings, not 5/],
    ['an empty Action', { Action: [] }, /Action must be a string or a non-empty array/],
    [
      'a Principal',
      { Action: 'sns:Publish', Principal: '*' },
      /Principal belongs in resource-based policies/,
    ],
    [
      'a misspelt element',
      { Action: 'sns:Publish', action: 'x' },
      /unknown element "action": did you mean "Action"/,
    ],
    ['a Condition list', { Action: 'sns:Publish', Condition: [] }, /Condition must be an object/],
    [
      'an operator',
      { Action: 'sns:Publish', Condition: { StringEq: { k: 'v' } } },
      /unknown condition operator "StringEq"/,
    ],
    [
      'a nested value',
      { Action: 'sns:Publish', Condition: { Bool: { k: { a: 1 } } } },
      /value of Bool k must be/,
    ],
    ['no service', { Action: 'Publish' }, /"Publish" is not an action: write service:Action/],
    ['an unknown service', { Action: 'snss:Publish' }, /knows no service "snss": did you mean "sns"\?/],
    [
      'a typo',
      { Action: 'sns:Publsh' },
      /"sns:Publsh" is not an action of sns.*did you mean "sns:Publish"\?/,
    ],
    ['a singular', { Action: 'tag:TagResource' }, /did you mean "tag:TagResources"\?/],
    [
      'no near name',
      { Action: 'sns:Frobnicate' },
      /"sns:Frobnicate" is not an action of sns in AWS's reference$/,
    ],
    ['a wildcard matching nothing', { Action: 'sns:Frob*' }, /"sns:Frob\*" matches no action/],
    ['no Resource', { Action: 'sns:Publish', Resource: undefined }, /has no Resource/],
  ])('a statement with %s', async (_, fields, message) => {
    const text = statement({ Sid: 'S1', ...fields });
    expect(await refusal(text)).toMatch(/^Statement\[0\] \(Sid "S1", line 1\): /);
    expect(await refusal(text)).toMatch(message);
  });

  it('refuses a key given twice anywhere in the document, naming it and its lines', async () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sns:Publish",
      "Resource": "*",
      "Condition": { "StringEquals": { "aws:ResourceTag/project": "a" } },
      "Condition": { "Bool": { "aws:SecureTransport": "true" } }
    },
    {
      "Effect": "Allow",
      "Action": "sns:Publish",
      "Resource": "*",
      "Condition": {
        "StringEquals": { "aws:ResourceTag/project": "a", "aws:ResourceTag/project": "b" }
      }
    }
  ]
}`;
    expect(await refusal(text)).toMatch(/the key "Condition" is given twice in one object \(lines 8 and 9\)/);
    const nested = text.replace(/,\s*"Condition": \{ "Bool"[^\n]*/, '');
    expect(await refusal(nested)).toMatch(
      /the key "aws:ResourceTag\/project" is given twice in one object \(lines 15 and 15\)/,
    );
  });

  it('takes an Id, and keys that differ only in case are not duplicates', async () => {
    const policy = await readPolicy(
      '{"Id": "p1", "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*", ' +
        '"Condition": {"StringEquals": {"aws:ResourceTag/project": "a", "aws:ResourceTag/Project": "a"}}}}',
    );
    expect(policy.statements[0]?.conditions).toHaveLength(2);
  });

  it('finds the line of every statement of a long policy', () => {
    const statements = Array.from(
      { length: 500 },
      (_, i) => `    {"Sid": "S${i}", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}`,
    );
    const text = `{\n  "Statement": [\n${statements.join(',\n')}\n  ]\n}`;
    expect(parsePolicyText(text).statements.map((s) => s.line)).toEqual(statements.map((_, i) => i + 3));
  });

  it('takes a byte-order mark before the document, as some editors write it', () => {
    const policy = parsePolicyText(
      '\uFEFF{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}',
    );
    expect(policy.statements).toHaveLength(1);
  });

  it('names the statement by index, Sid and line', async () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": "sns:Publish", "Resource": "*" },
    {
      "Sid": "Second",
      "Effect": "Allow",
      "Action": "sns:Nothing",
      "Resource": "*"
    }
  ]
}`;
    expect(await refusal(text)).toMatch(/^Statement\[1\] \(Sid "Second", line 5\): "sns:Nothing"/);
    expect(parsePolicyText(text).statements.map((s) => s.line)).toEqual([4, 5]);
  });
});

describe('readPolicy: what it reads', () => {
  it('reads a single statement object, conditions with set prefixes and IfExists, values as strings', async () => {
    const policy = await readPolicy({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Deny',
        NotAction: ['sns:Tag*', 'SNS:untagresource'],
        NotResource: 'arn:aws:sns:*:*:keep',
        Condition: {
          'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['project', 'team'] },
          StringEqualsIfExists: { 'aws:ResourceTag/__proto__': '${aws:PrincipalTag/__proto__}' },
          NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
        },
      },
    });
    expect(policy.statements).toEqual([
      {
        index: 0,
        sid: undefined,
        line: undefined,
        effect: 'Deny',
        actions: ['sns:Tag*', 'SNS:untagresource'],
        notAction: true,
        resources: ['arn:aws:sns:*:*:keep'],
        notResource: true,
        conditions: [
          {
            operator: 'ForAllValues:StringNotEquals',
            test: 'StringNotEquals',
            set: 'ForAllValues',
            ifExists: false,
            key: 'aws:TagKeys',
            values: ['project', 'team'],
          },
          {
            operator: 'StringEqualsIfExists',
            test: 'StringEquals',
            set: undefined,
            ifExists: true,
            key: 'aws:ResourceTag/__proto__',
            values: ['${aws:PrincipalTag/__proto__}'],
          },
          {
            operator: 'NumericLessThan',
            test: 'NumericLessThan',
            set: undefined,
            ifExists: false,
            key: 'aws:MultiFactorAuthAge',
            values: ['3600'],
          },
        ],
      },
    ]);
  });

  it.each([
    ['sns:Publish'],
    ['SNS:publish'],
    ['sns:Tag*'],
    ['sns:?ublish'],
    ['sns:*'],
    ['*'],
    ['s*:Publish'],
  ])('takes the action pattern %s (IAM matches actions case-insensitively, with * and ?)', async (action) => {
    const policy = await readPolicy(statement({ Action: action }));
    expect(policy.statements[0]?.actions).toEqual([action]);
  });

  it("says whether a condition holds for a request without its key (IAM's rule for absent keys)", async () => {
    const conditionsOf = async (condition: object) =>
      (await readPolicy(statement({ Action: 'sns:Publish', Condition: condition }))).statements[0]
        ?.conditions ?? [];
    const holds = async (condition: object) => (await conditionsOf(condition)).map(holdsWithoutKey);
    expect(await holds({ StringEquals: { k: 'v' }, StringNotEquals: { j: 'v' } })).toEqual([false, true]);
    expect(
      await holds({ StringEqualsIfExists: { k: 'v' }, 'ForAllValues:StringEquals': { j: 'v' } }),
    ).toEqual([true, true]);
    expect(await holds({ 'ForAnyValue:StringNotEquals': { k: 'v' } })).toEqual([false]);
    expect(await holds({ Null: { k: 'true', j: 'false' } })).toEqual([true, false]);
  });
});

describe('readPolicy never fails with anything but InvalidPolicyError', () => {
  const outcome = async (input: string) => {
    try {
      await readPolicy(input);
      return 'read';
    } catch (error) {
      return error instanceof InvalidPolicyError ? 'refused' : error;
    }
  };

  it('on any text and any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (text) => {
        expect(['read', 'refused']).toContain(await outcome(text));
      }),
      { numRuns: 300 },
    );
  });

  it('on documents shaped like policies', async () => {
    const value = fc.oneof(
      fc.anything(),
      fc.constantFrom(
        'Allow',
        'Deny',
        '*',
        'sns:Publish',
        'sns:Tag*',
        'iam:Pass?ole',
        'x:y',
        'arn:aws:sns:*:*:*',
      ),
    );
    const element = fc.constantFrom(
      'Sid',
      'Effect',
      'Action',
      'NotAction',
      'Resource',
      'Condition',
      'Principal',
    );
    const anyStatement = fc.oneof(fc.dictionary(element, value), value);
    const document = fc.record(
      {
        Version: fc.constantFrom('2012-10-17', '2008-10-17', 1),
        Statement: fc.oneof(anyStatement, fc.array(anyStatement)),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(document, async (doc) => {
        expect(['read', 'refused']).toContain(await outcome(JSON.stringify(doc)));
      }),
      { numRuns: 300 },
    );
  });
});
