// find and check across the accounts of an accounts file, on one LocalStack (a 12-digit access key id is the
// account; an assumed role's credentials act in the role's account): every account searched with its own
// credentials, each resource with its account, S3 buckets (whose ARNs name no account) read with their account's
// credentials, and an account whose role is refused (by a proxy) failing alone, named with its role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucket, createEc2, createQueue } from '../../fixtures/aws-resources.js';
import {
  type Account,
  checkSearch,
  createTagger,
  type FindFailure,
  type FoundResource,
  parseTagPolicy,
} from '../../src/index.js';
import { ACCOUNT, awsConfig, endpoint, uniqueName } from '../helpers.js';
import { as, type RolesProxy, startRolesProxy } from '../roles-proxy.js';

const OTHERS = ['111111111111', '222222222222'];
const REFUSED = '333333333333';
const ROLE = 'unitag-find';

let proxy: RolesProxy;
beforeAll(async () => {
  proxy = await startRolesProxy(endpoint(), REFUSED);
});
afterAll(() => proxy.close());

/** The accounts file: the caller's own account with neither role nor profile, the others with a role. */
const ACCOUNTS: Account[] = [ACCOUNT, ...OTHERS, REFUSED].map((id, i) => ({
  id,
  name: `acct-${i}`,
  role: id === ACCOUNT ? undefined : [ROLE],
  regions: ['us-east-1'],
  tags: [],
  vars: {},
}));

function tagger() {
  return createTagger({ ...awsConfig(), endpoint: proxy.endpoint, maxRates: false, accounts: ACCOUNTS });
}

/** One queue tagged `run: name` in each of the four accounts. */
async function queues(name: string): Promise<Record<string, string>> {
  const setup = createTagger({ ...awsConfig(), maxRates: false });
  const entries = await Promise.all(
    [ACCOUNT, ...OTHERS, REFUSED].map(async (account) => {
      const arn = await createQueue(as(account), name);
      return [account, arn] as const;
    }),
  );
  // Tagged straight, each with its own account's credentials.
  for (const [account, arn] of entries) {
    const own = createTagger({ ...as(account), maxRates: false });
    await own.tag(arn, { run: name });
    await own.destroy();
  }
  await setup.destroy();
  return Object.fromEntries(entries);
}

async function search(query: Parameters<ReturnType<typeof createTagger>['find']>[0]) {
  const t = tagger();
  const found: FoundResource[] = [];
  const failures: FindFailure[] = [];
  for await (const resource of t.find(query, { onFailure: (f) => failures.push(f) })) found.push(resource);
  await t.destroy();
  return { found, failures };
}

describe('find across the accounts of an accounts file on LocalStack', () => {
  it('lists each account with its own credentials, each resource with its account; a refused role fails alone', async () => {
    // Prepare
    const name = uniqueName('findacct');
    const arns = await queues(name);
    // Act: every queue of each account, kept by the tag filter.
    const { found, failures } = await search({ all: true, resourceTypes: ['sqs'], tags: { run: name } });
    // Assess: the three reachable accounts, each queue once, with its account and tags.
    const byAccount = Object.fromEntries(found.map((r) => [r.account, r.arn]));
    expect(byAccount).toEqual({
      [ACCOUNT]: arns[ACCOUNT],
      [OTHERS[0] as string]: arns[OTHERS[0] as string],
      [OTHERS[1] as string]: arns[OTHERS[1] as string],
    });
    expect(found.every((r) => r.tags.run === name && r.type === 'sqs:queue')).toBe(true);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ account: REFUSED, arn: `arn:aws:*:*:${REFUSED}:*`, listing: true });
    expect(failures[0]?.error.code).toBe('AccessDenied');
    expect(failures[0]?.error.message).toContain(
      `account ${REFUSED} could not be searched: unitag could not assume the role arn:aws:iam::${REFUSED}:role/${ROLE}`,
    );
  });

  it('the tagging API path: each account searched with its own credentials', async () => {
    // LocalStack's GetResources sees EC2's tags (not SQS's): one volume in each of two accounts.
    const name = uniqueName('findtag');
    const mine = [ACCOUNT, OTHERS[0] as string];
    // The fixture writes its ARNs in LocalStack's default account: each volume's own account put in.
    const volumes = await Promise.all(
      mine.map(async (account) =>
        (await createEc2(as(account), 'volume')).replace(`:${ACCOUNT}:`, `:${account}:`),
      ),
    );
    await Promise.all(
      mine.map(async (account, i) => {
        const own = createTagger({ ...as(account), maxRates: false });
        await own.tag(volumes[i] as string, { run: name });
        await own.destroy();
      }),
    );
    const { found, failures } = await search({
      tags: { run: name },
      resourceTypes: ['ec2:volume'],
      accounts: mine,
    });
    expect(found.map((r) => [r.account, r.arn]).sort()).toEqual(
      mine.map((account, i) => [account, volumes[i]]).sort(),
    );
    expect(failures).toEqual([]);
  });

  it("reads an S3 bucket's tags with its account's credentials (its ARN names no account)", async () => {
    const account = OTHERS[1] as string;
    const bucket = await createBucket(as(account), uniqueName('findacct').toLowerCase());
    const own = createTagger({ ...as(account), maxRates: false });
    await own.tag(bucket, { run: 'bucket-of-222' });
    await own.destroy();
    const { found, failures } = await search({
      all: true,
      resourceTypes: ['s3'],
      tags: { run: 'bucket-of-222' },
      accounts: [account],
    });
    expect(found.filter((r) => r.arn === bucket)).toEqual([
      { arn: bucket, type: 's3:bucket', account, tags: { run: 'bucket-of-222' } },
    ]);
    expect(failures).toEqual([]);
  });

  it('without onFailure, the refused account is thrown once the others are yielded', async () => {
    const name = uniqueName('findthrow');
    await queues(name);
    const t = tagger();
    const found: string[] = [];
    const iterate = async () => {
      for await (const r of t.find({ all: true, resourceTypes: ['sqs'], tags: { run: name } })) {
        found.push(r.account as string);
      }
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(found.sort()).toEqual([ACCOUNT, ...OTHERS].sort());
    await t.destroy();
  });
});

describe('checkSearch across accounts on LocalStack', () => {
  it("judges every account's resources with the tags the search read, a line per account that failed", async () => {
    const name = uniqueName('checkacct');
    const arns = await queues(name);
    // Only the value "other" is allowed for run: every queue found is noncompliant.
    const policy = parseTagPolicy({
      tags: { run: { tag_key: { '@@assign': 'run' }, tag_value: { '@@assign': ['other'] } } },
    });
    const t = tagger();
    const report = await checkSearch(t, policy, {
      all: true,
      resourceTypes: ['sqs'],
      tags: { run: name },
    });
    await t.destroy();
    const lines = report.results.map((r) => [r.account, r.arn, r.outcome]).sort();
    expect(lines).toEqual(
      [
        [ACCOUNT, arns[ACCOUNT], 'noncompliant'],
        ...OTHERS.map((a) => [a, arns[a], 'noncompliant']),
        [REFUSED, `arn:aws:*:*:${REFUSED}:*`, 'failed'],
      ].sort(),
    );
    expect(report.totals).toMatchObject({ total: 4, noncompliant: 3, failed: 1, findings: 3 });
  });
});
