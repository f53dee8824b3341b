import type { Engine } from './engine.js';
import { createError, UnsupportedResourceError } from './errors.js';
import type { FindQuery, Tags } from './types.js';

/** Options of `find`. */
export interface FindOptions {
  /** Aborts the search: the iteration then throws an `Aborted` error. */
  signal?: AbortSignal | undefined;
}

/**
 * Tagged resources matching the query, region after region, through the registry's fallback adapter (the
 * tagging API's GetResources). Errors are typed like every other call's.
 */
export async function* find(
  engine: Engine,
  partition: string,
  query: FindQuery,
  { signal }: FindOptions = {},
): AsyncGenerator<{ arn: string; tags: Tags }> {
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
