import { parseArn, partitionOfRegion } from '../core/arn.js';
import { merge } from '../core/collections.js';
import type { Engine } from '../core/engine.js';
import {
  AccountMismatchError,
  ConfigurationError,
  createError,
  type UnitagError,
  UnsupportedResourceError,
} from '../core/errors.js';
import type { FindQuery, Tags } from '../core/types.js';
import { type FindFailure, findUntagged, type InventoryOptions, type TagReader } from './inventory.js';

/**
 * Options of `find`. `onProgress` serves the searches with `missing`, `untagged` or `all`; `onFailure` hears of
 * every failure as it happens (a region or an account the search could not cover, a resource it could not read),
 * and the search goes on. Without it, the first failure is thrown once every match has been yielded.
 */
export interface FindOptions extends InventoryOptions {
  /** Aborts the search: the iteration then throws an `Aborted` error. */
  signal?: AbortSignal | undefined;
}

/** One resource `find` found: its ARN, tags and type, and the account it was found in, where known. */
export interface FoundResource {
  arn: string;
  tags: Tags;
  type?: string | undefined;
  /** The account searched (across accounts), else the ARN's; absent for an S3 bucket of a one-account search. */
  account?: string | undefined;
}

/** Accounts searched at once; each holds its own rate buckets, so more only adds memory and connections. */
const ACCOUNTS_AT_ONCE = 8;

/** One account's part of a search: the account ('' for the caller's, not named) and its regions. */
interface Target {
  account: string;
  regions: string[] | undefined;
}

/**
 * Tagged resources matching the query, region after region, through the registry's fallback adapter (the
 * tagging API's GetResources); with `missing`, `untagged` or `all`, resources listed with each service's own
 * calls, their tags read with `read` (the tagger's bulk read). Across accounts (`query.accounts`, or the accounts
 * file's), accounts are searched side by side, each with its own credentials: one that cannot be searched (its
 * role refused) is a failure of that account alone. Errors are typed like every other call's. The partition is the
 * one chosen, else the one the regions belong to (`cn-north-1`: `aws-cn`).
 */
export async function* find(
  engine: Engine,
  chosenPartition: string | undefined,
  query: FindQuery,
  options: FindOptions,
  read: TagReader,
): AsyncGenerator<FoundResource> {
  const targets = targetsOf(engine, query);
  const regions = targets.flatMap((target) => target.regions ?? [engine.clients.defaultRegion]);
  const partition = chosenPartition ?? searchPartition(regions);
  // Without onFailure, the first failure is kept and thrown at the end: no failure passes unseen.
  let first: UnitagError | undefined;
  const onFailure = (failure: FindFailure) => {
    first ??= failure.error;
    options.onFailure?.(failure);
  };
  const search = { engine, read, partition, query, options: { ...options, onFailure } };
  const one = targets[0];
  if (targets.length === 1 && one) yield* searchAccount(search, one);
  else
    yield* merge(
      targets.map((target) => () => searchAccount(search, target)),
      ACCOUNTS_AT_ONCE,
    );
  if (first && !options.onFailure) throw first;
}

/** The accounts a query searches, each with its regions; one target of the caller's account when none is named. */
function targetsOf(engine: Engine, query: FindQuery): Target[] {
  const file = engine.clients.accounts;
  const named = query.accounts ?? file?.map((account) => account.id);
  if (named === undefined) return [{ account: '', regions: query.regions }];
  if (named.length === 0) {
    throw new ConfigurationError(
      'find: no account to search (the accounts list, or the accounts file after its filter, is empty).',
    );
  }
  const outside = file ? named.filter((id) => !file.some((account) => account.id === id)) : [];
  if (outside.length > 0) {
    throw new AccountMismatchError(
      `find: ${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} not in the run's accounts (the accounts ` +
        'file, after its filter): unitag acts only in those. Add them to the file, or widen the filter.',
    );
  }
  return [...new Set(named)].map((id) => {
    const entry = file?.find((account) => account.id === id);
    return { account: id, regions: query.regions ?? entry?.regions?.slice() };
  });
}

interface Search {
  engine: Engine;
  read: TagReader;
  partition: string;
  query: FindQuery;
  options: FindOptions & { onFailure: (failure: FindFailure) => void };
}

/** One account's search: its credentials checked first (a role assumed), then each region. */
async function* searchAccount(search: Search, target: Target): AsyncGenerator<FoundResource> {
  const { engine, read, partition, query, options } = search;
  const { account } = target;
  const regions = target.regions ?? [engine.clients.defaultRegion ?? ''];
  if (account !== '') {
    try {
      options.signal?.throwIfAborted();
      await engine.clients.checkAccount({ partition, region: regions[0] ?? '', account }, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw engine.fail(error, { service: 'sts' }, options.signal);
      const failed = engine.fail(error, { service: 'sts' });
      const message = `account ${account} could not be searched: ${failed.message}`;
      const typed = createError(failed.code, message, { service: 'sts', cause: failed.cause ?? error });
      const arn = `arn:${partition}:*:*:${account}:*`;
      options.onFailure({ arn, service: 'sts', region: '*', listing: true, account, error: typed });
      return;
    }
  }
  const scoped = { ...query, regions };
  if (query.missing !== undefined || query.untagged === true || query.all === true) {
    // With `missing`, `untagged` or `all`, resources are listed with each service's own calls (inventory.ts).
    return yield* findUntagged(engine, read, partition, scoped, options, account || undefined);
  }
  yield* tagged(search, account, regions);
}

/** The tagging API's search of one account, region after region; a region that fails is a failure, and the next goes on. */
async function* tagged(search: Search, account: string, regions: string[]): AsyncGenerator<FoundResource> {
  const { engine, partition, query, options } = search;
  const { signal } = options;
  const find = engine.registry.fallback.find;
  if (!find)
    throw new UnsupportedResourceError(`The ${engine.registry.fallback.name} adapter cannot search.`);
  for (const region of regions) {
    const scope = { partition, region, account };
    try {
      signal?.throwIfAborted();
      for await (const found of find(engine.context, scope, query, { signal })) {
        signal?.throwIfAborted();
        yield { ...found, ...accountOf(found.arn, account) };
      }
    } catch (error) {
      if (signal?.aborted) throw engine.fail(error, { service: 'tag' }, signal);
      // The search of one region failed: say which (the ones before it were yielded already).
      const failed = engine.fail(error, { service: 'tag', arn: undefined });
      const where = `${region || 'the default region'}${account ? ` of account ${account}` : ''}`;
      const typed = createError(failed.code, `find in ${where}: ${failed.message}`, {
        service: 'tag',
        cause: failed.cause,
      });
      const arn = `arn:${partition}:tag:${region}:${account}:*`;
      options.onFailure({ arn, service: 'tag', region, listing: true, account, error: typed });
    }
  }
}

/** `{ account }`: the one searched, else the ARN's; nothing for an ARN without one in a one-account search. */
function accountOf(arn: string, searched: string): { account?: string } {
  if (searched) return { account: searched };
  try {
    const { accountId } = parseArn(arn);
    return accountId ? { account: accountId } : {};
  } catch {
    return {};
  }
}

/** The partition of the regions a search names (else of the default region); they must share one. */
function searchPartition(regions: (string | undefined)[]): string {
  const partitions = [...new Set(regions.map(partitionOfRegion))];
  if (partitions.length > 1) {
    const named = [...new Set(regions.filter(Boolean))].join(', ');
    throw new ConfigurationError(
      `find searches one partition at a time, and the regions ${named} span ` +
        `${partitions.join(', ')}: search each partition apart.`,
    );
  }
  return partitions[0] ?? 'aws';
}
