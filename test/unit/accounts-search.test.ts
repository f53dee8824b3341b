// The parts of a search across accounts that need no AWS: accounts searched side by side (merge), an S3 ARN read
// with the credentials of the account searched (withAccount), the account on every output line with the totals
// of each (withAccounts), and the split of a search's (account, region) pairs among shards.
import { describe, expect, it } from 'vitest';
import { ClientCache, withAccount } from '../../src/core/clients.js';
import { merge } from '../../src/core/collections.js';
import type { ClientLoader } from '../../src/core/types.js';
import { withAccounts } from '../../src/jobs/report.js';
import { searchesOfShard } from '../../src/jobs/shard.js';

/** An async source of `items` that records how far it was read, and whether it was closed. */
function source<T>(items: T[], log: string[], name: string, fail?: Error) {
  return async function* () {
    try {
      for (const item of items) {
        log.push(`${name}:${String(item)}`);
        yield item;
      }
      if (fail) throw fail;
    } finally {
      log.push(`${name}:closed`);
    }
  };
}

describe('merge: several sources side by side', () => {
  it('yields every item of every source once, each source in its own order', async () => {
    const log: string[] = [];
    const got: number[] = [];
    const sources = [source([1, 2, 3], log, 'a'), source([10, 20], log, 'b'), source([100], log, 'c')];
    for await (const item of merge(sources, 2)) got.push(item);
    expect([...got].sort((x, y) => x - y)).toEqual([1, 2, 3, 10, 20, 100]);
    expect(got.filter((n) => n < 10)).toEqual([1, 2, 3]);
    expect(got.filter((n) => n >= 10 && n < 100)).toEqual([10, 20]);
    // Two at once: c starts only once a or b has ended.
    const started = (name: string) => log.findIndex((entry) => entry.startsWith(`${name}:`));
    const firstEnd = Math.min(log.indexOf('a:closed'), log.indexOf('b:closed'));
    expect(started('c')).toBeGreaterThan(firstEnd);
  });

  it('takes nothing from an empty list, and a source with no items ends alone', async () => {
    const got: number[] = [];
    for await (const item of merge<number>([], 4)) got.push(item);
    for await (const item of merge([source<number>([], [], 'e'), source([7], [], 'f')], 4)) got.push(item);
    expect(got).toEqual([7]);
  });

  it("ends with the first source's error, and closes every running source", async () => {
    const log: string[] = [];
    const boom = new Error('boom');
    const endless = async function* () {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        log.push('endless:closed');
      }
    };
    const read = async () => {
      for await (const _ of merge([endless, source([1], log, 'x', boom)], 2)) {
        // keeps reading until the error
      }
    };
    await expect(read()).rejects.toBe(boom);
    expect(log).toContain('endless:closed');
  });

  it('closes every running source when the reader stops early', async () => {
    const log: string[] = [];
    const sources = [source([1, 2, 3], log, 'a'), source([4, 5, 6], log, 'b')];
    for await (const _ of merge(sources, 2)) break;
    expect(log).toContain('a:closed');
    expect(log).toContain('b:closed');
  });
});

describe('withAccount: ARNs without an account read in the account searched', () => {
  const loader: ClientLoader<{ config: Record<string, unknown> }> = {
    id: 'probe',
    create: async (config) => ({ config }),
  };
  const theirs = { accessKeyId: 'THEIRS', secretAccessKey: 's' };
  const scope = { partition: 'aws', region: 'us-east-1', account: '' };

  it("gives a scope without an account the credentials of withAccount's account, and none outside it", async () => {
    const cache = new ClientCache({
      region: 'us-east-1',
      credentialsForAccount: (id) => (id === '222222222222' ? theirs : undefined),
    });
    const inside = await withAccount('222222222222', () => cache.get(loader, scope));
    const outside = await cache.get(loader, scope);
    expect(inside.config.credentials).toBe(theirs);
    expect(outside.config.credentials).toBeUndefined();
    // An ARN that names its account keeps it, whatever withAccount says.
    const named = await withAccount('222222222222', () =>
      cache.get(loader, { ...scope, account: '111111111111' }),
    );
    expect(named.config.credentials).toBeUndefined();
    await cache.destroy();
  });
});

describe('withAccounts: the account on every line, the totals of each', () => {
  it('takes the line account, else the ARN account, else the fallback; counts as the totals do', () => {
    const json = withAccounts(
      {
        totals: { total: 4, read: 3, failed: 1, skipped: 0 },
        resources: [
          { arn: 'arn:aws:sqs:us-east-1:222222222222:q', outcome: 'read' },
          { arn: 'arn:aws:s3:::bucket', outcome: 'read', account: '111111111111' },
          { arn: 'arn:aws:s3:::other', outcome: 'read' },
          { arn: 'arn:aws:*:*:333333333333:*', outcome: 'failed' },
        ],
      },
      '000000000000',
    );
    expect(json.resources.map((line) => line.account)).toEqual([
      '222222222222',
      '111111111111',
      '000000000000',
      '333333333333',
    ]);
    expect(json.accounts).toEqual({
      '000000000000': { total: 1, read: 1, failed: 0, skipped: 0 },
      '111111111111': { total: 1, read: 1, failed: 0, skipped: 0 },
      '222222222222': { total: 1, read: 1, failed: 0, skipped: 0 },
      '333333333333': { total: 1, read: 0, failed: 1, skipped: 0 },
    });
  });

  it("counts check's findings per account, and leaves a line with no account to find without one", () => {
    const json = withAccounts(
      {
        totals: { total: 2, compliant: 0, noncompliant: 1, failed: 1, findings: 2, enforced: 1 },
        resources: [
          {
            arn: 'arn:aws:sqs:us-east-1:222222222222:q',
            outcome: 'noncompliant',
            findings: [{ enforced: true }, { enforced: false }],
          } as never,
          { arn: 'arn:aws:s3:::bucket', outcome: 'failed' },
        ],
      },
      undefined,
    );
    expect(json.resources[1]).not.toHaveProperty('account');
    expect(json.accounts['222222222222']).toEqual({
      total: 1,
      compliant: 0,
      noncompliant: 1,
      failed: 0,
      findings: 2,
      enforced: 1,
    });
    expect(json.accounts['']).toMatchObject({ total: 1, failed: 1 });
  });
});

describe('searchesOfShard: a search of several accounts split among shards', () => {
  const accounts = [
    { id: '111111111111', regions: ['us-east-1', 'eu-west-1'] },
    { id: '222222222222' },
    { id: '333333333333', regions: ['ap-south-1'] },
  ];
  const parts = (count: number, global: boolean, regions?: string[]) =>
    Array.from({ length: count }, (_, index) =>
      searchesOfShard(regions ? { regions } : {}, { index, count }, global, accounts),
    );
  /** Every (account, region) unit a shard's parts cover; '' for an account's global services. */
  const units = (shardParts: ReturnType<typeof searchesOfShard>) =>
    shardParts.flatMap(({ query, global }) => {
      const account = query.accounts?.[0] as string;
      return [...(query.regions ?? ['default']), ...(global ? [''] : [])].map((r) => `${account}/${r}`);
    });

  it.each([1, 2, 3, 5, 9])('with %i shards, covers every unit exactly once', (count) => {
    const all = parts(count, true).flatMap(units).sort();
    expect(all).toEqual(
      [
        '111111111111/us-east-1',
        '111111111111/eu-west-1',
        '111111111111/',
        '222222222222/default',
        '222222222222/',
        '333333333333/ap-south-1',
        '333333333333/',
      ].sort(),
    );
  });

  it("takes the query's regions over each account's own, and one account per part", () => {
    const all = parts(2, false, ['us-west-2']);
    expect(all.flat().every((part) => part.query.accounts?.length === 1)).toBe(true);
    expect(all.flatMap(units).sort()).toEqual(
      ['111111111111/us-west-2', '222222222222/us-west-2', '333333333333/us-west-2'].sort(),
    );
  });

  it('gives the same split whatever shard computes it', () => {
    expect(parts(4, true)).toEqual(parts(4, true));
  });
});
