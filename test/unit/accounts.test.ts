// Accounts files (c7n-org's shape) and the account filter: what is taken, what is refused, and the role ARNs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Account, filterAccounts, isUnitagError, parseAccounts, roleArn } from '../../src/index.js';

const C7N_README = `
accounts:
- account_id: '123123123123'
  name: account-1
  regions:
  - us-east-1
  - us-west-2
  role: arn:aws:iam::123123123123:role/CloudCustodian
  vars:
    charge_code: xyz
  tags:
  - type:prod
  - division:some division
`;

async function refusal(text: string): Promise<string> {
  const error = await parseAccounts(text, 'accounts.yml').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isUnitagError(error) && error.code).toBe('ConfigurationError');
  return (error as Error).message;
}

describe('parseAccounts', () => {
  it("reads c7n-org's own example", async () => {
    const [account] = await parseAccounts(C7N_README, 'accounts.yml');
    expect(account).toEqual({
      id: '123123123123',
      name: 'account-1',
      role: ['arn:aws:iam::123123123123:role/CloudCustodian'],
      profile: undefined,
      externalId: undefined,
      regions: ['us-east-1', 'us-west-2'],
      tags: ['type:prod', 'division:some division'],
      vars: { charge_code: 'xyz' },
    });
  });

  it('reads JSON, a role chain, a profile, and an entry with neither (the caller acts)', async () => {
    const text = JSON.stringify({
      accounts: [
        {
          account_id: '111111111111',
          role: ['hub', 'arn:aws:iam::111111111111:role/spoke'],
          external_id: 'x1',
        },
        { account_id: '222222222222', name: 'b', profile: 'team-b' },
        { account_id: '333333333333', name: 'c' },
      ],
    });
    const accounts = await parseAccounts(text, 'accounts.json');
    expect(accounts.map((a) => [a.name, a.role, a.profile, a.externalId])).toEqual([
      ['111111111111', ['hub', 'arn:aws:iam::111111111111:role/spoke'], undefined, 'x1'],
      ['b', undefined, 'team-b', undefined],
      ['c', undefined, undefined, undefined],
    ]);
  });

  it('refuses what c7n-org would not take, naming the entry and field', async () => {
    expect(await refusal('accounts:\n- account_id: 012345678901\n')).toMatch(
      /accounts\[0\]\.account_id .*quote it/,
    );
    expect(await refusal('accounts:\n- account_id: "1234"\n')).toMatch(/12 digits/);
    expect(await refusal("accounts:\n- account_id: '111111111111'\n  regions: [mars-1]\n")).toMatch(/mars-1/);
    expect(await refusal("accounts:\n- account_id: '111111111111'\n  role: r\n  profile: p\n")).toMatch(
      /both/,
    );
    expect(await refusal("accounts:\n- account_id: '111111111111'\n  rolle: r\n")).toMatch(
      /unknown field rolle/,
    );
    expect(await refusal("accounts:\n- account_id: '111111111111'\n- account_id: '111111111111'\n")).toMatch(
      /accounts\[1\] repeats account 111111111111/,
    );
    expect(await refusal('subscriptions: []\n')).toMatch(/no "accounts" list/);
    expect(await refusal('{ not json')).toMatch(/not JSON or YAML/);
  });

  it('reads back any accounts it could have written, in YAML and JSON (property)', async () => {
    const id = fc.stringMatching(/^\d{12}$/);
    const word = fc.stringMatching(/^[A-Za-z][\w:/ -]{0,20}$/);
    const entry = fc.record(
      {
        account_id: id,
        name: word,
        role: word,
        regions: fc.subarray(['us-east-1', 'eu-west-1', 'cn-north-1']),
        tags: fc.array(word, { maxLength: 3 }),
      },
      { requiredKeys: ['account_id'] },
    );
    const files = fc.uniqueArray(entry, { selector: (e) => e.account_id, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(files, async (accounts) => {
        for (const text of [stringify({ accounts }), JSON.stringify({ accounts })]) {
          const read = await parseAccounts(text, 'f');
          expect(read.map((a) => a.id)).toEqual(accounts.map((a) => a.account_id));
          expect(read.map((a) => a.role?.[0])).toEqual(accounts.map((a) => a.role));
          expect(read.map((a) => a.tags)).toEqual(accounts.map((a) => a.tags ?? []));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('filterAccounts', () => {
  const accounts: Account[] = [
    { id: '111111111111', name: 'prod', tags: ['env:prod', 'path:/Prod'], vars: {} },
    { id: '222222222222', name: 'dev', tags: ['env:dev'], vars: {} },
    { id: '333333333333', name: 'shared', tags: ['env:prod'], vars: {} },
  ];
  const names = (filters: string[]) => filterAccounts(accounts, filters).map((a) => a.name);

  it('selects by id, name or account tag; several filters select any of theirs', () => {
    expect(names([])).toEqual(['prod', 'dev', 'shared']);
    expect(names(['222222222222'])).toEqual(['dev']);
    expect(names(['prod'])).toEqual(['prod']);
    expect(names(['env:prod'])).toEqual(['prod', 'shared']);
    expect(names(['dev', 'path:/Prod'])).toEqual(['prod', 'dev']);
  });

  it('refuses a filter that selects nothing (a misspelt name is not a run of nothing)', () => {
    expect(() => filterAccounts(accounts, ['prdo'])).toThrow(/prdo selects no account/);
  });
});

it('roleArn makes a role name an ARN in the account and partition, and keeps an ARN', () => {
  expect(roleArn('unitag', '111111111111', 'aws')).toBe('arn:aws:iam::111111111111:role/unitag');
  expect(roleArn('team/unitag', '111111111111', 'aws-cn')).toBe(
    'arn:aws-cn:iam::111111111111:role/team/unitag',
  );
  expect(roleArn('arn:aws:iam::222222222222:role/x', '111111111111', 'aws')).toBe(
    'arn:aws:iam::222222222222:role/x',
  );
});
