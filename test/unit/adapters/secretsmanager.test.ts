import {
  DescribeSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { actionInfo } from '../../../src/governance/iam-data.js';
import { awsError, mockClients, mockedTagger } from '../../mocks/sdk.js';

const { secrets } = mockClients({ secrets: SecretsManagerClient });
const tagger = () => mockedTagger();
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-credentials-AbC123';

describe('Secrets Manager', () => {
  it('tags a secret with one TagResource naming it by its complete ARN', async () => {
    secrets.on(TagResourceCommand).resolves({});
    await tagger().tag(SECRET, { team: 'a', stage: 'prod' });
    expect(secrets.calls()).toHaveLength(1);
    expect(secrets.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET,
      Tags: [
        { Key: 'team', Value: 'a' },
        { Key: 'stage', Value: 'prod' },
      ],
    });
  });

  it('untags the named keys only', async () => {
    secrets.on(UntagResourceCommand).resolves({});
    await tagger().untag(SECRET, ['stage']);
    expect(secrets.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET,
      TagKeys: ['stage'],
    });
  });

  it('reads the tags from DescribeSecret, and an answer without Tags but with its ARN as {}', async () => {
    secrets
      .on(DescribeSecretCommand)
      .resolves({ ARN: SECRET, Name: 'prod/db-credentials', Tags: [{ Key: 'a', Value: '1' }] });
    expect(await tagger().list(SECRET)).toEqual({ a: '1' });
    expect(secrets.commandCalls(DescribeSecretCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET });
    // Secrets Manager leaves Tags out of the answer for a secret without tags.
    secrets.on(DescribeSecretCommand).resolves({ ARN: SECRET, Name: 'prod/db-credentials' });
    expect(await tagger().list(SECRET)).toEqual({});
  });

  it('reads an answer without the secret\'s ARN as MalformedResponse, never "no tags"', async () => {
    secrets.on(DescribeSecretCommand).resolves({});
    await expect(tagger().list(SECRET)).rejects.toMatchObject({ code: 'MalformedResponse', arn: SECRET });
    secrets.on(DescribeSecretCommand).resolves({ ARN: SECRET, Tags: 'a=1' } as object);
    await expect(tagger().list(SECRET)).rejects.toMatchObject({ code: 'MalformedResponse', arn: SECRET });
  });

  it('refuses an answer about another secret as ResourceNotFound, with both ARNs in the message', async () => {
    const other = SECRET.replace('AbC123', 'XyZ789');
    secrets.on(DescribeSecretCommand).resolves({ ARN: other, Tags: [{ Key: 'a', Value: '1' }] });
    await expect(tagger().list(SECRET)).rejects.toMatchObject({
      code: 'ResourceNotFound',
      arn: SECRET,
      message: expect.stringContaining(other),
    });
  });

  it.each([
    ['ResourceNotFoundException', 'ResourceNotFound'],
    ['InvalidRequestException', 'ServiceError'],
    ['AccessDeniedException', 'AccessDenied'],
  ])("maps Secrets Manager's %s to %s", async (error, code) => {
    secrets.on(TagResourceCommand).rejects(awsError(error, 400));
    await expect(tagger().tag(SECRET, { a: '1' })).rejects.toMatchObject({ code, arn: SECRET });
  });

  it.each([
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db', 'InvalidArn'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbC12', 'InvalidArn'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db?x-AbC123', 'InvalidArn'],
    ['arn:aws:secretsmanager::123456789012:secret:db-AbC123', 'InvalidArn'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret/db-AbC123', 'UnsupportedResource'],
    ['arn:aws:secretsmanager:us-east-1:123456789012:db-AbC123', 'UnsupportedResource'],
  ])('refuses %s before any call (%s)', async (arn, code) => {
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code });
    expect(secrets.calls()).toHaveLength(0);
  });

  it('names IAM actions that exist in AWS reference', async () => {
    const { actions } = await tagger().explain(SECRET);
    expect(actions).toEqual({
      tag: ['secretsmanager:TagResource'],
      untag: ['secretsmanager:UntagResource'],
      list: ['secretsmanager:DescribeSecret'],
    });
    for (const action of [...actions.tag, ...actions.untag, ...actions.list]) {
      expect(await actionInfo(action), action).toBeDefined();
    }
  });
});
