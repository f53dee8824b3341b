// Checks against each account's effective tag policy, read from AWS Organizations with DescribeEffectivePolicy.
// LocalStack's community edition has no Organizations API (it answers 501), so the SDK is mocked here: these tests
// are the only cover of --from-organizations.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeEffectivePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTagsForResourceCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { checkMany } from '../../src/governance/tag-policy-check.js';
import { organizationsPackage } from '../../src/governance/tag-policy-organizations.js';
import { OWN_ACCOUNT } from '../mocks/accounts.js';
import { awsError, mockClients, mockedTagger } from '../mocks/sdk.js';

const { org, sns, s3 } = mockClients({ org: OrganizationsClient, sns: SNSClient, s3: S3Client });
const tagger = () => mockedTagger({ preferTaggingApi: false });

const topic = (account: string, name: string) => `arn:aws:sns:us-east-1:${account}:${name}`;
const BUCKET = 'arn:aws:s3:::logs';
const POLICY_111 = { tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['100'] } } };
const POLICY_222 = { tags: { owner: { tag_key: 'Owner', required: true } } };

/** Organizations answers each account's effective policy from `policies`; an account not there has none. */
function answerPolicies(policies: Record<string, object>) {
  org.on(DescribeEffectivePolicyCommand).callsFake(async ({ TargetId }: { TargetId: string }) => {
    const policy = policies[TargetId];
    if (!policy) throw awsError('EffectivePolicyNotFoundException', 400);
    return {
      EffectivePolicy: { PolicyContent: JSON.stringify(policy), TargetId, PolicyType: 'TAG_POLICY' },
    };
  });
}

/** SNS and S3 answer the tags of each resource from `tags`. */
function answerTags(tags: Record<string, Record<string, string>>) {
  const list = (arn: string) => Object.entries(tags[arn] ?? {}).map(([Key, Value]) => ({ Key, Value }));
  sns.on(ListTagsForResourceCommand).callsFake(async ({ ResourceArn }) => ({ Tags: list(ResourceArn) }));
  s3.on(GetBucketTaggingCommand).callsFake(async ({ Bucket }) => ({
    TagSet: list(`arn:aws:s3:::${Bucket}`),
  }));
}

const describeCalls = () => org.commandCalls(DescribeEffectivePolicyCommand).map((c) => c.args[0].input);

describe('checkMany({ fromOrganizations: true })', () => {
  it("checks each resource against its account's effective policy: one DescribeEffectivePolicy per account", async () => {
    // Prepare: two topics of 111111111111, one of 222222222222, a bucket (no account: the credentials').
    const [a1, a2, b1] = [
      topic('111111111111', 'a1'),
      topic('111111111111', 'a2'),
      topic('222222222222', 'b1'),
    ];
    answerPolicies({ '111111111111': POLICY_111, '222222222222': POLICY_222, [OWN_ACCOUNT]: POLICY_222 });
    answerTags({
      [a1]: { CostCenter: '100' },
      [a2]: { costcenter: '999' },
      [b1]: {},
      [BUCKET]: { Owner: 'me' },
    });
    // Act
    const report = await checkMany(tagger(), { fromOrganizations: true }, [a1, a2, b1, BUCKET, a1]);
    // Assess
    expect(describeCalls()).toEqual([
      { PolicyType: 'TAG_POLICY', TargetId: '111111111111' },
      { PolicyType: 'TAG_POLICY', TargetId: '222222222222' },
      { PolicyType: 'TAG_POLICY', TargetId: OWN_ACCOUNT },
    ]);
    const call = org.commandCalls(DescribeEffectivePolicyCommand)[0];
    expect(await call?.thisValue.config.region()).toBe('us-east-1');
    expect(report.results.map((r) => [r.arn, r.account, r.outcome, r.findings.map((f) => f.kind)])).toEqual([
      [a1, '111111111111', 'compliant', []],
      [a2, '111111111111', 'noncompliant', ['key-case']],
      [b1, '222222222222', 'noncompliant', ['required-missing']],
      [BUCKET, OWN_ACCOUNT, 'compliant', []],
    ]);
    expect(Object.keys(report.policies ?? {}).sort()).toEqual(
      ['111111111111', '222222222222', OWN_ACCOUNT].sort(),
    );
    expect(report.totals).toMatchObject({ total: 4, compliant: 2, noncompliant: 2 });
  });

  it('an account without tag policy has an empty one: its resources are compliant', async () => {
    answerPolicies({});
    answerTags({});
    const report = await checkMany(tagger(), { fromOrganizations: true }, [topic('333333333333', 't')]);
    expect(report.results[0]).toMatchObject({ outcome: 'compliant', account: '333333333333' });
    expect(report.policies).toEqual({ '333333333333': { rules: [] } });
  });

  it('fails the resources of an account whose policy AWS refuses, saying what to do, and does not read them', async () => {
    const [a, b] = [topic('111111111111', 'a'), topic('222222222222', 'b')];
    org
      .on(DescribeEffectivePolicyCommand, { TargetId: '111111111111' })
      .resolves({ EffectivePolicy: { PolicyContent: JSON.stringify(POLICY_111), TargetId: '111111111111' } })
      .on(DescribeEffectivePolicyCommand, { TargetId: '222222222222' })
      .rejects(awsError('AccessDeniedException', 400));
    answerTags({ [a]: { CostCenter: '100' } });
    const report = await checkMany(tagger(), { fromOrganizations: true }, [a, b]);
    expect(report.results.map((r) => r.outcome)).toEqual(['compliant', 'failed']);
    expect(report.results[1]?.error).toMatchObject({ code: 'AccessDenied', service: 'organizations' });
    expect(report.results[1]?.error?.message).toMatch(
      /DescribeEffectivePolicy of account 222222222222 was refused .*management account, or a delegated administrator.*--policy root\.json --policy ou\.json/,
    );
    expect(sns.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([a]);
  });

  it.each([
    ['AWSOrganizationsNotInUseException', 'ConfigurationError', /belong to no organization/],
    ['TargetNotFoundException', 'ResourceNotFound', /Account 111111111111 is not in the organization/],
    ['TooManyRequestsException', 'Throttled', /TooManyRequestsException/],
  ])("types Organizations' %s as %s", async (name, code, message) => {
    org.on(DescribeEffectivePolicyCommand).rejects(awsError(name, 400));
    const error = await tagger()
      .organizationTagPolicy('111111111111', { signal: AbortSignal.timeout(60_000) })
      .catch((e) => e);
    expect(error).toMatchObject({ code });
    expect(error.message).toMatch(message);
  });

  it.each([
    ['no EffectivePolicy', {}],
    ['a PolicyContent that is not JSON', { EffectivePolicy: { PolicyContent: '{"tags": ' } }],
    ['a PolicyContent that is no tag policy', { EffectivePolicy: { PolicyContent: '{"Statement": []}' } }],
    [
      'another policy type',
      { EffectivePolicy: { PolicyContent: '{"tags": {}}', PolicyType: 'BACKUP_POLICY' } },
    ],
    ['another account', { EffectivePolicy: { PolicyContent: '{"tags": {}}', TargetId: '999999999999' } }],
  ])('reads an answer with %s as MalformedResponse', async (_, answer) => {
    org.on(DescribeEffectivePolicyCommand).resolves(answer as object);
    await expect(tagger().organizationTagPolicy('111111111111')).rejects.toMatchObject({
      code: 'MalformedResponse',
      service: 'organizations',
    });
  });

  it("calls each partition's Organizations endpoint: us-east-1, cn-northwest-1, us-gov-west-1", async () => {
    answerPolicies({});
    const t = tagger();
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov']) {
      await t.organizationTagPolicy('111111111111', { partition });
    }
    const regions = await Promise.all(
      org.commandCalls(DescribeEffectivePolicyCommand).map((c) => c.thisValue.config.region()),
    );
    expect(regions).toEqual(['us-east-1', 'cn-northwest-1', 'us-gov-west-1']);
  });

  it('refuses a bad account or partition before any call', async () => {
    await expect(tagger().organizationTagPolicy('12345')).rejects.toThrow(
      /organizationTagPolicy: account must be a 12-digit account id/,
    );
    await expect(tagger().organizationTagPolicy('111111111111', { partition: 'mars' })).rejects.toMatchObject(
      {
        code: 'ConfigurationError',
      },
    );
    expect(org.calls()).toHaveLength(0);
  });

  it('without @aws-sdk/client-organizations: ClientMissing, before any call', async () => {
    const installed = vi.spyOn(organizationsPackage, 'installed').mockReturnValue(false);
    // A fresh STS mock records any call (the bucket names no account: its account would come from STS).
    const sts = mockClient(STSClient);
    try {
      await expect(tagger().organizationTagPolicy('111111111111')).rejects.toMatchObject({
        code: 'ClientMissing',
        packageName: '@aws-sdk/client-organizations',
      });
      await expect(
        checkMany(tagger(), { fromOrganizations: true }, [topic('111111111111', 'a'), BUCKET]),
      ).rejects.toThrow(/@aws-sdk\/client-organizations is not installed.*npm install/);
      expect(org.calls()).toHaveLength(0);
      expect(sns.calls()).toHaveLength(0);
      expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
    } finally {
      installed.mockRestore();
    }
  });
});

describe('unitag check --from-organizations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unitag-check-org-'));

  /** Runs the CLI in this process, on the mocked clients. */
  async function unitag(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((c) => err.push(String(c)) > 0);
    try {
      const code = await main(['--region', 'us-east-1', '--no-progress', '--no-tagging-api', ...args]);
      return { code, stdout: out.join(''), stderr: err.join('') };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }

  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'a');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'b');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("checks each resource against its account's policy and fixes each by it: one call per account", async () => {
    const [a, b, c] = [topic('111111111111', 'a'), topic('222222222222', 'b'), topic('111111111111', 'c')];
    answerPolicies({
      '111111111111': POLICY_111,
      '222222222222': { tags: { costcenter: { tag_key: 'COSTCENTER' } } },
    });
    answerTags({ [a]: { costcenter: '100' }, [b]: { costcenter: '1' }, [c]: { CostCenter: '100' } });
    const fix = join(dir, 'fix.ndjson');
    const run = await unitag(['check', '--from-organizations', a, b, c, '--fix', fix, '-o', 'json']);
    expect(run.code).toBe(1);
    expect(describeCalls()).toEqual([
      { PolicyType: 'TAG_POLICY', TargetId: '111111111111' },
      { PolicyType: 'TAG_POLICY', TargetId: '222222222222' },
    ]);
    const output = JSON.parse(run.stdout);
    expect(output.resources.map((r: { outcome: string }) => r.outcome)).toEqual([
      'noncompliant',
      'noncompliant',
      'compliant',
    ]);
    // Lines of several accounts: each carries its account, and the envelope the totals of each.
    expect(output.resources.map((r: { account: string }) => r.account)).toEqual([
      '111111111111',
      '222222222222',
      '111111111111',
    ]);
    expect(output.accounts['111111111111']).toMatchObject({ total: 2, compliant: 1, noncompliant: 1 });
    expect(output.accounts['222222222222']).toMatchObject({ total: 1, noncompliant: 1, findings: 1 });
    const changes = readFileSync(fix, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(changes).toEqual([
      { arn: a, rename: { costcenter: 'CostCenter' } },
      { arn: b, rename: { costcenter: 'COSTCENTER' } },
    ]);
  });

  it('refuses --policy with --from-organizations, and neither, before any call', async () => {
    const both = await unitag([
      'check',
      '--policy',
      'p.json',
      '--from-organizations',
      topic('111111111111', 'a'),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--policy and --from-organizations exclude each other/);
    const neither = await unitag(['check', topic('111111111111', 'a')]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/give the tag policy: --policy FILE .*or --from-organizations/);
    expect(org.calls()).toHaveLength(0);
  });

  it('without @aws-sdk/client-organizations: ClientMissing, naming the package, before any call', async () => {
    const installed = vi.spyOn(organizationsPackage, 'installed').mockReturnValue(false);
    try {
      const run = await unitag(['check', '--from-organizations', topic('111111111111', 'a')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/unitag: @aws-sdk\/client-organizations is not installed/);
      expect(org.calls()).toHaveLength(0);
      expect(sns.calls()).toHaveLength(0);
    } finally {
      installed.mockRestore();
    }
  });
});
