import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetServerCertificateCommand,
  GetUserCommand,
  IAMClient,
  ListMFADeviceTagsCommand,
  ListPolicyTagsCommand,
  TagInstanceProfileCommand,
  TagMFADeviceCommand,
  TagRoleCommand,
  TagSAMLProviderCommand,
  TagServerCertificateCommand,
  TagUserCommand,
  UntagRoleCommand,
  UntagSAMLProviderCommand,
  UntagServerCertificateCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockClients, mockedTagger } from '../../mocks/sdk.js';

const { iam } = mockClients({ iam: IAMClient });
const tagger = () => mockedTagger({ region: 'eu-west-1' });

describe('IAM (mocked: what LocalStack does not reproduce)', () => {
  const USER = 'arn:aws:iam::123456789012:user/division/team/alice';

  /**
   * IAM as AWS documents it: entities found by name (names are unique whatever their case), each at a path,
   * with tag keys that are case-insensitive. Which spelling survives a TagUser of `department` onto
   * `Department` is not documented; this fake keeps the spelling of the request (the one that would surprise
   * a user), so a test passes only where unitag itself sends the stored spelling.
   */
  function fakeIam(entities: Record<string, { path: string; tags: Record<string, string> }>) {
    const store = new Map(
      Object.entries(entities).map(([name, e]) => [
        name.toLowerCase(),
        { name, path: e.path, tags: { ...e.tags } },
      ]),
    );
    const find = (name: string) => {
      const entity = store.get(name.toLowerCase());
      if (!entity)
        throw Object.assign(new Error(`${name} not found`), { name: 'NoSuchEntity', $metadata: {} });
      return entity;
    };
    const answer = (e: { name: string; path: string; tags: Record<string, string> }, nameField: string) => ({
      Path: e.path,
      [nameField]: e.name,
      Arn: `arn:aws:iam::123456789012:x${e.path}${e.name}`,
      ...(Object.keys(e.tags).length > 0
        ? { Tags: Object.entries(e.tags).map(([Key, Value]) => ({ Key, Value })) }
        : {}),
    });
    const tag = (name: string, tags: { Key: string; Value: string }[]) => {
      const entity = find(name);
      for (const { Key, Value } of tags) {
        for (const k of Object.keys(entity.tags))
          if (k.toLowerCase() === Key.toLowerCase()) delete entity.tags[k];
        entity.tags[Key] = Value;
      }
      return {};
    };
    const untag = (name: string, keys: string[]) => {
      const entity = find(name);
      const gone = new Set(keys.map((k) => k.toLowerCase()));
      for (const k of Object.keys(entity.tags)) if (gone.has(k.toLowerCase())) delete entity.tags[k];
      return {};
    };
    iam.on(GetUserCommand).callsFake((i) => ({ User: answer(find(i.UserName), 'UserName') }));
    iam.on(GetRoleCommand).callsFake((i) => ({ Role: answer(find(i.RoleName), 'RoleName') }));
    iam.on(TagUserCommand).callsFake((i) => tag(i.UserName, i.Tags));
    iam.on(TagRoleCommand).callsFake((i) => tag(i.RoleName, i.Tags));
    iam.on(UntagUserCommand).callsFake((i) => untag(i.UserName, i.TagKeys));
    iam.on(UntagRoleCommand).callsFake((i) => untag(i.RoleName, i.TagKeys));
    return (name: string) => find(name).tags;
  }
  const sent = () => iam.calls().map((c) => [c.args[0].constructor.name, c.args[0].input]);

  it('tag of department on a user carrying Department reads first and keeps Department', async () => {
    // Prepare
    const tagsOf = fakeIam({
      alice: { path: '/division/team/', tags: { Department: 'finance', team: 'a' } },
    });
    // Act
    await tagger().tag(USER, { department: 'hr' });
    // Assess
    expect(sent()).toEqual([
      ['GetUserCommand', { UserName: 'alice' }],
      ['TagUserCommand', { UserName: 'alice', Tags: [{ Key: 'Department', Value: 'hr' }] }],
    ]);
    expect(tagsOf('alice')).toEqual({ Department: 'hr', team: 'a' });
  });

  it('untag of Project removes a stored project', async () => {
    const tagsOf = fakeIam({ alice: { path: '/division/team/', tags: { project: 'x', keep: 'y' } } });
    await tagger().untag(USER, ['Project']);
    expect(sent()).toEqual([
      ['GetUserCommand', { UserName: 'alice' }],
      ['UntagUserCommand', { UserName: 'alice', TagKeys: ['project'] }],
    ]);
    expect(tagsOf('alice')).toEqual({ keep: 'y' });
  });

  it('makes no write when the tags are already as asked, or the keys to remove are absent', async () => {
    fakeIam({ r: { path: '/', tags: { a: '1' } } });
    await tagger().tag('arn:aws:iam::123456789012:role/r', { A: '1' });
    await tagger().untag('arn:aws:iam::123456789012:role/r', ['b']);
    expect(sent().map(([name]) => name)).toEqual(['GetRoleCommand', 'GetRoleCommand']);
  });

  describe('the write of a plan made from a recent read: no second read (3 calls a role at most)', () => {
    const ROLE = 'arn:aws:iam::123456789012:role/team/r';
    const change = { arn: ROLE, set: { department: 'y' }, remove: ['owner'] };
    afterEach(() => vi.useRealTimers());

    it('plan then apply: GetRole once, then TagRole and UntagRole with the spellings the plan read', async () => {
      const tagsOf = fakeIam({ r: { path: '/team/', tags: { Owner: 'a', Department: 'x', keep: '1' } } });
      const t = tagger();
      const report = await t.apply(await t.plan([change]));
      expect(report.totals).toMatchObject({ changed: 1, failed: 0 });
      expect(sent()).toEqual([
        ['GetRoleCommand', { RoleName: 'r' }],
        ['TagRoleCommand', { RoleName: 'r', Tags: [{ Key: 'Department', Value: 'y' }] }],
        ['UntagRoleCommand', { RoleName: 'r', TagKeys: ['Owner'] }],
      ]);
      expect(tagsOf('r')).toEqual({ Department: 'y', keep: '1' });
    });

    it('a plan read more than 2 minutes before its write is read again, and the write follows the new read', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const tagsOf = fakeIam({ r: { path: '/team/', tags: { Owner: 'a', Department: 'x' } } });
      const t = tagger();
      const plan = await t.plan([change]);
      // Meanwhile someone else re-spells Department (IAM keeps one key whatever its case).
      const stored = tagsOf('r');
      delete stored.Department;
      stored.DEPARTMENT = 'x';
      vi.setSystemTime(Date.now() + 120_001);
      iam.resetHistory();
      await t.apply(plan);
      expect(sent()).toEqual([
        ['GetRoleCommand', { RoleName: 'r' }],
        ['TagRoleCommand', { RoleName: 'r', Tags: [{ Key: 'DEPARTMENT', Value: 'y' }] }],
        ['UntagRoleCommand', { RoleName: 'r', TagKeys: ['Owner'] }],
      ]);
      expect(tagsOf('r')).toEqual({ DEPARTMENT: 'y' });
    });

    it('a read is used once, only by a planned write, and not after a write of this tagger to the role', async () => {
      fakeIam({ r: { path: '/team/', tags: { Owner: 'a' } } });
      const t = tagger();
      // tag() and untag() are not plans: each reads first, though list() has just read.
      await t.list(ROLE);
      await t.tag(ROLE, { a: '1' });
      await t.untag(ROLE, ['a']);
      expect(sent().map(([name]) => name)).toEqual([
        'GetRoleCommand',
        'GetRoleCommand',
        'TagRoleCommand',
        'GetRoleCommand',
        'UntagRoleCommand',
      ]);
      // A plan, then a write of this tagger to the role before the plan's: the plan's write reads again.
      const plan = await t.plan([{ arn: ROLE, set: { b: '2' } }]);
      await t.tag(ROLE, { c: '3' });
      iam.resetHistory();
      await t.apply(plan);
      expect(sent().map(([name]) => name)).toEqual(['GetRoleCommand', 'TagRoleCommand']);
    });

    it("a role deleted since the plan: the write's own answer fails the line, nothing else is written", async () => {
      fakeIam({ r: { path: '/team/', tags: { Owner: 'a' } } });
      const t = tagger();
      const plan = await t.plan([change]);
      iam
        .on(TagRoleCommand)
        .rejects(
          Object.assign(new Error('The role r cannot be found.'), { name: 'NoSuchEntity', $metadata: {} }),
        );
      const report = await t.apply(plan);
      expect(report.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'ResourceNotFound' } });
      expect(iam.commandCalls(UntagRoleCommand)).toHaveLength(0);
    });
  });

  it.each([
    ['another path', 'arn:aws:iam::123456789012:role/other/R'],
    ['the root path', 'arn:aws:iam::123456789012:role/R'],
    ['a longer path', 'arn:aws:iam::123456789012:role/x/team/R'],
    ['the name in another case', 'arn:aws:iam::123456789012:role/team/r'],
  ])('an ARN with %s does not act on role /team/R: ResourceNotFound, no write', async (_, arn) => {
    const tagsOf = fakeIam({ R: { path: '/team/', tags: { keep: '1' } } });
    await expect(tagger().tag(arn, { a: '1' })).rejects.toMatchObject({ code: 'ResourceNotFound', arn });
    await expect(tagger().untag(arn, ['keep'])).rejects.toMatchObject({ code: 'ResourceNotFound', arn });
    await expect(tagger().list(arn)).rejects.toMatchObject({ code: 'ResourceNotFound' });
    expect(iam.commandCalls(TagRoleCommand)).toHaveLength(0);
    expect(iam.commandCalls(UntagRoleCommand)).toHaveLength(0);
    expect(tagsOf('R')).toEqual({ keep: '1' });
    await tagger().tag('arn:aws:iam::123456789012:role/team/R', { a: '1' });
    expect(tagsOf('R')).toEqual({ keep: '1', a: '1' });
  });

  it('instance profiles and server certificates check the path the same way', async () => {
    iam.on(GetInstanceProfileCommand).resolves({
      InstanceProfile: { Path: '/a/', InstanceProfileName: 'p', Tags: [] } as never,
    });
    iam.on(GetServerCertificateCommand).resolves({
      ServerCertificate: { ServerCertificateMetadata: { Path: '/a/', ServerCertificateName: 'c' } } as never,
    });
    const profile = 'arn:aws:iam::123456789012:instance-profile/b/p';
    const cert = 'arn:aws:iam::123456789012:server-certificate/b/c';
    await expect(tagger().tag(profile, { k: 'v' })).rejects.toMatchObject({ code: 'ResourceNotFound' });
    await expect(tagger().tag(cert, { k: 'v' })).rejects.toMatchObject({ code: 'ResourceNotFound' });
    expect(iam.commandCalls(TagInstanceProfileCommand)).toHaveLength(0);
    expect(iam.commandCalls(TagServerCertificateCommand)).toHaveLength(0);
  });

  it('a Get answer without the entity is MalformedResponse, never "no tags", and nothing is written', async () => {
    iam.on(GetUserCommand).resolves({});
    await expect(tagger().tag(USER, { a: '1' })).rejects.toMatchObject({ code: 'MalformedResponse' });
    await expect(tagger().list(USER)).rejects.toMatchObject({ code: 'MalformedResponse' });
    expect(iam.commandCalls(TagUserCommand)).toHaveLength(0);
  });

  it('refuses keys differing only in case before any call', async () => {
    await expect(tagger().tag(USER, { Team: 'a', TEAM: 'b' })).rejects.toMatchObject({ code: 'InvalidTag' });
    await expect(tagger().untag(USER, ['Team', 'team'])).rejects.toMatchObject({ code: 'InvalidTag' });
    expect(iam.calls()).toHaveLength(0);
  });

  it('follows IsTruncated / Marker to the last page (types named by ARN)', async () => {
    const policy = 'arn:aws:iam::123456789012:policy/p';
    iam
      .on(ListPolicyTagsCommand)
      .resolvesOnce({ Tags: [{ Key: 'a', Value: '1' }], IsTruncated: true, Marker: 'm1' })
      .resolves({ Tags: [{ Key: 'b', Value: '2' }], IsTruncated: false });
    expect(await tagger().list(policy)).toEqual({ a: '1', b: '2' });
    expect(iam.commandCalls(ListPolicyTagsCommand).map((c) => c.args[0].input)).toEqual([
      { PolicyArn: policy },
      { PolicyArn: policy, Marker: 'm1' },
    ]);
  });

  it('SAML providers, server certificates and MFA devices use their own operations and identifiers', async () => {
    iam.on(TagSAMLProviderCommand).resolves({});
    iam.on(UntagSAMLProviderCommand).resolves({});
    iam.on(GetServerCertificateCommand).resolves({
      ServerCertificate: {
        ServerCertificateMetadata: { Path: '/division/', ServerCertificateName: 'web-cert' },
        Tags: [{ Key: 'a', Value: '0' }],
      } as never,
    });
    iam.on(TagServerCertificateCommand).resolves({});
    iam.on(UntagServerCertificateCommand).resolves({});
    iam.on(TagMFADeviceCommand).resolves({});
    iam.on(ListMFADeviceTagsCommand).resolves({ Tags: [{ Key: 'a', Value: '1' }] });
    const saml = 'arn:aws:iam::123456789012:saml-provider/okta';
    const cert = 'arn:aws:iam::123456789012:server-certificate/division/web-cert';
    const mfa = 'arn:aws:iam::123456789012:mfa/alice-phone';
    await tagger().tag(saml, { a: '1' });
    await tagger().untag(saml, ['a']);
    await tagger().tag(cert, { a: '1' });
    await tagger().untag(cert, ['a']);
    await tagger().tag(mfa, { a: '1' });
    expect(await tagger().list(mfa)).toEqual({ a: '1' });
    expect(sent()).toEqual([
      ['TagSAMLProviderCommand', { SAMLProviderArn: saml, Tags: [{ Key: 'a', Value: '1' }] }],
      ['UntagSAMLProviderCommand', { SAMLProviderArn: saml, TagKeys: ['a'] }],
      ['GetServerCertificateCommand', { ServerCertificateName: 'web-cert' }],
      [
        'TagServerCertificateCommand',
        { ServerCertificateName: 'web-cert', Tags: [{ Key: 'a', Value: '1' }] },
      ],
      ['GetServerCertificateCommand', { ServerCertificateName: 'web-cert' }],
      ['UntagServerCertificateCommand', { ServerCertificateName: 'web-cert', TagKeys: ['a'] }],
      ['TagMFADeviceCommand', { SerialNumber: mfa, Tags: [{ Key: 'a', Value: '1' }] }],
      ['ListMFADeviceTagsCommand', { SerialNumber: mfa }],
    ]);
  });

  it.each([
    ['aws', 'us-east-1'],
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ])('calls IAM in the %s partition in %s, whatever the default region', async (partition, region) => {
    iam.on(GetUserCommand).resolves({ User: { Path: '/', UserName: 'alice' } as never });
    await tagger().list(`arn:${partition}:iam::123456789012:user/alice`);
    const client = iam.calls()[0]?.thisValue as IAMClient;
    expect(await client.config.region()).toBe(region);
  });

  it('refuses groups and unknown IAM types before any call', async () => {
    await expect(tagger().tag('arn:aws:iam::123456789012:group/admins', { a: '1' })).rejects.toMatchObject({
      code: 'UnsupportedResource',
    });
    expect(iam.calls()).toHaveLength(0);
  });
});
