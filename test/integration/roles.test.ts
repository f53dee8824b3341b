// Three accounts on one LocalStack (it takes a 12-digit access key id as the account, and an assumed role's
// credentials act in the role's account): a tagger with --role-name tags in all three, and an account whose role
// cannot be assumed (a proxy refuses it) fails alone, named in its error, while the others go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../fixtures/aws-resources.js';
import { createTagger } from '../../src/index.js';
import { ACCOUNT, awsConfig, endpoint, uniqueName } from '../helpers.js';
import { as, queueTags, type RolesProxy, startRolesProxy } from '../roles-proxy.js';

const OTHERS = ['111111111111', '222222222222'];
const REFUSED = '333333333333';

let proxy: RolesProxy;
beforeAll(async () => {
  proxy = await startRolesProxy(endpoint(), REFUSED);
});
afterAll(() => proxy.close());

describe('--role-name across accounts on LocalStack', () => {
  it('tags queues in the caller account and two others; a refused account fails alone with its account and role', async () => {
    // Prepare: one queue in each of four accounts.
    const name = uniqueName('roles');
    const arns = Object.fromEntries(
      await Promise.all(
        [ACCOUNT, ...OTHERS, REFUSED].map(
          async (account) => [account, await createQueue(as(account), name)] as const,
        ),
      ),
    );
    const tagger = createTagger({
      ...awsConfig(),
      endpoint: proxy.endpoint,
      roleName: 'unitag-it',
      maxRates: false,
    });
    // Act
    const report = await tagger.tagMany(Object.values(arns), { team: 'platform' });
    // Assess: three changed, the refused account failed with AccessDenied naming the account and the role.
    const byArn = new Map(report.results.map((r) => [r.arn, r]));
    for (const account of [ACCOUNT, ...OTHERS]) {
      expect(byArn.get(arns[account] as string)?.outcome).toBe('changed');
      expect(await queueTags(account, arns[account] as string)).toEqual({ team: 'platform' });
    }
    const refused = byArn.get(arns[REFUSED] as string);
    expect(refused?.outcome).toBe('failed');
    expect(refused?.error?.code).toBe('AccessDenied');
    expect(refused?.error?.message).toContain(`arn:aws:iam::${REFUSED}:role/unitag-it in account ${REFUSED}`);
    expect(await queueTags(REFUSED, arns[REFUSED] as string)).toEqual({});
    // One role per other account, none for the caller's own.
    expect(new Set(proxy.assumed)).toEqual(
      new Set([...OTHERS, REFUSED].map((account) => `arn:aws:iam::${account}:role/unitag-it`)),
    );
    await tagger.destroy();
  });

  it("an accounts file's role and an entry with neither: each account acts as the file says", async () => {
    const name = uniqueName('acctfile');
    const [mine, other] = await Promise.all([
      createQueue(as(ACCOUNT), name),
      createQueue(as('111111111111'), name),
    ]);
    const before = proxy.assumed.length;
    const tagger = createTagger({
      ...awsConfig(),
      endpoint: proxy.endpoint,
      maxRates: false,
      accounts: [
        { id: ACCOUNT, name: 'home', tags: [], vars: {} },
        { id: '111111111111', name: 'other', role: ['file-role'], tags: [], vars: {} },
      ],
    });
    const report = await tagger.tagMany([mine, other], { env: 'test' });
    expect(report.results.map((r) => r.outcome)).toEqual(['changed', 'changed']);
    expect(proxy.assumed.slice(before)).toEqual(['arn:aws:iam::111111111111:role/file-role']);
    expect(await queueTags('111111111111', other)).toEqual({ env: 'test' });
    await tagger.destroy();
  });
});
