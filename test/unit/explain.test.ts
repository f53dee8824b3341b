import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ABAC_EXCEPTIONS } from '../../src/governance/abac-exceptions.js';
import { actionInfo } from '../../src/governance/iam-data.js';
import { policySize, requestsOfChange } from '../../src/governance/permissions.js';
import { InvalidArnError, UnsupportedResourceError } from '../../src/index.js';
import { createTagger } from '../../src/tagger.js';

const A = '123456789012';
const ARNS = [
  `arn:aws:sns:us-east-1:${A}:orders`,
  `arn:aws:sqs:us-east-1:${A}:jobs`,
  `arn:aws:lambda:us-east-1:${A}:function:f`,
  `arn:aws:lambda:us-east-1:${A}:event-source-mapping:e`,
  `arn:aws:lambda:us-east-1:${A}:code-signing-config:csc-1`,
  'arn:aws:s3:::bucket',
  'arn:aws:s3:::bucket/dir/key.txt',
  `arn:aws:ec2:us-east-1:${A}:volume/vol-00000001`,
  `arn:aws:ec2:us-east-1:${A}:security-group/sg-00000001`,
  `arn:aws:ec2:us-east-1:${A}:instance/i-00000001`,
  `arn:aws:iam::${A}:user/division/u`,
  `arn:aws:iam::${A}:role/r`,
  `arn:aws:iam::${A}:policy/p`,
  `arn:aws:iam::${A}:instance-profile/ip`,
  `arn:aws:iam::${A}:server-certificate/c`,
  `arn:aws:iam::${A}:oidc-provider/example.com`,
  `arn:aws:iam::${A}:saml-provider/s`,
  `arn:aws:iam::${A}:mfa/m`,
  `arn:aws:dynamodb:us-east-1:${A}:table/orders`,
  `arn:aws:dynamodb:us-east-1:${A}:table/orders/stream/2024-01-31T12:00:00.000`,
  `arn:aws:logs:us-east-1:${A}:log-group:g`,
  `arn:aws:logs:us-east-1:${A}:log-group:g:*`,
  `arn:aws:logs:us-east-1:${A}:destination:d`,
  `arn:aws:kinesis:us-east-1:${A}:stream/s`,
  `arn:aws:states:us-east-1:${A}:stateMachine:m`,
  `arn:aws:states:us-east-1:${A}:activity:a`,
  `arn:aws:events:us-east-1:${A}:rule/r`,
  `arn:aws:events:us-east-1:${A}:rule/bus/r`,
  `arn:aws:events:us-east-1:${A}:event-bus/bus`,
  `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  `arn:aws:secretsmanager:us-east-1:${A}:secret:db-AbCdEf`,
  `arn:aws:ssm:us-east-1:${A}:parameter/app/db/url`,
  `arn:aws:ssm:us-east-1:${A}:document/RunChecks`,
  `arn:aws:ssm:us-east-1:${A}:maintenancewindow/mw-0123456789abcdef0`,
  `arn:aws:ssm:us-east-1:${A}:patchbaseline/pb-0123456789abcdef0`,
];

const tagger = () => createTagger({ region: 'us-east-1' });

describe('explain', () => {
  it.each(ARNS)("names only actions that exist in AWS's IAM reference: %s", async (arn) => {
    const e = await tagger().explain(arn);
    const named = [e.actions, e.bulkActions].flatMap((p) => (p ? [...p.tag, ...p.untag, ...p.list] : []));
    expect(named.length).toBeGreaterThan(0);
    for (const action of named) expect(await actionInfo(action), action).toBeDefined();
    expect(e.iamResourceType?.name).toBeTruthy();
  });

  it('explains an SNS topic: its own calls, the tagging API for bulk work, the standard keys', async () => {
    const e = await tagger().explain(ARNS[0] as string);
    expect(e).toMatchObject({
      type: 'sns:topic',
      adapter: 'sns',
      actions: { tag: ['sns:TagResource'], untag: ['sns:UntagResource'], list: ['sns:ListTagsForResource'] },
      bulkActions: { tag: ['tag:TagResources', 'sns:TagResource'] },
      abac: {
        supported: true,
        resourceKeys: ['aws:ResourceTag/${TagKey}'],
        requestKeys: ['aws:RequestTag/${TagKey}', 'aws:TagKeys'],
      },
      caseInsensitiveKeys: false,
      replacesWholeSet: false,
    });
    expect(e.exceptions.map((x) => x.id)).toEqual(['tagging-api-both-permissions']);
  });

  it("explains an S3 object: S3's own condition keys, whole-set writes, 10 tags, no tagging API", async () => {
    const e = await tagger().explain('arn:aws:s3:::bucket/dir/key.txt');
    expect(e.abac.requestKeys).toEqual(['s3:RequestObjectTag/<key>', 's3:RequestObjectTagKeys']);
    expect(e.abac.resourceKeys).toContain('s3:ExistingObjectTag/<key>');
    expect(e).toMatchObject({ replacesWholeSet: true, maxTags: 10, bulkActions: undefined });
    expect(e.actions.untag).toEqual(['s3:GetObjectTagging', 's3:PutObjectTagging', 's3:DeleteObjectTagging']);
    expect(e.exceptions.map((x) => x.id)).toEqual(['s3-object-keys', 's3-whole-set']);
  });

  it('explains an S3 bucket: read-modify-write, no request keys, ABAC only where enabled', async () => {
    const e = await tagger().explain('arn:aws:s3:::bucket');
    expect(e.actions.tag).toEqual(['s3:GetBucketTagging', 's3:PutBucketTagging']);
    expect(e.abac.requestKeys).toEqual([]);
    expect(e.exceptions.map((x) => x.id)).toContain('s3-bucket-abac-opt-in');
  });

  it('explains an IAM role: case-insensitive keys, a read before each write, the STS account check', async () => {
    const e = await tagger().explain(`arn:aws:iam::${A}:role/r`);
    expect(e.caseInsensitiveKeys).toBe(true);
    expect(e.actions.tag).toEqual(['iam:GetRole', 'iam:TagRole', 'sts:GetCallerIdentity']);
    expect(e.exceptions.map((x) => x.id)).toEqual(['iam-key-case', 'iam-principal-tags', 'iam-passrole']);
    expect((await tagger().explain(`arn:aws:iam::${A}:policy/p`)).caseInsensitiveKeys).toBe(false);
  });

  it("explains a type only the tagging API serves: its actions plus the service's own tagging actions", async () => {
    const e = await tagger().explain(`arn:aws:rds:us-east-1:${A}:db:orders`);
    expect(e.adapter).toBe('tagging-api');
    expect(e.actions).toEqual({
      tag: ['tag:TagResources', 'rds:AddTagsToResource'],
      untag: ['tag:UntagResources', 'rds:RemoveTagsFromResource'],
      list: ['tag:GetResources'],
    });
  });

  it('refuses a bad ARN with a typed error, and sends nothing', async () => {
    const t = tagger();
    await expect(t.explain('arn:aws:sns:us-east-1')).rejects.toBeInstanceOf(InvalidArnError);
    await expect(t.explain(`arn:aws:iam::${A}:group/g`)).rejects.toBeInstanceOf(UnsupportedResourceError);
    expect(t.calls).toBe(0);
  });
});

describe('permissions', () => {
  it('gives each resource exactly its actions, and actions AWS authorizes only on "*" one statement', async () => {
    // Act
    const policy = await tagger().permissions(
      [
        { arn: `arn:aws:sns:us-east-1:${A}:a`, operations: ['tag'] },
        { arn: `arn:aws:sns:us-east-1:${A}:b`, operations: ['tag'] },
        { arn: `arn:aws:ec2:us-east-1:${A}:volume/vol-00000001`, operations: ['list', 'untag'] },
      ],
      { bulk: false },
    );
    // Assess
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'UnitagAnyResource',
          Effect: 'Allow',
          Action: ['ec2:DescribeTags', 'sts:GetCallerIdentity'],
          Resource: '*',
        },
        {
          Sid: 'UnitagResources1',
          Effect: 'Allow',
          Action: ['ec2:DeleteTags'],
          Resource: `arn:aws:ec2:us-east-1:${A}:volume/vol-00000001`,
        },
        {
          Sid: 'UnitagResources2',
          Effect: 'Allow',
          Action: ['sns:TagResource'],
          Resource: [`arn:aws:sns:us-east-1:${A}:a`, `arn:aws:sns:us-east-1:${A}:b`],
        },
      ],
    });
  });

  it('adds the tagging API for bulk work on the types it serves, and never for S3 objects', async () => {
    const policy = await tagger().permissions([
      { arn: `arn:aws:sqs:us-east-1:${A}:q`, operations: ['untag'] },
      { arn: 'arn:aws:s3:::bkt/k', operations: ['tag'] },
    ]);
    expect(policy.Statement[0]).toMatchObject({ Action: ['tag:UntagResources'], Resource: '*' });
    expect(JSON.stringify(policy)).not.toContain('tag:TagResources');
  });

  it("writes IAM's escapes for *, ? and $ in a name, so that the resource names that object alone", async () => {
    const policy = await tagger().permissions([{ arn: 'arn:aws:s3:::bkt/a*b?c$d', operations: ['list'] }]);
    expect(policy.Statement[0]?.Resource).toBe('arn:aws:s3:::bkt/a${*}b${?}c${$}d');
  });

  it("asks for an S3 object version's own actions", async () => {
    const [request] = requestsOfChange({ arn: 'arn:aws:s3:::bkt/k', versionId: 'v1', remove: ['x'] });
    const policy = await tagger().permissions([request as never], { bulk: false });
    expect(policy.Statement[0]?.Action).toEqual([
      's3:DeleteObjectVersionTagging',
      's3:GetObjectVersionTagging',
      's3:PutObjectVersionTagging',
    ]);
  });

  it("maps a job's changes to operations: reads always, copy sources read", () => {
    const arn = `arn:aws:sns:us-east-1:${A}:t`;
    const source = `arn:aws:sns:us-east-1:${A}:s`;
    expect(requestsOfChange({ arn, set: { a: '1' } })[0]?.operations).toEqual(['list', 'tag']);
    expect(requestsOfChange({ arn, remove: ['a'] })[0]?.operations).toEqual(['list', 'untag']);
    expect(requestsOfChange({ arn, rename: { a: 'b' } })[0]?.operations).toEqual(['list', 'tag', 'untag']);
    expect(requestsOfChange({ arn, copyFrom: source })[1]).toEqual({ arn: source, operations: ['list'] });
  });

  it('gives the same document whatever the order of the requests', async () => {
    const requests = ARNS.slice(0, 12).map((arn) => ({ arn, operations: ['tag', 'list'] as const }));
    const forward = await tagger().permissions(requests);
    const backward = await tagger().permissions([...requests].reverse());
    expect(backward).toEqual(forward);
    expect(policySize(forward)).toBe(JSON.stringify(forward).length);
  });

  it('refuses a bad ARN with a typed error, and sends nothing', async () => {
    const t = tagger();
    await expect(t.permissions([{ arn: 'not-an-arn', operations: ['tag'] }])).rejects.toBeInstanceOf(
      InvalidArnError,
    );
    expect(t.calls).toBe(0);
  });
});

describe('the exceptions table', () => {
  it('is the table docs/abac.md shows: every id with its source', () => {
    const doc = readFileSync(new URL('../../docs/abac.md', import.meta.url), 'utf8');
    for (const { id, source } of ABAC_EXCEPTIONS) {
      expect(doc).toContain(`\`${id}\``);
      expect(doc).toContain(source);
    }
    const ids = [...doc.matchAll(/^\| `([a-z0-9-]+)`\s*\|/gm)].map((m) => m[1]);
    expect(ids).toEqual(ABAC_EXCEPTIONS.map((e) => e.id));
  });
});

describe("explain and permissions at the edges of AWS's reference", () => {
  it.each([
    [`arn:aws:dms:us-east-1:${A}:endpoint:ABC`, 'Endpoint'],
    ['arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod', 'Stage'],
    ['arn:aws:apigateway:us-east-1::/apis/abc/stages/prod', 'Stage'],
  ])('matches ARN formats with "*" and several formats per type: %s', async (arn, type) => {
    expect((await tagger().explain(arn)).iamResourceType?.name).toBe(type);
  });

  it('lists as ABAC keys only keys that read tags, each on its side', async () => {
    const vpn = await tagger().explain(`arn:aws:ec2:us-east-1:${A}:vpn-connection/vpn-00000001`);
    expect(vpn.abac.resourceKeys).toEqual(['aws:ResourceTag/${TagKey}', 'ec2:ResourceTag/${TagKey}']);
    const instance = await tagger().explain(`arn:aws:ec2:us-east-1:${A}:instance/i-00000001`);
    expect(instance.abac.resourceKeys).not.toContain('ec2:InstanceMetadataTags');
    const db = await tagger().explain(`arn:aws:rds:us-east-1:${A}:db:d`);
    expect(db.abac.requestKeys).toContain('rds:req-tag/${TagKey}');
    expect(db.abac.resourceKeys).not.toContain('rds:req-tag/${TagKey}');
  });

  it("names the service's own action for a type only the tagging API serves", async () => {
    const policy = await tagger().permissions([
      { arn: `arn:aws:dms:us-east-1:${A}:endpoint:ABC`, operations: ['tag'] },
    ]);
    expect(policy.Statement[1]).toMatchObject({ Action: ['dms:AddTagsToResource'] });
  });

  it('refuses a write it cannot write a working policy for, and warns in explain', async () => {
    // An Amplify job: the tagging API takes its ARN, but no Amplify tagging action names the type.
    const job = `arn:aws:amplify:us-east-1:${A}:apps/d1a2b3c4/branches/main/jobs/0000000001`;
    await expect(tagger().permissions([{ arn: job, operations: ['tag'] }])).rejects.toMatchObject({
      code: 'UnsupportedResource',
      message: expect.stringMatching(/names no amplify action that tags or untags/),
    });
    expect((await tagger().explain(job)).warnings).toHaveLength(1);
  });

  it('says a wrong operation with a typed error, not a TypeError', async () => {
    const arn = `arn:aws:sns:us-east-1:${A}:t`;
    await expect(tagger().permissions([{ arn, operations: ['delete' as 'tag'] }])).rejects.toMatchObject({
      code: 'ConfigurationError',
      message: expect.stringMatching(/must be some of tag, untag and list/),
    });
    await expect(tagger().permissions([{ arn, operations: [] }])).rejects.toMatchObject({
      code: 'ConfigurationError',
    });
  });
});
