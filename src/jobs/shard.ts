// Shards: the I-th of N disjoint parts of a job or a search, for N machines of a distributed runner (AWS Batch
// array jobs, Kubernetes indexed Jobs, a GitHub Actions matrix). The work is split by account, then region: AWS's
// request rates hold per account and region, so two machines on one (account, region) would share one budget and
// only throttle each other. A resource's lines never split, and every machine computes the same split from the
// same input: the split is a pure function of the (account, region) units and their sizes.
import { ConfigurationError } from '../core/errors.js';
import type { FindQuery } from '../core/types.js';
import type { JobWindow } from './job-stream.js';
import { type Change, sourceArn } from './plan-change.js';

/** One of N shards: `index` counts from 0 (as AWS Batch's AWS_BATCH_JOB_ARRAY_INDEX does) to `count - 1`. */
export interface Shard {
  index: number;
  count: number;
}

/** The most shards a split takes (AWS Batch's arrays hold up to 10,000 children; Kubernetes' indexed Jobs more). */
export const MAX_SHARDS = 100_000;

/** A unit of work: an account and a region (either empty where the ARN or the search leaves it out). */
export interface WorkUnit {
  account: string;
  region: string;
  /** Its size (a job's changes in it); 1 when not given. */
  weight?: number | undefined;
}

/**
 * `--shard I/N`: the I-th of N shards, I from 0 to N-1. Anything else is a ConfigurationError (exit 2), said
 * before any AWS call.
 *
 * @example
 * parseShard('0/4'); // { index: 0, count: 4 }
 * parseShard(`${process.env.AWS_BATCH_JOB_ARRAY_INDEX}/${process.env.SHARDS}`);
 */
export function parseShard(value: string): Shard {
  const match = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*$/.exec(value);
  if (!match) {
    throw new ConfigurationError(
      `--shard "${value}" is not I/N: write the shard's index, from 0, and the number of shards, such as 0/4 ` +
        '(an AWS Batch array job: $AWS_BATCH_JOB_ARRAY_INDEX/N, which Batch sets only in the children of an array job)',
    );
  }
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) {
    throw new ConfigurationError(`--shard ${value}: N, the number of shards, is from 1 to ${MAX_SHARDS}`);
  }
  if (index >= count) {
    throw new ConfigurationError(
      `--shard ${value}: I counts from 0, so the ${count} shards are 0/${count} to ${count - 1}/${count}`,
    );
  }
  return { index, count };
}

/** A shard as its flag writes it: `I/N`. */
export function shardName({ index, count }: Shard): string {
  return `${index}/${count}`;
}

/** The key of a unit: its account and its region (neither holds a `/`). */
export function unitKey({ account, region }: WorkUnit): string {
  return `${account}/${region}`;
}

/**
 * The (account, region) of an ARN, as written: `arn:partition:service:region:account:...`. The ARN was checked
 * (the job's lines are, before the split); an S3 ARN has neither, an IAM ARN no region.
 */
export function unitOf(arn: string): WorkUnit {
  const [, , , region = '', account = ''] = arn.split(':', 5);
  return { account, region };
}

/**
 * Which shard each unit goes to (by {@link unitKey}): units named twice are one, their weights added; then, the
 * heaviest first (equal weights by key: account, then region), each goes to the shard with the least weight so
 * far (the lowest index among equals). Greedy by size ("longest processing time first") keeps the heaviest
 * shard within 4/3 of the best split, and with equal weights it deals the sorted units round the shards.
 * Pure: the same units, in any order, give the same assignment.
 */
export function assignUnits(units: readonly WorkUnit[], count: number): Map<string, number> {
  const weights = new Map<string, number>();
  for (const unit of units) {
    const key = unitKey(unit);
    weights.set(key, (weights.get(key) ?? 0) + (unit.weight ?? 1));
  }
  const order = [...weights].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  const shards = new LeastLoaded(count);
  const assigned = new Map<string, number>();
  for (const [key, weight] of order) assigned.set(key, shards.take(weight));
  return assigned;
}

/** The shards as a binary heap by (load, index): the least loaded, the lowest index among equals, in log N. */
class LeastLoaded {
  readonly #heap: number[];
  readonly #loads: number[];

  constructor(count: number) {
    this.#heap = Array.from({ length: count }, (_, i) => i);
    this.#loads = new Array<number>(count).fill(0);
  }

  /** Gives `weight` to the least loaded shard; its index. */
  take(weight: number): number {
    const heap = this.#heap;
    const least = heap[0] as number;
    this.#loads[least] = (this.#loads[least] as number) + weight;
    // The root's load grew: it sinks below every child that comes before it.
    for (let at = 0; ; ) {
      const [left, right] = [2 * at + 1, 2 * at + 2];
      let first = at;
      if (left < heap.length && this.#before(heap[left] as number, heap[first] as number)) first = left;
      if (right < heap.length && this.#before(heap[right] as number, heap[first] as number)) first = right;
      if (first === at) return least;
      [heap[at], heap[first]] = [heap[first] as number, heap[at] as number];
      at = first;
    }
  }

  #before(a: number, b: number): boolean {
    const [x, y] = [this.#loads[a] as number, this.#loads[b] as number];
    return x < y || (x === y && a < b);
  }
}

/** The units that fall to `shard`, in the order given. */
export function unitsOfShard<T extends WorkUnit>(units: readonly T[], shard: Shard): T[] {
  const assigned = assignUnits(units, shard.count);
  return units.filter((unit) => assigned.get(unitKey(unit)) === shard.index);
}

/**
 * The ARNs that fall to `shard`, in the order given: each ARN's (account, region) is a unit, weighted by how many
 * of the ARNs are in it (`check`'s resources).
 */
export function arnsOfShard(arns: readonly string[], shard: Shard): string[] {
  const assigned = assignUnits(arns.map(unitOf), shard.count);
  return arns.filter((arn) => assigned.get(unitKey(unitOf(arn))) === shard.index);
}

/** The unit of a search without regions: the default region, whichever it is. */
const DEFAULT_REGION = 'default';

/**
 * The part of a search of one account (the credentials') that falls to `shard`, or undefined when none does. Its
 * units: each region of the query (without regions, the default region is one unit) and, with `global` (a listing
 * of every service: IAM's and S3's resources are global), the account's global unit, region ''. The part says its
 * regions, and whether it lists the global services. (A search of several accounts splits its (account, region)
 * pairs with {@link unitsOfShard}.)
 */
export function searchOfShard(
  query: FindQuery,
  shard: Shard,
  global: boolean,
): { query: FindQuery; global: boolean } | undefined {
  const regions = [...(query.regions ?? [DEFAULT_REGION]), ...(global ? [''] : [])];
  const mine = unitsOfShard(
    regions.map((region) => ({ account: '', region })),
    shard,
  ).map((unit) => unit.region);
  if (mine.length === 0) return undefined;
  const regional = mine.filter((region) => region !== '');
  const part = query.regions === undefined && regional.length === 1 ? query : { ...query, regions: regional };
  return { query: part, global: mine.includes('') };
}

/**
 * A job's split, counted in a first reading of it: its changes per (account, region) group, and the groups a copy
 * joins (a change copying from a resource of another group: the source's own lines must be written in file order
 * with the copy, by one machine). Its memory grows with the groups, never with the lines.
 */
export class JobSplit {
  readonly #weights = new Map<string, number>();
  /** Union-find over the groups a copy joins: each group's parent. */
  readonly #parent = new Map<string, string>();
  #assigned: Map<string, number> | undefined;
  #count = 0;

  /** Counts the changes of `windows` as they pass, unchanged (for the first reading of the job). */
  async *counting(windows: AsyncIterable<JobWindow>): AsyncGenerator<JobWindow> {
    for await (const window of windows) {
      for (const change of window.changes) this.add(change);
      yield window;
    }
  }

  /** Counts one change: one more in its resource's group, joined to its copy source's group. */
  add(change: Change): void {
    const key = unitKey(unitOf(change.arn));
    this.#weights.set(key, (this.#weights.get(key) ?? 0) + 1);
    const source = sourceArn(change);
    if (source !== undefined) this.#join(key, unitKey(unitOf(source)));
    this.#assigned = undefined;
  }

  /** The shard each group goes to: each set of joined groups is one unit, named by its smallest key. */
  #assignment(count: number): Map<string, number> {
    if (this.#assigned && this.#count === count) return this.#assigned;
    const units = new Map<string, number>();
    for (const [key, weight] of this.#weights) {
      const root = this.#root(key);
      units.set(root, (units.get(root) ?? 0) + weight);
    }
    const parts = [...units].map(([key, weight]) => ({ ...splitKey(key), weight }));
    const byRoot = assignUnits(parts, count);
    this.#assigned = new Map([...this.#parent.keys(), ...this.#weights.keys()].map((key) => [key, 0]));
    for (const key of this.#assigned.keys()) this.#assigned.set(key, byRoot.get(this.#root(key)) ?? 0);
    this.#count = count;
    return this.#assigned;
  }

  /** True when `change` falls to `shard`. */
  has(change: Change, shard: Shard): boolean {
    const key = unitKey(unitOf(change.arn));
    // A group the first reading did not see cannot be (both readings read the same bytes); it would go by a hash.
    const assigned = this.#assignment(shard.count).get(key) ?? hash(key) % shard.count;
    return assigned === shard.index;
  }

  /** The changes that fall to `shard`. */
  sizeOf(shard: Shard): number {
    const assigned = this.#assignment(shard.count);
    let total = 0;
    for (const [key, weight] of this.#weights) if (assigned.get(key) === shard.index) total += weight;
    return total;
  }

  /**
   * The windows with only `shard`'s changes. Every window is kept (empty or not), so that a line's window is its
   * window in the whole job, and each bad line is said by every shard.
   */
  async *only(windows: AsyncIterable<JobWindow>, shard: Shard): AsyncGenerator<JobWindow> {
    for await (const window of windows) {
      yield { changes: window.changes.filter((change) => this.has(change, shard)), errors: window.errors };
    }
  }

  #join(a: string, b: string): void {
    const [x, y] = [this.#root(a), this.#root(b)];
    // The smaller key is the root, whatever the order of the joins: the set's name does not depend on it.
    if (x < y) this.#parent.set(y, x);
    else if (y < x) this.#parent.set(x, y);
  }

  #root(key: string): string {
    let root = key;
    for (let up = this.#parent.get(root); up !== undefined; up = this.#parent.get(root)) root = up;
    // Path compression: later look-ups of this key take one step.
    if (root !== key) this.#parent.set(key, root);
    return root;
  }
}

function splitKey(key: string): WorkUnit {
  const at = key.indexOf('/');
  return { account: key.slice(0, at), region: key.slice(at + 1) };
}

/** FNV-1a, 32 bits: the same on every machine. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The parts of a search of several accounts that fall to `shard`, one per account that has a unit in it: the
 * units are each account's regions (the query's, else the account's own, else the default region) and, with
 * `global`, each account's global unit. Every machine computes the same split from the same accounts.
 */
export function searchesOfShard(
  query: FindQuery,
  shard: Shard,
  global: boolean,
  accounts: readonly { id: string; regions?: readonly string[] | undefined }[],
): { query: FindQuery; global: boolean }[] {
  const units = accounts.flatMap(({ id, regions }) =>
    [...(query.regions ?? regions ?? [DEFAULT_REGION]), ...(global ? [''] : [])].map((region) => ({
      account: id,
      region,
    })),
  );
  const mine = unitsOfShard(units, shard);
  return accounts.flatMap(({ id, regions }) => {
    const own = mine.filter((unit) => unit.account === id).map((unit) => unit.region);
    if (own.length === 0) return [];
    const regional = own.filter((region) => region !== '');
    const whole = (query.regions ?? regions) === undefined && regional.length === 1;
    const part = { ...query, accounts: [id], ...(whole ? {} : { regions: regional }) };
    return [{ query: part, global: own.includes('') }];
  });
}
