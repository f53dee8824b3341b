import { describe, expect, it } from 'vitest';
import { InvalidPolicyError } from '../../src/core/errors.js';
import { lintPolicies, lintPolicy } from '../../src/governance/policy-lint.js';

const P = '${aws:PrincipalTag/project}';
const policy = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const publishOwn = {
  Sid: 'PublishOwn',
  Effect: 'Allow',
  Action: 'sns:Publish',
  Resource: '*',
  Condition: { StringEquals: { 'aws:ResourceTag/project': P } },
};
const retagOwn = {
  Sid: 'RetagOwn',
  Effect: 'Allow',
  Action: ['sns:TagResource', 'sns:UntagResource'],
  Resource: 'arn:aws:sns:*:*:*',
  Condition: { StringEquals: { 'aws:ResourceTag/project': P } },
};
const rules = (r: { findings: { rule: string }[] }) => r.findings.map((f) => f.rule);

describe('lintPolicies: identity policies, a resource policy, a boundary and SCPs', () => {
  it('reads identity policies together and names each finding by its policy', async () => {
    const result = await lintPolicies({
      identity: [
        { name: 'publish.json', policy: policy(publishOwn) },
        { name: 'tag.json', policy: JSON.stringify(policy(retagOwn), null, 2) },
      ],
    });
    expect(result.findings).toEqual([
      expect.objectContaining({
        rule: 'retag-away',
        statement: { policy: 'tag.json', index: 0, sid: 'RetagOwn', line: 4 },
      }),
    ]);
    expect(result.closed).toEqual([]);
    // Unnamed policies are named by their place.
    const unnamed = await lintPolicies({ identity: [policy(publishOwn), policy(retagOwn)] });
    expect(unnamed.findings[0]?.statement.policy).toBe('identity[1]');
  });

  it('a boundary that does not allow the action, or guards the key, closes the hole', async () => {
    const identity = [policy(publishOwn, retagOwn)];
    const readOnly = policy({ Effect: 'Allow', Action: ['sns:Publish', 'sns:List*'], Resource: '*' });
    expect(await lintPolicies({ identity, boundary: readOnly })).toMatchObject({
      findings: [],
      closed: [{ rule: 'retag-away', closedBy: 'boundary' }],
    });
    const guarding = policy({
      Effect: 'Allow',
      Action: 'sns:*',
      Resource: '*',
      Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': 'project' } },
    });
    expect(rules(await lintPolicies({ identity, boundary: guarding }))).toEqual([]);
    const open = policy({ Effect: 'Allow', Action: 'sns:*', Resource: '*' });
    expect(rules(await lintPolicies({ identity, boundary: open }))).toEqual(['retag-away']);
    // A boundary of Denies only allows nothing.
    const denies = policy({ Effect: 'Deny', Action: 'iam:*', Resource: '*' });
    expect(rules(await lintPolicies({ identity, boundary: denies }))).toEqual([]);
  });

  it("SCPs: each must allow; one of Denies only is a deny list beside Organizations' FullAWSAccess", async () => {
    const identity = [policy(publishOwn, retagOwn)];
    const denyOther = policy({ Effect: 'Deny', Action: 'ec2:*', Resource: '*' });
    expect(rules(await lintPolicies({ identity, scps: [denyOther] }))).toEqual(['retag-away']);
    const allowList = policy({ Effect: 'Allow', Action: ['sns:Publish'], Resource: '*' });
    expect(await lintPolicies({ identity, scps: [denyOther, allowList] })).toMatchObject({
      findings: [],
      closed: [{ closedBy: 'scp scp[1]' }],
    });
    // AWS's example SCP that keeps tags from being changed except by administrators: two conditions and an
    // exception by principal ARN. For the principal whose policy is read, it denies setting project to another
    // value and removing it: a guard.
    const protectTags = policy({
      Effect: 'Deny',
      Action: ['sns:TagResource', 'sns:UntagResource'],
      Resource: '*',
      Condition: {
        StringNotEquals: {
          'aws:RequestTag/project': P,
          'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/org-admins/iam-admin',
        },
        'ForAnyValue:StringEquals': { 'aws:TagKeys': ['project'] },
      },
    });
    expect(rules(await lintPolicies({ identity, scps: [protectTags] }))).toEqual([]);
  });

  it('a resource policy grants as an identity policy does, with its Principal', async () => {
    const bucketPolicy = policy({
      Sid: 'AnyoneInTheAccountTags',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 's3:PutObjectTagging',
      Resource: 'arn:aws:s3:::data/*',
    });
    const read = policy({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::data/*',
      Condition: { StringEquals: { 's3:ExistingObjectTag/project': P } },
    });
    const result = await lintPolicies({ identity: [read], resourcePolicy: bucketPolicy });
    expect(result.findings).toEqual([
      expect.objectContaining({
        rule: 'retag-unconditioned',
        statement: { policy: 'resource policy', index: 0, sid: 'AnyoneInTheAccountTags' },
      }),
    ]);
    // In an identity policy, a Principal is refused.
    await expect(lintPolicies({ identity: [bucketPolicy] })).rejects.toThrow(
      /identity\[0\]: .*Principal belongs/,
    );
  });

  it('a Deny without condition over the actions closes the finding, in one policy too', async () => {
    const deny = { Sid: 'NoTagging', Effect: 'Deny', Action: 'sns:*Resource', Resource: '*' };
    const result = await lintPolicy(policy(publishOwn, retagOwn, deny));
    expect(result).toMatchObject({
      findings: [],
      closed: [{ rule: 'retag-away', closedBy: 'deny Statement[2]' }],
    });
  });

  it.each([
    ['no identity policy', { identity: [] }, /at least one identity policy/],
    ['identity not a list', { identity: policy(publishOwn) }, /at least one identity policy/],
    [
      'scps not a list',
      { identity: [policy(publishOwn)], scps: policy(publishOwn) },
      /scps must be an array/,
    ],
    [
      'a second policy that is not JSON',
      { identity: [policy(publishOwn), { name: 'b.json', policy: '{"Statement": [' }] },
      /^b\.json: the policy is not JSON/,
    ],
    [
      'a boundary with an unknown action',
      {
        identity: [policy(publishOwn)],
        boundary: policy({ Effect: 'Allow', Action: 'sns:Publsh', Resource: '*' }),
      },
      /^boundary: Statement\[0\]: "sns:Publsh"/,
    ],
  ])('%s is an InvalidPolicyError that names the policy', async (_, set, message) => {
    const error = await lintPolicies(set as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPolicyError);
    expect((error as InvalidPolicyError).code).toBe('InvalidPolicy');
    expect((error as Error).message).toMatch(message);
  });
});
