import {
  AddTagsToResourceCommand,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { actionInfo } from '../../../src/governance/iam-data.js';
import { mockAccounts } from '../../mocks/accounts.js';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { ssm } = mockClients({ ssm: SSMClient });
const tagger = () => mockedTagger();
const ARN = (resource: string, account = '123456789012') => `arn:aws:ssm:us-east-1:${account}:${resource}`;

describe('Systems Manager', () => {
  it.each([
    ['parameter/app/db/url', 'Parameter', '/app/db/url'],
    ['parameter/feature-flag', 'Parameter', 'feature-flag'],
    ['document/RunChecks', 'Document', 'RunChecks'],
    ['maintenancewindow/mw-0123456789abcdef0', 'MaintenanceWindow', 'mw-0123456789abcdef0'],
    ['patchbaseline/pb-0123456789abcdef0', 'PatchBaseline', 'pb-0123456789abcdef0'],
  ])('tags %s as ResourceType %s, ResourceId %s', async (resource, ResourceType, ResourceId) => {
    ssm.on(AddTagsToResourceCommand).resolves({});
    await tagger().tag(ARN(resource), { team: 'a' });
    expect(ssm.calls()).toHaveLength(1);
    expect(ssm.commandCalls(AddTagsToResourceCommand)[0]?.args[0].input).toEqual({
      ResourceType,
      ResourceId,
      Tags: [{ Key: 'team', Value: 'a' }],
    });
  });

  it('untags and lists a parameter by its name', async () => {
    ssm.on(RemoveTagsFromResourceCommand).resolves({});
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'a', Value: '1' }] });
    const t = tagger();
    await t.untag(ARN('parameter/app/db/url'), ['stage']);
    expect(await t.list(ARN('parameter/app/db/url'))).toEqual({ a: '1' });
    const resource = { ResourceType: 'Parameter', ResourceId: '/app/db/url' };
    expect(ssm.commandCalls(RemoveTagsFromResourceCommand)[0]?.args[0].input).toEqual({
      ...resource,
      TagKeys: ['stage'],
    });
    expect(ssm.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual(resource);
  });

  it('checks the account with STS first, and refuses an ARN of another account before any SSM call', async () => {
    const sts = mockAccounts();
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    const t = tagger();
    expect(await t.list(ARN('parameter/app/db/url'))).toEqual({});
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    await expect(t.list(ARN('parameter/app/db/url', '210987654321'))).rejects.toMatchObject({
      code: 'AccountMismatch',
    });
    expect(ssm.calls()).toHaveLength(1);
  });

  it('reads an answer without TagList as MalformedResponse, never "no tags"', async () => {
    ssm.on(ListTagsForResourceCommand).resolves({});
    await expect(tagger().list(ARN('document/RunChecks'))).rejects.toMatchObject({
      code: 'MalformedResponse',
      arn: ARN('document/RunChecks'),
    });
  });

  it.each([
    ['InvalidResourceId', 'ResourceNotFound'],
    ['TooManyTagsError', 'TagLimitExceeded'],
    ['TooManyUpdates', 'Throttled'],
    ['InvalidResourceType', 'ServiceError'],
  ])("maps Systems Manager's %s to %s", async (error, code) => {
    ssm.on(AddTagsToResourceCommand).rejects(awsError(error, 400));
    const arn = ARN('parameter/app/db/url');
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code, arn });
  });

  it.each([
    ['parameter/', 'InvalidArn'],
    ['parameter:app', 'UnsupportedResource'],
    ['association/0123abcd-1234-5678-9abc-0123456789ab', 'UnsupportedResource'],
    ['Parameter/app', 'InvalidArn'],
    ['parameter/app//url', 'InvalidArn'],
    ['parameter/app/url/', 'InvalidArn'],
    ['parameter/app url', 'InvalidArn'],
    [`parameter/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`, 'InvalidArn'],
    [`parameter/${'p'.repeat(1000)}`, 'InvalidArn'],
    ['document/ab', 'InvalidArn'],
    ['maintenancewindow/mw-123', 'InvalidArn'],
    ['patchbaseline/pb-0123456789ABCDEF0', 'InvalidArn'],
  ])('refuses %s before any call (%s)', async (resource, code) => {
    await expect(tagger().tag(ARN(resource), { a: '1' })).rejects.toMatchObject({ code });
    expect(ssm.calls()).toHaveLength(0);
  });

  it("refuses AWS's public parameters, whose ARN names no account", async () => {
    const pub =
      'arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    await expect(tagger().list(pub)).rejects.toMatchObject({ code: 'InvalidArn' });
    expect(ssm.calls()).toHaveLength(0);
  });

  it('names IAM actions that exist in AWS reference, the STS account check among them', async () => {
    const { actions } = await tagger().explain(ARN('maintenancewindow/mw-0123456789abcdef0'));
    expect(actions.tag).toEqual(['ssm:AddTagsToResource', 'sts:GetCallerIdentity']);
    for (const action of [...actions.tag, ...actions.untag, ...actions.list]) {
      expect(await actionInfo(action), action).toBeDefined();
    }
  });
});
