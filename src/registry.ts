import ec2 from '../adapters/ec2.js';
import iam from '../adapters/iam.js';
import lambda from '../adapters/lambda.js';
import s3 from '../adapters/s3.js';
import sns from '../adapters/sns.js';
import sqs from '../adapters/sqs.js';
import taggingApi from '../adapters/tagging-api.js';
import type { ParsedArn } from './arn.js';
import type { Adapter, ResourceInfo } from './types.js';

/** The adapters unitag ships, by ARN service field, and the tagging-API fallback. */
export interface Registry {
  /** Adapters by the ARN service field they serve. */
  adapters: ReadonlyMap<string, Adapter>;
  /** Serves every service without an adapter of its own, where the tagging API supports it. */
  fallback: Adapter;
}

/** The registry of the built-in adapters, with `extra` adapters added or replacing built-in ones. */
export function createRegistry(extra: Adapter[] = []): Registry {
  const adapters = new Map<string, Adapter>();
  for (const adapter of [sns(), sqs(), lambda(), s3(), ec2(), iam(), ...extra])
    adapters.set(adapter.name, adapter);
  return { adapters, fallback: taggingApi() };
}

/**
 * Picks the adapter for a parsed ARN: the service's own adapter, else the tagging-API fallback. Pure: no AWS
 * call. Throws `UnsupportedResourceError` when neither can tag the resource.
 */
export function dispatch(arn: ParsedArn, registry: Registry): { adapter: Adapter; info: ResourceInfo } {
  const adapter = registry.adapters.get(arn.service) ?? registry.fallback;
  return { adapter, info: adapter.describe(arn) };
}
