// Reading an accounts file from AWS Organizations (src/jobs/organization.ts) on an in-memory Organizations that
// answers two entries a page: the exact calls, their paging, the tree walk and its path tags, and a file that
// parseAccounts reads back as it was written.
import {
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { parseAccounts } from '../../src/core/accounts.js';
import { accountsFileText, readOrganization } from '../../src/jobs/organization.js';
import { fakeOrganizations, MANAGEMENT, ROOT } from '../mocks/fake-organizations.js';
import { awsError, CREDENTIALS, mockClients } from '../mocks/sdk.js';

const { org } = mockClients({ org: OrganizationsClient });
const clients = { region: 'eu-west-1', credentials: CREDENTIALS };
const inputs = (command: Parameters<typeof org.commandCalls>[0]) =>
  org.commandCalls(command).map((c) => c.args[0].input);

describe('readOrganization on an organization of two OU levels', () => {
  // Prepare: root > management, Prod > (prod-a, Web > (prod-web, web-2)), Dev > (dev).
  const fake = fakeOrganizations(org);
  const prod = fake.addOu('Prod');
  const web = fake.addOu('Web', prod);
  const dev = fake.addOu('Dev');
  const account = (Id: string, Name: string, parent: string, State = 'ACTIVE', tags = {}) =>
    fake.addAccount({ Id, Name, Email: `${Name}@example.com`, State, parent, tags });
  account(MANAGEMENT, 'management', ROOT);
  account('222222222222', 'prod-a', prod, 'ACTIVE', { env: 'prod', team: 'web', owner: 'a', cost: 'x:y' });
  account('333333333333', 'prod-web', web, 'SUSPENDED', { env: 'prod' });
  account('444444444444', 'web-2', web);
  account('012345678901', 'dev', dev, 'ACTIVE', { env: 'dev' });

  it('reads every account with ListAccounts, 20 a page, and each one’s tags page after page', async () => {
    // Act
    const accounts = await readOrganization(clients);
    // Assess: the fake answers two a page, so each list took several pages.
    expect(accounts.map((a) => [a.account_id, a.name])).toEqual([
      [MANAGEMENT, 'management'],
      ['222222222222', 'prod-a'],
      ['333333333333', 'prod-web'],
      ['444444444444', 'web-2'],
      ['012345678901', 'dev'],
    ]);
    expect(inputs(ListAccountsCommand)).toEqual([
      { MaxResults: 20, NextToken: undefined },
      { MaxResults: 20, NextToken: 't2' },
      { MaxResults: 20, NextToken: 't4' },
    ]);
    expect(accounts[1]).toEqual({
      account_id: '222222222222',
      name: 'prod-a',
      email: 'prod-a@example.com',
      org_id: 'o-exampleorgid',
      tags: ['env:prod', 'team:web', 'owner:a', 'cost:x:y'],
    });
    expect(inputs(ListTagsForResourceCommand).filter((i) => i.ResourceId === '222222222222')).toEqual([
      { ResourceId: '222222222222', NextToken: undefined },
      { ResourceId: '222222222222', NextToken: 't2' },
    ]);
    expect(await org.commandCalls(ListAccountsCommand)[0]?.thisValue.config.region()).toBe('us-east-1');
    expect(org.commandCalls(ListAccountsForParentCommand)).toHaveLength(0);
  });

  it('walks a root down its OUs, tagging each account with its path as c7n-org does', async () => {
    const accounts = await readOrganization(clients, { parents: [ROOT], roleName: 'unitag' });
    expect(accounts.map((a) => [a.name, a.role, a.tags.filter((t) => t.startsWith('path:'))])).toEqual([
      ['management', 'unitag', ['path:/']],
      ['prod-a', 'unitag', ['path:/Prod']],
      ['prod-web', 'unitag', ['path:/Prod', 'path:/Prod/Web']],
      ['web-2', 'unitag', ['path:/Prod', 'path:/Prod/Web']],
      ['dev', 'unitag', ['path:/Dev']],
    ]);
    // Each parent's accounts, then its OUs, depth first; every call 20 a page.
    expect(inputs(ListAccountsForParentCommand).map((i) => i.ParentId)).toEqual([ROOT, prod, web, dev]);
    expect(inputs(ListOrganizationalUnitsForParentCommand).map((i) => i.ParentId)).toEqual([
      ROOT,
      prod,
      web,
      dev,
    ]);
    expect(inputs(ListAccountsForParentCommand)[0]).toEqual({ ParentId: ROOT, MaxResults: 20 });
    expect(org.commandCalls(ListParentsCommand)).toHaveLength(0);
  });

  it("names an OU's place from the root (ListParents, DescribeOrganizationalUnit), and writes an account once", async () => {
    const accounts = await readOrganization(clients, { parents: [web, prod] });
    expect(accounts.map((a) => [a.name, a.tags])).toEqual([
      ['prod-web', ['path:/Prod', 'path:/Prod/Web', 'env:prod']],
      ['web-2', ['path:/Prod', 'path:/Prod/Web']],
      ['prod-a', ['path:/Prod', 'env:prod', 'team:web', 'owner:a', 'cost:x:y']],
    ]);
    expect(inputs(ListParentsCommand)).toEqual([{ ChildId: web }, { ChildId: prod }, { ChildId: prod }]);
    expect(inputs(DescribeOrganizationalUnitCommand).map((i) => i.OrganizationalUnitId)).toEqual([
      web,
      prod,
      prod,
    ]);
  });

  it('keeps accounts that are not ACTIVE, unless activeOnly; their tags are then not read', async () => {
    expect((await readOrganization(clients)).map((a) => a.name)).toContain('prod-web');
    org.resetHistory();
    const active = await readOrganization(clients, { activeOnly: true });
    expect(active.map((a) => a.name)).toEqual(['management', 'prod-a', 'web-2', 'dev']);
    expect(inputs(ListTagsForResourceCommand).map((i) => i.ResourceId)).not.toContain('333333333333');
  });

  it.each(['yaml', 'json'] as const)(
    'writes a %s file that parseAccounts reads back whole',
    async (format) => {
      // Prepare
      const accounts = await readOrganization(clients, { parents: [ROOT], roleName: 'OrgAccess' });
      // Act
      const text = await accountsFileText(accounts, format);
      const parsed = await parseAccounts(text, `accounts.${format}`);
      // Assess: ids stay strings (a leading zero included), roles, names and tags as written.
      expect(parsed.map((a) => ({ id: a.id, name: a.name, role: a.role, tags: a.tags }))).toEqual(
        accounts.map((a) => ({ id: a.account_id, name: a.name, role: ['OrgAccess'], tags: a.tags })),
      );
      expect(parsed.find((a) => a.name === 'dev')?.id).toBe('012345678901');
      if (format === 'yaml') expect(text).toMatch(/account_id: "012345678901"/);
      else expect(JSON.parse(text).accounts[0].account_id).toBe(MANAGEMENT);
    },
  );
});

describe('readOrganization: answers and errors', () => {
  it('reads State; an answer older than State gives Status, which shares its values', async () => {
    org.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '222222222222', Name: 'a', Status: 'SUSPENDED' },
        { Id: '333333333333', Name: 'b', Status: 'ACTIVE' },
        { Id: '444444444444', Name: '', State: 'ACTIVE', Status: 'SUSPENDED' },
      ] as never,
    });
    org.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const accounts = await readOrganization(clients, { activeOnly: true });
    // An account without a name is written under its id.
    expect(accounts).toEqual([
      { account_id: '333333333333', name: 'b', tags: [] },
      { account_id: '444444444444', name: '444444444444', tags: [] },
    ]);
  });

  it("calls China's one endpoint region, cn-northwest-1", async () => {
    org.on(ListAccountsCommand).resolves({ Accounts: [] });
    await readOrganization({ ...clients, region: 'cn-north-1' });
    expect(await org.commandCalls(ListAccountsCommand)[0]?.thisValue.config.region()).toBe('cn-northwest-1');
  });

  it('says, on AccessDenied, that only the management account or a delegated administrator may read it', async () => {
    org.on(ListAccountsCommand).rejects(awsError('AccessDeniedException', 400));
    await expect(readOrganization(clients)).rejects.toMatchObject({
      code: 'AccessDenied',
      service: 'organizations',
      message: expect.stringMatching(/management account or a delegated administrator/),
    });
  });

  it.each([
    ['AWSOrganizationsNotInUseException', 'AccountMismatch'],
    ['ParentNotFoundException', 'ResourceNotFound'],
    ['TooManyRequestsException', 'Throttled'],
  ])('types %s as %s', async (name, code) => {
    org.on(ListAccountsForParentCommand).rejects(awsError(name, 400));
    await expect(readOrganization(clients, { parents: ['r-ab12'] })).rejects.toMatchObject({ code });
  });

  it.each([
    ['a page without Accounts', {}],
    ['an account without its Id', { Accounts: [{ Name: 'x' }] }],
  ])('reads %s as MalformedResponse, never "no accounts"', async (_, answer) => {
    org.on(ListAccountsCommand).resolves(answer as never);
    await expect(readOrganization(clients)).rejects.toMatchObject({ code: 'MalformedResponse' });
  });

  it('reads a tag without its value as MalformedResponse', async () => {
    org.on(ListAccountsCommand).resolves({ Accounts: [{ Id: '222222222222', Name: 'a', State: 'ACTIVE' }] });
    org.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'a' }] as never });
    await expect(readOrganization(clients)).rejects.toMatchObject({ code: 'MalformedResponse' });
  });
});
