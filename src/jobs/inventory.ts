// `find` with `missing` or `untagged`: the tagging API never returns a resource that was never tagged, so the
// resources are listed with each service's own calls (region by region, once for the global services), and
// the tags of those whose list answer carries none are read in chunks through the bulk read.

import { kindOf } from '../core/arguments.js';
import { httpStatus } from '../core/aws-errors.js';
import { withAccount, withSignal } from '../core/clients.js';
import type { Engine } from '../core/engine.js';
import {
  ClientMissingError,
  ConfigurationError,
  createError,
  InvalidTagError,
  ReservedKeyError,
  type UnitagError,
  UnsupportedResourceError,
} from '../core/errors.js';
import { copyTags, hasTag } from '../core/shapes.js';
import type {
  Adapter,
  AdapterInventory,
  ClientScope,
  FindQuery,
  ListedResource,
  Tags,
} from '../core/types.js';
import { isReservedKey } from '../core/validate.js';
import type { BulkOptions } from './bulk.js';
import type { ReadReport, ReadResult } from './report.js';

/** Resources listed before their tags are read in one bulk read: what an inventory holds at most. */
const READ_CHUNK = 1000;

/** How far an inventory has got: reported once per resource listed. */
export interface InventoryProgress {
  /** The adapter listing: `ec2`, `iam`, ... */
  service: string;
  /** The region it lists; `global` for the global services (IAM, S3). */
  region: string;
  /** Resources it has listed there so far. */
  listed: number;
  /** Resources listed so far, everywhere. */
  total: number;
}

/** What `find` with `missing` or `untagged` could not do: read one resource's tags, or list a whole scope. */
export interface FindFailure {
  /**
   * The resource whose tags could not be read; for a listing that failed, the pattern of everything it lists
   * (`arn:aws:ec2:us-east-1:123456789012:*`).
   */
  arn: string;
  /** The resource's type, where known. */
  type?: string | undefined;
  /** The adapter whose listing (or the resource's service whose read) failed. */
  service: string;
  /** The region, `global` for the global services. */
  region: string;
  /** True when the listing itself failed: the resources it would have listed are neither matches nor failures. */
  listing: boolean;
  /** The account searched, where known (a search across accounts names it always). */
  account?: string | undefined;
  /** Why, typed; a listing's error names the service and the region. */
  error: UnitagError;
}

/** Reads the tags of many ARNs, a report line each: the tagger's bulk read (`listMany`). */
export type TagReader = (arns: string[], options: BulkOptions<ReadResult>) => Promise<ReadReport>;

/** Options of an inventory. */
export interface InventoryOptions {
  /** Aborts the search: the iteration then throws an `Aborted` error. */
  signal?: AbortSignal | undefined;
  /** Called once per resource listed. */
  onProgress?: ((progress: InventoryProgress) => void) | undefined;
  /**
   * Called once per failure, as it happens. Without it, a search that met failures throws the first of them
   * once every match has been yielded, so that no failure passes unseen.
   */
  onFailure?: ((failure: FindFailure) => void) | undefined;
  /**
   * `false`: the services whose resources are global (IAM, S3 buckets) are not listed, only the regions' (the CLI's
   * `find --shard`, where one shard lists them). Default: they are listed once, whatever the regions.
   */
  global?: boolean | undefined;
}

/** One resource of an inventory with its tags (`aws:` tags included), or a failure. */
export type InventoryEntry =
  | { outcome: 'read'; arn: string; type: string; tags: Tags; account: string }
  | ({ outcome: 'failed'; account: string } & FindFailure);

/**
 * The resources that match `query` (`missing`, `untagged`, and the `tags` filters on top), as they are listed
 * and read. A resource whose tags could not be read is a failure, never a match; so is a listing that failed,
 * while the other regions and services go on. Checks the query before any AWS call (`InvalidTag`,
 * `ReservedKey`, `UnsupportedResource`).
 */
export async function* findUntagged(
  engine: Engine,
  read: TagReader,
  partition: string,
  query: FindQuery,
  options: InventoryOptions = {},
  account?: string,
): AsyncGenerator<{ arn: string; type: string; tags: Tags; account: string }> {
  const missing = checkedKeys(query);
  let first: UnitagError | undefined;
  for await (const entry of inventory(engine, read, partition, query, options, account)) {
    if (entry.outcome === 'failed') {
      const { outcome: _, ...failure } = entry;
      first ??= failure.error;
      options.onFailure?.(failure);
    } else if (matches(entry.tags, missing, query)) {
      yield { arn: entry.arn, type: entry.type, tags: entry.tags, account: entry.account };
    }
  }
  if (first && !options.onFailure) throw first;
}

/**
 * Every resource of the types the query names (all the adapters can list, by default), with its tags: the
 * global services once, the others in each region of the query (default: the tagger's). Reads tags in chunks
 * of {@link READ_CHUNK}, so that memory stays bounded however many resources the account holds. In `account`
 * when given (its credentials, and its S3 buckets read with them), else in the caller's (one STS call says which).
 */
export async function* inventory(
  engine: Engine,
  read: TagReader,
  partition: string,
  query: FindQuery,
  options: InventoryOptions = {},
  named?: string,
): AsyncGenerator<InventoryEntry> {
  const listings = plan([...engine.registry.adapters.values()], query.resourceTypes);
  if (query.resourceTypes === undefined) noticeUnlisted(engine);
  const { signal } = options;
  let account: string;
  try {
    account = named ?? (await engine.clients.account(partition, signal));
  } catch (error) {
    throw engine.fail(error, { service: 'sts' }, signal);
  }
  const regions = query.regions ?? [engine.clients.defaultRegion ?? ''];
  const run = new Run(engine, read, options, named, query.resourceTypes !== undefined);
  for (const { adapter, inventory, types } of listings) {
    if (inventory.global && options.global === false) continue;
    const scopes = inventory.global ? [''] : regions;
    for (const region of scopes) {
      const scope = { partition, region, account };
      yield* run.list(adapter, inventory, types, scope, inventory.global ? 'global' : region || 'default');
    }
  }
}

/** One inventory's state: the count of resources listed, and the reads. */
class Run {
  total = 0;

  constructor(
    readonly engine: Engine,
    readonly read: TagReader,
    readonly options: InventoryOptions,
    /** The account named by the search, whose credentials read ARNs without an account (S3 buckets). */
    readonly named: string | undefined,
    /** The search named its types: a service the endpoint does not serve is then a failure, not a notice. */
    readonly typesNamed: boolean,
  ) {}

  /** Lists one scope; a failed listing ends it with a failure entry, after the resources listed before it. */
  async *list(
    adapter: Adapter,
    inventory: AdapterInventory,
    types: readonly string[],
    scope: ClientScope,
    region: string,
  ): AsyncGenerator<InventoryEntry> {
    const { signal, onProgress } = this.options;
    const service = adapter.name;
    const pending: ListedResource[] = [];
    const listing = inventory
      .enumerate(this.engine.context, scope, types, { signal })
      [Symbol.asyncIterator]();
    let listed = 0;
    let failure: UnitagError | undefined;
    let ended = false;
    try {
      while (!ended) {
        let next: IteratorResult<ListedResource>;
        try {
          signal?.throwIfAborted();
          next = await withSignal(signal, () => listing.next());
        } catch (error) {
          ended = true;
          if (signal?.aborted) throw this.engine.fail(error, { service }, signal);
          failure = this.failed(error, service, region);
          break;
        }
        ended = next.done === true;
        if (ended) break;
        listed++;
        onProgress?.({ service, region, listed, total: ++this.total });
        const { arn, type, tags } = next.value;
        if (tags) yield { outcome: 'read', arn, type, tags: copyTags(tags), account: scope.account };
        else if (pending.push(next.value) >= READ_CHUNK) yield* this.tags(pending.splice(0), scope, region);
      }
    } finally {
      // The caller stopped early (or a read threw): the listing stops too, and its client calls with it.
      if (!ended) await listing.return?.();
    }
    yield* this.tags(pending, scope, region);
    if (failure && !this.typesNamed && notServed(failure)) {
      // LocalStack started without it ("Service 'lambda' is not enabled"): nothing of it to list, and not asked for.
      const said = /Service '[^']+' is not enabled/.exec(failure.message)?.[0];
      const why = said ?? `it answered HTTP ${httpStatus(failure.cause) ?? 501}`;
      this.engine.notice(`find: ${service} is not listed: the endpoint does not serve it (${why})`);
    } else if (failure) {
      const { account } = scope;
      const arn = `arn:${scope.partition}:${service}:${scope.region}:${service === 's3' ? '' : account}:*`;
      yield { outcome: 'failed', arn, service, region, listing: true, error: failure, account };
    }
  }

  /** The tags of listed resources, through the bulk read; a resource it could not read is a failure. */
  async *tags(listed: ListedResource[], scope: ClientScope, region: string): AsyncGenerator<InventoryEntry> {
    if (listed.length === 0) return;
    const { signal } = this.options;
    const { account } = scope;
    const arns = listed.map((resource) => resource.arn);
    const report = await withAccount(this.named ?? '', () => this.read(arns, { signal }));
    if (signal?.aborted) throw this.engine.fail(signal.reason, { service: 'find' }, signal);
    const typeOf = new Map(listed.map((resource) => [resource.arn, resource.type]));
    for (const { arn, type = typeOf.get(arn) ?? '', outcome, tags, error } of report.results) {
      if (outcome === 'read' && tags) yield { outcome, arn, type, tags, account };
      else {
        const why = error ?? this.engine.fail(new Error('its tags were not read'), { arn }, signal);
        const service = arn.split(':')[2] ?? '';
        yield { outcome: 'failed', arn, type, service, region, listing: false, error: why, account };
      }
    }
  }

  /** A listing's failure, typed, naming its service and region. */
  failed(error: unknown, service: string, region: string): UnitagError {
    const typed = this.engine.fail(error, { service });
    return createError(typed.code, `listing ${service} in ${region}: ${typed.message}`, {
      service,
      cause: typed.cause ?? error,
    });
  }
}

/** True when the endpoint does not serve the service at all (HTTP 501: LocalStack's "Service ... is not enabled"). */
function notServed(error: UnitagError): boolean {
  return httpStatus(error.cause) === 501 || /Service '[^']+' is not enabled/.test(error.message);
}

/** Says which types a search of every type leaves out, because their adapter's SDK package is not installed. */
function noticeUnlisted(engine: Engine): void {
  for (const adapter of engine.registry.adapters.values()) {
    const pkg = adapter.optionalPackage;
    if (!adapter.inventory || !pkg || pkg.installed() !== false) continue;
    engine.notice(
      `find: ${adapter.inventory.types.join(', ')} are not listed: ${pkg.name} is not installed, and the tagging ` +
        `API returns only resources that were tagged once. \`npm install ${pkg.name}\` lists them.`,
    );
  }
}

/**
 * Each adapter that can list some of the types asked for, with those types; unknown types are refused. An adapter
 * whose optional SDK package is not installed lists nothing (the tagging API, which stands in for it, returns only
 * resources that were tagged once): asked for by type, it is refused, naming the package.
 */
function plan(
  adapters: Adapter[],
  filters: string[] | undefined,
): { adapter: Adapter; inventory: AdapterInventory; types: string[] }[] {
  const matches = (type: string, f: string) => type === f || type.startsWith(`${f}:`);
  const asked = (adapter: Adapter) =>
    adapter.inventory?.types.filter(
      (type) => filters === undefined || filters.some((f) => matches(type, f)),
    ) ?? [];
  const listable = adapters.filter((adapter) => adapter.optionalPackage?.installed() !== false);
  const listings = listable.flatMap((adapter) => {
    const types = asked(adapter);
    return adapter.inventory && types.length > 0 ? [{ adapter, inventory: adapter.inventory, types }] : [];
  });
  const all = adapters.flatMap((adapter) => adapter.inventory?.types ?? []);
  const unknown = (filters ?? []).filter((f) => !all.some((type) => matches(type, f)));
  if (unknown.length > 0) {
    const known = listable.flatMap((adapter) => adapter.inventory?.types ?? []);
    throw new UnsupportedResourceError(
      `find with missing or untagged cannot list ${unknown.join(', ')}: it lists ${known.join(', ')} with each ` +
        "service's own calls (the tagging API returns only resources that were tagged once).",
    );
  }
  const missing = adapters.filter(
    (adapter) => !listable.includes(adapter) && filters && asked(adapter).length > 0,
  );
  if (missing.length > 0) throw packageMissing(missing, missing.flatMap(asked));
  return listings;
}

/** The refusal of `types`, whose adapters' SDK packages are not installed: it names each package to install. */
function packageMissing(adapters: Adapter[], types: string[]): ClientMissingError {
  const names = adapters.map((adapter) => adapter.optionalPackage?.name ?? adapter.name);
  return new ClientMissingError(
    `find with missing or untagged cannot list ${types.join(', ')}: ${names.join(', ')} ` +
      `${names.length > 1 ? 'are' : 'is'} not installed, and the Resource Groups Tagging API, which serves these ` +
      'resources without it, returns only resources that were tagged once. ' +
      `\`npm install ${names.join(' ')}\` lets unitag list them with the service's own calls.`,
    { service: adapters[0]?.name, packageName: names[0] },
  );
}

/**
 * The keys of `missing`, checked: a list of at least one key (or none at all with `untagged`, which already
 * lacks every key), none empty, none in the reserved `aws:` namespace.
 */
function checkedKeys({ missing, untagged }: FindQuery): string[] {
  if (missing === undefined) return [];
  if (!Array.isArray(missing) || missing.some((key) => typeof key !== 'string')) {
    throw new ConfigurationError(
      `missing must be a list of tag keys, such as ['owner']: not ${kindOf(missing)}.`,
    );
  }
  if (missing.length === 0) {
    throw new ConfigurationError('missing is an empty list: name a key to look for, or use untagged.');
  }
  if (untagged) {
    throw new ConfigurationError(
      'missing and untagged together: an untagged resource lacks every key; use one of the two.',
    );
  }
  for (const key of missing) {
    if (key === '') throw new InvalidTagError('A key to look for (missing) is empty.');
    if (isReservedKey(key)) {
      throw new ReservedKeyError(
        `"${key}" is an aws: system tag, never a user tag: look for the keys your own tags use.`,
      );
    }
  }
  return missing;
}

/** True when the tags lack one of `missing` (or any user tag, for `untagged`) and pass the `tags` filters. */
function matches(tags: Tags, missing: string[], query: FindQuery): boolean {
  if (query.untagged && Object.keys(tags).some((key) => !isReservedKey(key))) return false;
  if (missing.length > 0 && missing.every((key) => hasTag(tags, key))) return false;
  for (const [key, wanted] of Object.entries(query.tags ?? {})) {
    if (!hasTag(tags, key)) return false;
    if (wanted !== true && ![wanted].flat().includes(tags[key] as string)) return false;
  }
  return true;
}
