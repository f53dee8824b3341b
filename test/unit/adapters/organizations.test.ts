import {
  ListTagsForResourceCommand,
  OrganizationsClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import organizations from '../../../adapters/organizations.js';
import { actionInfo } from '../../../src/governance/iam-data.js';
import { testAdapter } from '../../conformance.js';
import { withoutOptionalPackage } from '../../helpers.js';
import { fakeOrganizations } from '../../mocks/fake-organizations.js';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

// LocalStack's community edition has no Organizations API (it answers 501): these mocked clients are all that
// tests the adapter, with the exact calls it sends.
const { org } = mockClients({ org: OrganizationsClient });
const tagger = () => mockedTagger();
const PREFIX = 'arn:aws:organizations::111111111111';
const ACCOUNT = `${PREFIX}:account/o-exampleorgid/222222222222`;
const OU = `${PREFIX}:ou/o-exampleorgid/ou-ab12-cdefgh34`;
const ROOT = `${PREFIX}:root/o-exampleorgid/r-ab12`;
const POLICY = `${PREFIX}:policy/o-exampleorgid/tag_policy/p-examplepolicyid111`;

describe('AWS Organizations', () => {
  it('tags an account with one TagResource naming it by its id, in us-east-1 whatever the tagger region', async () => {
    // Prepare
    org.on(TagResourceCommand).resolves({});
    // Act
    await mockedTagger({ region: 'eu-west-1' }).tag(ACCOUNT, { team: 'a', stage: 'prod' });
    // Assess
    expect(org.calls()).toHaveLength(1);
    const call = org.commandCalls(TagResourceCommand)[0];
    expect(call?.args[0].input).toEqual({
      ResourceId: '222222222222',
      Tags: [
        { Key: 'team', Value: 'a' },
        { Key: 'stage', Value: 'prod' },
      ],
    });
    expect(await call?.thisValue.config.region()).toBe('us-east-1');
  });

  it.each([
    [OU, 'ou-ab12-cdefgh34'],
    [ROOT, 'r-ab12'],
    [POLICY, 'p-examplepolicyid111'],
  ])('untags %s by its id %s, naming only the keys', async (arn, id) => {
    org.on(UntagResourceCommand).resolves({});
    await tagger().untag(arn, ['stage', 'team']);
    expect(org.calls()).toHaveLength(1);
    expect(org.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceId: id,
      TagKeys: ['stage', 'team'],
    });
  });

  it.each([
    ['aws-cn', 'cn-northwest-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ])("calls the %s partition's one endpoint region, %s", async (partition, region) => {
    org.on(TagResourceCommand).resolves({});
    await tagger().tag(ACCOUNT.replace('arn:aws:', `arn:${partition}:`), { a: '1' });
    expect(await org.commandCalls(TagResourceCommand)[0]?.thisValue.config.region()).toBe(region);
  });

  it('follows NextToken to the last page, through an empty page that is not the last, and merges the pages', async () => {
    // Prepare: AWS may answer an empty page with a NextToken; only its absence ends the list.
    org
      .on(ListTagsForResourceCommand, { ResourceId: 'r-ab12', NextToken: undefined })
      .resolves({ Tags: [{ Key: 'a', Value: '1' }], NextToken: 't1' })
      .on(ListTagsForResourceCommand, { ResourceId: 'r-ab12', NextToken: 't1' })
      .resolves({ Tags: [], NextToken: 't2' })
      .on(ListTagsForResourceCommand, { ResourceId: 'r-ab12', NextToken: 't2' })
      .resolves({ Tags: [{ Key: 'b', Value: '' }] });
    // Act
    const tags = await tagger().list(ROOT);
    // Assess
    expect(tags).toEqual({ a: '1', b: '' });
    expect(org.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input)).toEqual([
      { ResourceId: 'r-ab12', NextToken: undefined },
      { ResourceId: 'r-ab12', NextToken: 't1' },
      { ResourceId: 'r-ab12', NextToken: 't2' },
    ]);
  });

  it.each([
    ['no Tags list', {}],
    ['Tags that are not a list', { Tags: 'a=1' }],
    ['a tag without its Value', { Tags: [{ Key: 'a' }] }],
    ['the same NextToken again', { Tags: [], NextToken: 'same' }],
  ])('reads an answer with %s as MalformedResponse, never "no tags"', async (_, answer) => {
    org.on(ListTagsForResourceCommand).resolves(answer as object);
    await expect(tagger().list(OU)).rejects.toMatchObject({ code: 'MalformedResponse', arn: OU });
  });

  it.each([
    ['TargetNotFoundException', undefined, 'ResourceNotFound'],
    ['AWSOrganizationsNotInUseException', undefined, 'AccountMismatch'],
    ['ConstraintViolationException', 'MAX_TAG_LIMIT_EXCEEDED', 'TagLimitExceeded'],
    ['ConstraintViolationException', 'TAG_POLICY_VIOLATION', 'InvalidTag'],
    ['InvalidInputException', 'DUPLICATE_TAG_KEY', 'InvalidTag'],
    ['InvalidInputException', 'INVALID_PATTERN', 'ServiceError'],
    ['TooManyRequestsException', undefined, 'Throttled'],
    ['ConcurrentModificationException', undefined, 'ServiceError'],
  ])("maps Organizations' %s (%s) to %s", async (name, Reason, code) => {
    org.on(TagResourceCommand).rejects(Object.assign(awsError(name, 400), Reason ? { Reason } : {}));
    const error = await mockedTagger({ retryFor: 0 })
      .tag(ACCOUNT, { a: '1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code, arn: ACCOUNT });
    if (Reason) expect((error as Error).message).toContain(Reason);
  });

  it('says, on AccessDenied, that only the management account or a delegated administrator may call', async () => {
    org.on(ListTagsForResourceCommand).rejects(awsError('AccessDeniedException', 400));
    await expect(tagger().list(ACCOUNT)).rejects.toMatchObject({
      code: 'AccessDenied',
      message: expect.stringMatching(
        /management account \(the ARN names 111111111111\).*delegated administrator/,
      ),
    });
  });

  it('says, for credentials of an account in no organization, whose credentials to use', async () => {
    org.on(TagResourceCommand).rejects(awsError('AWSOrganizationsNotInUseException', 400));
    await expect(tagger().tag(OU, { a: '1' })).rejects.toMatchObject({
      code: 'AccountMismatch',
      message: expect.stringMatching(
        /in no organization: use credentials of the management account 111111111111/,
      ),
    });
  });

  it.each([
    ['arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', 'UnsupportedResource'],
    [`${PREFIX}:organization/o-exampleorgid`, 'UnsupportedResource'],
    [`${PREFIX}:handshake/o-exampleorgid/invite/h-examplehandshakeid111`, 'UnsupportedResource'],
    [`${PREFIX}:resourcepolicy/o-exampleorgid/rp-abcd1234`, 'UnsupportedResource'],
    [`${PREFIX}:Account/o-exampleorgid/222222222222`, 'InvalidArn'],
    ['arn:aws:organizations:us-east-1:111111111111:account/o-exampleorgid/222222222222', 'InvalidArn'],
    ['arn:aws:organizations::11111111111:account/o-exampleorgid/222222222222', 'InvalidArn'],
    [`${PREFIX}:account/o-short/222222222222`, 'InvalidArn'],
    [`${PREFIX}:account/o-ExampleOrgId/222222222222`, 'InvalidArn'],
    [`${PREFIX}:account/o-exampleorgid/22222222222`, 'InvalidArn'],
    [`${PREFIX}:account/222222222222`, 'InvalidArn'],
    [`${PREFIX}:account:o-exampleorgid/222222222222`, 'InvalidArn'],
    [`${PREFIX}:ou/o-exampleorgid/ou-ab12`, 'InvalidArn'],
    [`${PREFIX}:ou/o-exampleorgid/r-ab12`, 'InvalidArn'],
    [`${PREFIX}:root/o-exampleorgid/r-ab1`, 'InvalidArn'],
    [`${PREFIX}:policy/o-exampleorgid/p-examplepolicyid111`, 'InvalidArn'],
    [`${PREFIX}:policy/o-exampleorgid/tag_policy/p-short`, 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    await expect(tagger().list(arn)).rejects.toMatchObject({ code });
    expect(org.calls()).toHaveLength(0);
  });

  it('says an AWS managed policy cannot be tagged', async () => {
    await expect(
      tagger().list('arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess'),
    ).rejects.toThrow(/AWS managed policy \(account "aws"\)/);
  });

  it('refuses a 51st tag in one request before any call', async () => {
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    await expect(tagger().tag(ACCOUNT, tags)).rejects.toMatchObject({ code: 'TagLimitExceeded' });
    expect(org.calls()).toHaveLength(0);
  });

  it("names IAM actions that exist in AWS's reference, and the IAM resource type of each ARN", async () => {
    for (const [arn, type] of [
      [ACCOUNT, 'account'],
      [OU, 'organizationalunit'],
      [ROOT, 'root'],
      [POLICY, 'policy'],
    ] as const) {
      const explained = await tagger().explain(arn);
      expect(explained.actions).toEqual({
        tag: ['organizations:TagResource'],
        untag: ['organizations:UntagResource'],
        list: ['organizations:ListTagsForResource'],
      });
      expect(explained.iamResourceType?.name, arn).toBe(type);
    }
    for (const action of ['TagResource', 'UntagResource', 'ListTagsForResource']) {
      expect(await actionInfo(`organizations:${action}`), action).toBeDefined();
    }
  });
});

describe('AWS Organizations where its SDK client is not installed', () => {
  withoutOptionalPackage(organizations());
  it('hands its ARNs to the tagging API', async () => {
    const explained = await mockedTagger({ onNotice: () => {} }).explain(ACCOUNT);
    expect(explained.adapter).toBe('tagging-api');
  });
});

// The shared suite, on an in-memory Organizations that pages its tags two at a time.
describe('AWS Organizations on an in-memory fake', () => {
  const fake = fakeOrganizations(org);
  for (const type of ['account', 'ou', 'root', 'policy'] as const) {
    testAdapter(
      {
        name: `organizations ${type}`,
        create: async () => fake.create(type),
        missing: () => fake.missing(type),
      },
      { tagger },
    );
  }
});
