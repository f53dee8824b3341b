// The split of a job or a search in N shards (src/jobs/shard.ts): `--shard I/N` read or refused, and, as properties
// over generated jobs, parts that are disjoint, cover every line, keep each resource's lines (and a copy's source)
// together, are balanced, and are the same whatever the order of the lines or of the calls.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUnitagError } from '../../src/core/errors.js';
import type { JobWindow } from '../../src/jobs/job-stream.js';
import type { Change } from '../../src/jobs/plan-change.js';
import {
  arnsOfShard,
  assignUnits,
  JobSplit,
  parseShard,
  type Shard,
  searchOfShard,
  unitKey,
  unitOf,
  unitsOfShard,
} from '../../src/jobs/shard.js';

describe('parseShard (--shard I/N)', () => {
  it.each([
    ['0/1', { index: 0, count: 1 }],
    ['0/4', { index: 0, count: 4 }],
    ['3/4', { index: 3, count: 4 }],
    [' 2 / 10 ', { index: 2, count: 10 }],
    ['9999/10000', { index: 9999, count: 10000 }],
  ])('reads %j', (value, shard) => {
    expect(parseShard(value)).toEqual(shard);
  });

  it.each([
    ['3/2', 'I counts from 0'],
    ['4/4', 'I counts from 0, so the 4 shards are 0/4 to 3/4'],
    ['0/0', 'from 1 to'],
    ['x/y', 'is not I/N'],
    ['', 'is not I/N'],
    ['/4', 'is not I/N'],
    ['1/', 'is not I/N'],
    ['-1/3', 'is not I/N'],
    ['1.5/3', 'is not I/N'],
    ['1/3/5', 'is not I/N'],
    ['0/100001', 'from 1 to 100000'],
  ])('refuses %j with a ConfigurationError', (value, message) => {
    let thrown: unknown;
    try {
      parseShard(value);
    } catch (error) {
      thrown = error;
    }
    expect(isUnitagError(thrown) && thrown.code).toBe('ConfigurationError');
    expect((thrown as Error).message).toContain(message);
  });
});

describe('unitOf', () => {
  it.each([
    ['arn:aws:sns:us-east-1:123456789012:t', { account: '123456789012', region: 'us-east-1' }],
    ['arn:aws:iam::123456789012:role/a:b', { account: '123456789012', region: '' }],
    ['arn:aws:s3:::bucket/key:with:colons', { account: '', region: '' }],
  ])('%s is in %j', (arn, unit) => {
    expect(unitOf(arn)).toEqual(unit);
  });
});

const ACCOUNTS = ['111111111111', '222222222222', ''];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1', ''];

/** A generated ARN: few accounts, regions and names, so that lines share resources and groups. */
const arnArb = fc
  .record({
    account: fc.constantFrom(...ACCOUNTS),
    region: fc.constantFrom(...REGIONS),
    name: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ account, region, name }) => `arn:aws:sns:${region}:${account}:t${name}`);

/** A job line: a set, sometimes a copy from another resource. */
const changeArb: fc.Arbitrary<Change> = fc
  .record({ arn: arnArb, copy: fc.option(arnArb, { freq: 4 }) })
  .map(({ arn, copy }) => ({ arn, set: { k: 'v' }, ...(copy ? { copyFrom: copy } : {}) }));

const jobArb = fc.array(changeArb, { minLength: 0, maxLength: 80 });
const countArb = fc.integer({ min: 1, max: 7 });

/** Each change's shard, from a split counted over `changes`. */
function shardsOf(changes: Change[], count: number): number[] {
  const split = new JobSplit();
  for (const change of changes) split.add(change);
  const of = (change: Change) =>
    Array.from({ length: count }, (_, index) => index).filter((index) => split.has(change, { index, count }));
  return changes.map((change) => {
    const shards = of(change);
    expect(shards).toHaveLength(1);
    return shards[0] as number;
  });
}

describe('JobSplit: a job in N shards', () => {
  it('puts every line in exactly one shard (the parts are disjoint and cover the job)', () => {
    fc.assert(
      fc.property(jobArb, countArb, (changes, count) => {
        const shards = shardsOf(changes, count);
        expect(shards.every((s) => s >= 0 && s < count)).toBe(true);
      }),
    );
  });

  it("keeps all of a resource's lines, and a copy's source's lines, in one shard", () => {
    fc.assert(
      fc.property(jobArb, countArb, (changes, count) => {
        const shards = shardsOf(changes, count);
        const shardOfArn = new Map<string, number>();
        changes.forEach((change, i) => {
          for (const arn of [change.arn, change.copyFrom as string | undefined]) {
            if (arn === undefined) continue;
            // A copy's source that the job writes must be written by the shard that reads it.
            const written = changes.some((c) => c.arn === arn);
            if (!written && arn !== change.arn) continue;
            const earlier = shardOfArn.get(arn);
            if (earlier !== undefined) expect(earlier, arn).toBe(shards[i]);
            shardOfArn.set(arn, shards[i] as number);
          }
        });
      }),
    );
  });

  it('keeps each (account, region) in one shard', () => {
    fc.assert(
      fc.property(jobArb, countArb, (changes, count) => {
        const shards = shardsOf(changes, count);
        const byUnit = new Map<string, Set<number>>();
        changes.forEach((change, i) => {
          const key = unitKey(unitOf(change.arn));
          byUnit.set(key, (byUnit.get(key) ?? new Set()).add(shards[i] as number));
        });
        for (const [key, set] of byUnit) expect(set.size, key).toBe(1);
      }),
    );
  });

  it('is the same computed twice, from the lines in another order, and asked in another order', () => {
    fc.assert(
      fc.property(jobArb, countArb, fc.infiniteStream(fc.nat()), (changes, count, random) => {
        const shuffled = [...changes]
          .map((change) => ({ change, at: random.next().value as number }))
          .sort((a, b) => a.at - b.at)
          .map(({ change }) => change);
        const first = shardsOf(changes, count);
        expect(shardsOf(changes, count)).toEqual(first);
        // Asked last to first, with a split counted from the shuffled lines.
        const split = new JobSplit();
        for (const change of shuffled) split.add(change);
        const backwards = [...changes].reverse().map((change) => {
          const index = Array.from({ length: count }, (_, i) => i).find((i) =>
            split.has(change, { index: i, count }),
          );
          return index as number;
        });
        expect(backwards.reverse()).toEqual(first);
      }),
    );
  });

  it('balances the shards: the heaviest holds at most the mean plus the heaviest unit', () => {
    fc.assert(
      fc.property(jobArb, countArb, (changes, count) => {
        const split = new JobSplit();
        for (const change of changes) split.add(change);
        const sizes = Array.from({ length: count }, (_, index) => split.sizeOf({ index, count }));
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(changes.length);
        // Without copies each (account, region) is a unit of its own: the greedy split's bound.
        if (changes.some((c) => c.copyFrom !== undefined)) return;
        const units = new Map<string, number>();
        for (const c of changes)
          units.set(unitKey(unitOf(c.arn)), (units.get(unitKey(unitOf(c.arn))) ?? 0) + 1);
        const heaviest = Math.max(0, ...units.values());
        expect(Math.max(...sizes)).toBeLessThanOrEqual(changes.length / count + heaviest);
      }),
    );
  });

  it("keeps every window, with only the shard's changes, and each window's bad lines", async () => {
    // Prepare
    const a = { arn: 'arn:aws:sns:us-east-1:111111111111:a', set: { k: 'v' } };
    const b = { arn: 'arn:aws:sns:eu-west-1:111111111111:b', set: { k: 'v' } };
    const windows: JobWindow[] = [
      { changes: [a, b], errors: [{ line: 2, message: 'bad' }] },
      { changes: [a], errors: [] },
    ];
    async function* source() {
      yield* windows;
    }
    const split = new JobSplit();
    // Act
    for await (const _ of split.counting(source())) {
      /* counted */
    }
    const parts: JobWindow[][] = [];
    for (const index of [0, 1]) {
      const part: JobWindow[] = [];
      for await (const window of split.only(source(), { index, count: 2 })) part.push(window);
      parts.push(part);
    }
    // Assess: us-east-1 (2 changes) to shard 0, eu-west-1 to shard 1; both see both windows and the bad line.
    expect(parts[0]?.map((w) => w.changes)).toEqual([[a], [a]]);
    expect(parts[1]?.map((w) => w.changes)).toEqual([[b], []]);
    for (const part of parts) expect(part.map((w) => w.errors.length)).toEqual([1, 0]);
  });
});

describe('assignUnits and unitsOfShard: (account, region) pairs', () => {
  const unitsArb = fc.array(
    fc.record({
      account: fc.constantFrom(...ACCOUNTS),
      region: fc.constantFrom(...REGIONS),
      weight: fc.integer({ min: 0, max: 50 }),
    }),
    { maxLength: 30 },
  );

  it('gives every unit one shard, the same for the units in any order', () => {
    fc.assert(
      fc.property(unitsArb, countArb, (units, count) => {
        const assigned = assignUnits(units, count);
        expect(assignUnits([...units].reverse(), count)).toEqual(assigned);
        const parts = Array.from({ length: count }, (_, index) => unitsOfShard(units, { index, count }));
        expect(parts.flat().length).toBe(units.length);
        for (const unit of units) expect(assigned.get(unitKey(unit))).toBeLessThan(count);
      }),
    );
  });

  it('deals units of equal weight round the shards, sorted by account, then region', () => {
    const units = ['us-east-1', 'eu-west-1', 'ap-south-1', 'us-west-2'].map((region) => ({
      account: '111111111111',
      region,
    }));
    const parts = [0, 1, 2].map((index) => unitsOfShard(units, { index, count: 3 }).map((u) => u.region));
    expect(parts).toEqual([['ap-south-1', 'us-west-2'], ['eu-west-1'], ['us-east-1']]);
  });

  it('splits ARNs by (account, region), each ARN in one shard', () => {
    fc.assert(
      fc.property(fc.array(arnArb, { maxLength: 40 }), countArb, (arns, count) => {
        const parts = Array.from({ length: count }, (_, index) => arnsOfShard(arns, { index, count }));
        expect(parts.flat().sort()).toEqual([...arns].sort());
        const where = new Map<string, number>();
        parts.forEach((part, index) => {
          for (const arn of part) {
            const key = unitKey(unitOf(arn));
            expect(where.get(key) ?? index).toBe(index);
            where.set(key, index);
          }
        });
      }),
    );
  });
});

describe('searchOfShard: a search of one account', () => {
  const regions = ['us-east-1', 'eu-west-1', 'ap-south-1'];
  const parts = (count: number, global: boolean) =>
    Array.from({ length: count }, (_, index) => searchOfShard({ regions }, { index, count }, global));

  it("splits the query's regions, each in one shard, and lists the global services in exactly one", () => {
    for (const count of [1, 2, 3, 4, 6]) {
      const split = parts(count, true);
      const searched = split.flatMap((part) => part?.query.regions ?? []);
      expect(searched.sort()).toEqual([...regions].sort());
      expect(split.filter((part) => part?.global).length).toBe(1);
    }
  });

  it('gives a shard with no unit nothing to search', () => {
    const split = parts(5, false);
    expect(split.filter((part) => part === undefined).length).toBe(2);
  });

  it('keeps a search of the default region whole, in shard 0', () => {
    const shard = (index: number): Shard => ({ index, count: 3 });
    expect(searchOfShard({ tags: { a: true } }, shard(0), false)).toEqual({
      query: { tags: { a: true } },
      global: false,
    });
    expect(searchOfShard({ tags: { a: true } }, shard(1), false)).toBeUndefined();
  });
});
