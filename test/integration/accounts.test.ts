import { IAMClient, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createEc2, createIam, createQueue, createTopic } from '../../fixtures/aws-resources.js';
import { ACCOUNT, awsConfig, localTagger, uniqueName } from '../helpers.js';

// LocalStack takes a 12-digit access key id as the account the credentials act in, so a second account is real
// here: what is created with OTHER_CREDENTIALS lives in account 111111111111, apart from 000000000000.
const OTHER = '111111111111';
const OTHER_CREDENTIALS = { accessKeyId: OTHER, secretAccessKey: 'test' };
const otherConfig = () => ({ ...awsConfig(), credentials: OTHER_CREDENTIALS });
const inOther = (arn: string) => arn.replace(`:${ACCOUNT}:`, `:${OTHER}:`);

/** A role's tags read straight from IAM with the given credentials, not through unitag. */
async function roleTags(name: string, credentials = awsConfig().credentials) {
  const client = new IAMClient({ ...awsConfig(), credentials });
  const out = await client.send(new ListRoleTagsCommand({ RoleName: name }));
  client.destroy();
  return out.Tags ?? [];
}

describe("the ARN's account, for services that name resources without it (IAM, EC2)", () => {
  it('refuses an IAM role ARN of another account with AccountMismatch: one STS call, no IAM call', async () => {
    // Prepare: role R exists in the caller's own account; the ARN names R in another account.
    const name = uniqueName('R');
    const own = await createIam(awsConfig(), 'role', name);
    const foreign = inOther(own);
    const tagger = localTagger();
    // Act
    const refused = await tagger.tag(foreign, { k: 'v' }).catch((error: unknown) => error);
    // Assess
    expect(refused).toMatchObject({ code: 'AccountMismatch', arn: foreign, service: 'iam' });
    expect(String((refused as Error).message)).toContain(`account ${ACCOUNT}`);
    expect(tagger.calls).toBe(1);
    expect(await roleTags(name)).toEqual([]);
    await expect(tagger.untag(foreign, ['k'])).rejects.toMatchObject({ code: 'AccountMismatch' });
    await expect(tagger.list(foreign)).rejects.toMatchObject({ code: 'AccountMismatch' });
    expect(tagger.calls).toBe(1);
  });

  it('refuses an EC2 ARN of another account, in single and bulk writes; the own resources go on', async () => {
    const [own, other] = await Promise.all([
      createEc2(awsConfig(), 'volume'),
      createEc2(awsConfig(), 'volume'),
    ]);
    const foreign = inOther(other);
    const tagger = localTagger();
    await expect(tagger.tag(foreign, { k: 'v' })).rejects.toMatchObject({ code: 'AccountMismatch' });
    const report = await tagger.tagMany([own, foreign], { bulk: 'yes' });
    expect(report.results.map((r) => [r.outcome, r.error?.code])).toEqual([
      ['changed', undefined],
      ['failed', 'AccountMismatch'],
    ]);
    const listed = await tagger.listMany([own, foreign]);
    expect(listed.results.map((r) => r.error?.code ?? r.tags)).toEqual([{ bulk: 'yes' }, 'AccountMismatch']);
    expect(await tagger.list(other)).toEqual({});
  });

  it('uses credentialsForAccount for the ARN of another account, and checks them the same way', async () => {
    // Prepare: a role of the same name in each account.
    const name = uniqueName('twin');
    const own = await createIam(awsConfig(), 'role', name);
    const foreign = await createIam(otherConfig(), 'role', name);
    expect(foreign).toBe(inOther(own));
    const tagger = localTagger({
      credentialsForAccount: (id) => (id === OTHER ? OTHER_CREDENTIALS : undefined),
    });
    // Act
    await tagger.tag(foreign, { account: 'other' });
    // Assess: the other account's role is tagged, the caller's own twin is not.
    expect(await roleTags(name, OTHER_CREDENTIALS)).toEqual([{ Key: 'account', Value: 'other' }]);
    expect(await roleTags(name)).toEqual([]);
    expect(tagger.calls).toBe(3); // STS for account 111111111111's credentials, GetRole, TagRole

    const wrong = localTagger({
      credentialsForAccount: () => ({ accessKeyId: '222222222222', secretAccessKey: 'test' }),
    });
    await expect(wrong.tag(foreign, { k: 'v' })).rejects.toMatchObject({ code: 'AccountMismatch' });
    expect(await roleTags(name, OTHER_CREDENTIALS)).toEqual([{ Key: 'account', Value: 'other' }]);
  });

  it('asks STS once per credentials set, counts it in calls, and not at all for SNS or SQS', async () => {
    const [topic, queue, volume, role1, role2] = await Promise.all([
      createTopic(awsConfig(), uniqueName('t')),
      createQueue(awsConfig(), uniqueName('q')),
      createEc2(awsConfig(), 'volume'),
      createIam(awsConfig(), 'role', uniqueName('r1')),
      createIam(awsConfig(), 'role', uniqueName('r2')),
    ]);
    const tagger = localTagger();
    await tagger.tag(topic, { a: '1' });
    await tagger.tag(queue, { a: '1' });
    expect(tagger.calls).toBe(2); // TagResource, TagQueue: the topic ARN and queue URL carry the account
    await tagger.tag(role1, { a: '1' });
    expect(tagger.calls).toBe(5); // + GetCallerIdentity, GetRole, TagRole
    await tagger.tag(role2, { a: '1' });
    await tagger.tag(volume, { a: '1' });
    expect(tagger.calls).toBe(8); // + GetRole, TagRole, CreateTags: no second GetCallerIdentity
  });
});

describe('IAM paths: an ARN acts only on the entity at the path it names', () => {
  it.each([
    ['another path', (name: string) => `arn:aws:iam::${ACCOUNT}:role/other/${name}`],
    ['no path', (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`],
  ])('a role ARN with %s is ResourceNotFound, and the real role keeps its tags', async (_, arnOf) => {
    const name = uniqueName('pathed');
    const real = await createIam(awsConfig(), 'role', name); // at /service/
    const tagger = localTagger();
    await tagger.tag(real, { keep: 'me' });
    const wrong = arnOf(name);
    const refused = await tagger.tag(wrong, { keep: 'overwritten' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'ResourceNotFound', arn: wrong });
    expect(String((refused as Error).message)).toContain(`role/service/${name}`);
    await expect(tagger.untag(wrong, ['keep'])).rejects.toMatchObject({ code: 'ResourceNotFound' });
    await expect(tagger.list(wrong)).rejects.toMatchObject({ code: 'ResourceNotFound' });
    const planned = await tagger.plan([{ arn: wrong, remove: ['keep'] }]);
    expect(planned.entries[0]).toMatchObject({ status: 'failed', error: { code: 'ResourceNotFound' } });
    expect(await tagger.list(real)).toEqual({ keep: 'me' });
  });

  it('a user ARN with another path is ResourceNotFound', async () => {
    const name = uniqueName('u');
    const real = await createIam(awsConfig(), 'user', name); // at /division/team/
    const tagger = localTagger();
    await expect(
      tagger.tag(`arn:aws:iam::${ACCOUNT}:user/division/${name}`, { a: '1' }),
    ).rejects.toMatchObject({ code: 'ResourceNotFound' });
    expect(await tagger.list(real)).toEqual({});
  });
});
