import { partitionOfRegion } from '../core/arn.js';
import type { Engine } from '../core/engine.js';
import { ConfigurationError, createError, UnsupportedResourceError } from '../core/errors.js';
import type { FindQuery, Tags } from '../core/types.js';
import { findUntagged, type InventoryOptions, type TagReader } from './inventory.js';

/**
 * Options of `find`. `onProgress` and `onFailure` serve the searches with `missing` or `untagged` (see
 * `InventoryOptions`); the tagging API's search throws its first failure.
 */
export interface FindOptions extends InventoryOptions {
  /** Aborts the search: the iteration then throws an `Aborted` error. */
  signal?: AbortSignal | undefined;
}

/**
 * Tagged resources matching the query, region after region, through the registry's fallback adapter (the
 * tagging API's GetResources); with `missing` or `untagged`, resources listed with each service's own calls,
 * their tags read with `read` (the tagger's bulk read). Errors are typed like every other call's. The partition
 * is the one chosen, else the one the regions belong to (`cn-north-1`: `aws-cn`).
 */
export async function* find(
  engine: Engine,
  chosenPartition: string | undefined,
  query: FindQuery,
  options: FindOptions,
  read: TagReader,
): AsyncGenerator<{ arn: string; tags: Tags; type?: string }> {
  const partition = chosenPartition ?? searchPartition(query, engine.clients.defaultRegion);
  // With `missing` or `untagged`, resources are listed with each service's own calls (see inventory.ts).
  if (query.missing !== undefined || query.untagged === true) {
    return yield* findUntagged(engine, read, partition, query, options);
  }
  const { signal } = options;
  const search = engine.registry.fallback.find;
  if (!search)
    throw new UnsupportedResourceError(`The ${engine.registry.fallback.name} adapter cannot search.`);
  // No region given: the tagger's, else the SDK's chain (the profile's); none at all is a ConfigurationError.
  const regions = query.regions ?? [engine.clients.defaultRegion ?? ''];
  for (const region of regions) {
    const scope = { partition, region, account: '' };
    try {
      signal?.throwIfAborted();
      for await (const found of search(engine.context, scope, query, { signal })) {
        signal?.throwIfAborted();
        yield found;
      }
    } catch (error) {
      // The search of one region failed: say which (the ones before it were yielded already).
      const failed = engine.fail(error, { service: 'tag', arn: undefined }, signal);
      throw createError(failed.code, `find in ${region || 'the default region'}: ${failed.message}`, {
        service: 'tag',
        cause: failed.cause,
      });
    }
  }
}

/** The partition of the regions a search names (else of the default region); they must share one. */
function searchPartition(query: FindQuery, defaultRegion: string | undefined): string {
  const partitions = [...new Set((query.regions ?? [defaultRegion]).map(partitionOfRegion))];
  if (partitions.length > 1) {
    throw new ConfigurationError(
      `find searches one partition at a time, and the regions ${query.regions?.join(', ')} span ` +
        `${partitions.join(', ')}: search each partition apart.`,
    );
  }
  return partitions[0] ?? 'aws';
}
